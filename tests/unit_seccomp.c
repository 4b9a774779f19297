/* unit_seccomp.c - unit tests of the seccomp filter: a small classic BPF
 * interpreter runs the built filter for every call number and
 * capability set, and the answers are checked against the lists. */
#include <errno.h>
#include <linux/capability.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capabilities.h"
#include "seccomp.h"
#include "unit.h"

/* Runs a classic BPF program the way the kernel runs a seccomp filter,
 * for the instructions build_seccomp_filter uses; counts the steps.
 * Returns the filter's answer, or 0xdead on anything it cannot run
 * (a jump out of the program, an unknown instruction). */
static unsigned run_filter(const struct sock_filter *program, int length,
			   const struct seccomp_data *data, int *steps)
{
	unsigned a = 0;
	*steps = 0;
	for (int pc = 0; pc >= 0 && pc < length; pc++) {
		const struct sock_filter *i = &program[pc];
		++*steps;
		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (i->k + 4 > sizeof(*data))
				return 0xdead;
			memcpy(&a, (const char *)data + i->k, 4);
			break;
		case BPF_RET | BPF_K:
			return i->k;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += a > i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += a & i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JA:
			pc += (int)i->k;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= i->k;
			break;
		default:
			return 0xdead;
		}
	}
	return 0xdead;
}

#define ALLOWED		SECCOMP_RET_ALLOW
#define REFUSED		(SECCOMP_RET_ERRNO | EPERM)
#define NOT_THERE	(SECCOMP_RET_ERRNO | ENOSYS)
#define CAPABILITY(cap) ((capability_mask)1 << (cap))

/* A built filter for one capability set. */
struct filter {
	struct sock_filter program[SECCOMP_MAX_INSTRUCTIONS];
	int length;
	capability_mask keep;
};

static unsigned answer(const struct filter *filter, unsigned arch, unsigned nr,
		       uint64_t arg0, uint64_t arg1, int *steps)
{
	struct seccomp_data data = {.nr = (int)nr, .arch = arch};
	data.args[0] = arg0;
	data.args[1] = arg1;
	int ignored;
	return run_filter(filter->program, filter->length, &data,
			  steps ? steps : &ignored);
}

static unsigned native(const struct filter *filter, unsigned nr, uint64_t arg0,
		       uint64_t arg1)
{
	return answer(filter, AUDIT_ARCH_NATIVE, nr, arg0, arg1, NULL);
}

/* The rules, written out again in plain C from the lists in seccomp.c:
 * the answer the filter must give. The kernel reads clone's flags,
 * personality's value and ioctl's request as 32-bit numbers. */
#define NAMESPACE_FLAGS                                                        \
	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |           \
	 CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP)
static const uint32_t personalities[] = {0x0, 0x8, 0x20000, 0x20008,
					 0xffffffff};

static unsigned expected_answer(capability_mask keep, unsigned nr,
				uint64_t arg0, uint64_t arg1)
{
	int admin = (keep & CAPABILITY(CAP_SYS_ADMIN)) != 0;
	if (nr == SYS_clone)
		return admin || !((uint32_t)arg0 & NAMESPACE_FLAGS) ? ALLOWED
								    : REFUSED;
	if (nr == SYS_clone3)
		return admin ? ALLOWED : NOT_THERE;
	if (nr == SYS_personality) {
		for (size_t i = 0;
		     i < sizeof(personalities) / sizeof(*personalities); i++)
			if ((uint32_t)arg0 == personalities[i])
				return ALLOWED;
		return REFUSED;
	}
	if (nr == SYS_ioctl)
		return (uint32_t)arg1 == TIOCSTI || (uint32_t)arg1 == TIOCLINUX
			   ? REFUSED
			   : ALLOWED;
	for (int i = 0; i < seccomp_allowed_count; i++)
		if ((unsigned)seccomp_allowed_calls[i] == nr)
			return ALLOWED;
	for (int i = 0; i < seccomp_capability_count; i++)
		if ((unsigned)seccomp_capability_calls[i].call == nr &&
		    (keep & CAPABILITY(seccomp_capability_calls[i].capability)))
			return ALLOWED;
	return REFUSED;
}

/* Arguments worth trying for the calls whose answer depends on them:
 * each rule's values, their neighbours, and the same with high bits an
 * attacker sets (which the kernel ignores, so the filter must too). */
static const uint64_t clone_flags[] = {
    0,
    SIGCHLD,
    CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
	CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |
	CLONE_CHILD_CLEARTID,
    CLONE_VM | CLONE_VFORK | SIGCHLD,
    CLONE_NEWNS,
    CLONE_NEWUSER | SIGCHLD,
    CLONE_NEWNS | CLONE_VM,
    CLONE_NEWPID,
    CLONE_NEWNET,
    CLONE_NEWUTS,
    CLONE_NEWIPC,
    CLONE_NEWCGROUP,
    0xffffffff00000000ULL | SIGCHLD,
    0xffffffff00000000ULL | CLONE_NEWUSER,
};
static const uint64_t personality_values[] = {
    0x0,
    0x8,
    0x20000,
    0x20008,
    0xffffffff,
    0x1,
    0x0400000,
    0x0040000,
    0x0020008 | 0x0400000,
    0xfffffffe,
    0x100000000ULL,
    0xffffffff00000008ULL,
    0x1ffffffffULL,
};
static const uint64_t ioctl_requests[] = {
    TIOCSTI,
    TIOCLINUX,
    0xffffffff00000000ULL | TIOCSTI,
    0x100000000ULL | TIOCLINUX,
    TIOCSTI + 1,
    TIOCLINUX - 1,
    TCGETS,
    TIOCGWINSZ,
    FIONREAD,
    0,
    0xffffffff00000000ULL,
};
#define COUNT(array) (sizeof(array) / sizeof(*(array)))

/* Runs the filter for every call number 0-1023 (arguments 0), and for
 * clone, personality and ioctl with each value above, against the rules.
 * Returns how many answers were wrong; sets *longest to the most steps
 * any call took. */
static int wrong_answers(const struct filter *filter, const char *name,
			 int *longest)
{
	int wrong = 0;
	*longest = 0;
	struct {
		unsigned nr;
		const uint64_t *values;
		size_t count;
		int argument;
	} cases[] = {
	    {SYS_clone, clone_flags, COUNT(clone_flags), 0},
	    {SYS_clone3, clone_flags, COUNT(clone_flags), 0},
	    {SYS_personality, personality_values, COUNT(personality_values), 0},
	    {SYS_ioctl, ioctl_requests, COUNT(ioctl_requests), 1},
	};
	for (unsigned nr = 0; nr < 1024 + COUNT(cases); nr++) {
		size_t values = nr < 1024 ? 1 : cases[nr - 1024].count;
		for (size_t v = 0; v < values; v++) {
			unsigned call = nr;
			uint64_t args[2] = {0, 0};
			if (nr >= 1024) {
				call = cases[nr - 1024].nr;
				args[cases[nr - 1024].argument] =
				    cases[nr - 1024].values[v];
			}
			int steps;
			unsigned got = answer(filter, AUDIT_ARCH_NATIVE, call,
					      args[0], args[1], &steps);
			unsigned expected = expected_answer(filter->keep, call,
							    args[0], args[1]);
			if (steps > *longest)
				*longest = steps;
			if (got != expected && wrong++ < 5)
				fprintf(
				    stderr,
				    "  seccomp (%s): call %u (%#llx, %#llx) "
				    "got %#x, not %#x\n",
				    name, call, (unsigned long long)args[0],
				    (unsigned long long)args[1], got, expected);
		}
	}
	return wrong;
}

static int build(struct filter *filter, capability_mask keep)
{
	filter->keep = keep;
	filter->length = build_seccomp_filter(keep, filter->program);
	return filter->length > 0 && filter->length <= SECCOMP_MAX_INSTRUCTIONS;
}

/* The filter for the default set, each capability added to it alone,
 * each capability alone, none and all: every call number, and the
 * argument rules, get the answer the lists give, in a few steps. */
static void test_seccomp_every_call(void)
{
	capability_mask sets[3 + 2 * 64];
	char names[3 + 2 * 64][32];
	int count = 0;
	sets[count] = default_capabilities();
	snprintf(names[count++], sizeof(*names), "default");
	sets[count] = 0;
	snprintf(names[count++], sizeof(*names), "none");
	sets[count] = all_capabilities();
	snprintf(names[count++], sizeof(*names), "all");
	for (int cap = 0; CAPABILITY(cap) & all_capabilities(); cap++) {
		sets[count] = default_capabilities() | CAPABILITY(cap);
		snprintf(names[count++], sizeof(*names), "default+%d", cap);
		sets[count] = CAPABILITY(cap);
		snprintf(names[count++], sizeof(*names), "only %d", cap);
	}
	int built = 0, wrong = 0, longest = 0, longest_length = 0;
	for (int i = 0; i < count; i++) {
		static struct filter filter;
		if (!build(&filter, sets[i])) {
			fprintf(stderr, "  seccomp (%s): does not build\n",
				names[i]);
			continue;
		}
		built++;
		int steps;
		wrong += wrong_answers(&filter, names[i], &steps);
		if (steps > longest)
			longest = steps;
		if (filter.length > longest_length)
			longest_length = filter.length;
		if (i == 0)
			printf("# seccomp: the default filter has %d "
			       "instructions; a call passes %d at most\n",
			       filter.length, steps);
	}
	check(built == count, "seccomp: builds for every capability set");
	check(wrong == 0, "seccomp: every call number, for every capability "
			  "set, gets the listed answer");
	if (longest > 20)
		fprintf(stderr, "  seccomp: a call took %d steps\n", longest);
	check(longest <= 20, "seccomp: every call passes in few steps");
	printf("# seccomp: longest filter %d instructions, longest path %d\n",
	       longest_length, longest);
}

/* Every combination of the capabilities that change the filter builds
 * (a jump that does not fit would make it fail). */
static void test_seccomp_builds_for_every_combination(void)
{
	static const int relevant[] = {
	    CAP_SYS_ADMIN,	CAP_SYS_PTRACE, CAP_SYS_MODULE,
	    CAP_SYS_BOOT,	CAP_SYS_TIME,	CAP_SYS_RAWIO,
	    CAP_SYSLOG,		CAP_SYS_NICE,	CAP_BPF,
	    CAP_PERFMON,	CAP_SYS_PACCT,	CAP_DAC_READ_SEARCH,
	    CAP_SYS_TTY_CONFIG, CAP_SYS_CHROOT,
	};
	int failed = 0;
	for (unsigned combination = 0; combination < 1u << COUNT(relevant);
	     combination++) {
		capability_mask keep = 0;
		for (size_t i = 0; i < COUNT(relevant); i++)
			if (combination & (1u << i))
				keep |= CAPABILITY(relevant[i]);
		static struct filter filter;
		failed += !build(&filter, keep);
	}
	check(failed == 0,
	      "seccomp: builds for every combination of the capabilities "
	      "that matter");
}

/* What the lists must say, written down apart from them (Docker's
 * profile): the calls each capability brings back, the calls nothing
 * brings back, and the calls the container's own setup and ordinary
 * programs make. */
static void test_seccomp_lists(void)
{
	static const struct {
		int capability;
		unsigned calls[26];
	} brings[] = {
	    {CAP_SYS_ADMIN, {SYS_mount,		SYS_umount2,
			     SYS_pivot_root,	SYS_setns,
			     SYS_unshare,	SYS_name_to_handle_at,
			     SYS_fsopen,	SYS_fsconfig,
			     SYS_fsmount,	SYS_fspick,
			     SYS_move_mount,	SYS_open_tree,
			     SYS_mount_setattr, SYS_quotactl,
			     SYS_quotactl_fd,	SYS_sethostname,
			     SYS_setdomainname, SYS_fanotify_init,
			     SYS_bpf,		SYS_perf_event_open,
			     SYS_syslog,	SYS_lookup_dcookie,
			     SYS_clone3}},
	    {CAP_SYS_PTRACE,
	     {SYS_process_vm_readv, SYS_process_vm_writev, SYS_kcmp,
	      SYS_pidfd_getfd, SYS_process_madvise}},
	    {CAP_SYS_MODULE,
	     {SYS_init_module, SYS_finit_module, SYS_delete_module}},
	    {CAP_SYS_BOOT, {SYS_reboot}},
	    {CAP_SYS_TIME, {SYS_settimeofday, SYS_clock_settime}},
	    {CAP_SYS_NICE,
	     {SYS_mbind, SYS_get_mempolicy, SYS_set_mempolicy,
	      SYS_set_mempolicy_home_node}},
	    {CAP_SYSLOG, {SYS_syslog}},
	    {CAP_BPF, {SYS_bpf}},
	    {CAP_PERFMON, {SYS_perf_event_open}},
	    {CAP_SYS_PACCT, {SYS_acct}},
	    {CAP_DAC_READ_SEARCH, {SYS_open_by_handle_at}},
	    {CAP_SYS_TTY_CONFIG, {SYS_vhangup}},
	    {CAP_SYS_CHROOT, {SYS_chroot}},
#ifdef __x86_64__
	    {CAP_SYS_RAWIO, {SYS_iopl, SYS_ioperm}},
#endif
	};
	static struct filter without, with;
	int wrong = 0;
	for (size_t i = 0; i < COUNT(brings); i++) {
		capability_mask cap = CAPABILITY(brings[i].capability);
		if (!build(&without, default_capabilities() & ~cap) ||
		    !build(&with, default_capabilities() | cap)) {
			wrong++;
			continue;
		}
		for (int j = 0; brings[i].calls[j]; j++) {
			unsigned nr = brings[i].calls[j];
			if (native(&without, nr, 0, 0) == ALLOWED ||
			    native(&with, nr, 0, 0) != ALLOWED) {
				fprintf(
				    stderr,
				    "  seccomp: call %u and capability %d\n",
				    nr, brings[i].capability);
				wrong++;
			}
		}
	}
	check(wrong == 0, "seccomp: each capability brings back its calls "
			  "and only with it");

	static const unsigned never[] = {
	    SYS_kexec_load,
	    SYS_kexec_file_load,
	    SYS_add_key,
	    SYS_keyctl,
	    SYS_request_key,
	    SYS_swapon,
	    SYS_swapoff,
	    SYS_userfaultfd,
	    SYS_io_uring_setup,
	    SYS_io_uring_enter,
	    SYS_io_uring_register,
	    SYS_move_pages,
	    SYS_migrate_pages,
	    SYS_nfsservctl,
#ifdef __x86_64__
	    SYS_create_module,
	    SYS_get_kernel_syms,
	    SYS_query_module,
	    SYS_uselib,
	    SYS_ustat,
	    SYS_sysfs,
	    SYS__sysctl,
	    SYS_vserver,
	    SYS_afs_syscall,
	    SYS_tuxcall,
	    SYS_security,
	    SYS_getpmsg,
	    SYS_putpmsg,
	    336 /* uprobe */,
#endif
	    468 /* file_getattr */,
	    470 /* listns */,
	    511,
	    512,
	    1000,
	    0xffff,
	    0x7fffffff,
	    0xffffffff,
	};
	static struct filter all;
	wrong = !build(&all, all_capabilities());
	for (size_t i = 0; !wrong && i < COUNT(never); i++)
		if (native(&all, never[i], 0, 0) != REFUSED) {
			fprintf(stderr, "  seccomp: call %u allowed\n",
				never[i]);
			wrong++;
		}
	check(wrong == 0, "seccomp: keyring, kexec, swap, userfaultfd, "
			  "io_uring and unknown numbers refused even with "
			  "every capability");

	static const unsigned everyday[] = {
	    SYS_read,
	    SYS_write,
	    SYS_openat,
	    SYS_close,
	    SYS_execve,
	    SYS_exit_group,
	    SYS_mmap,
	    SYS_brk,
	    SYS_capset,
	    SYS_capget,
	    SYS_prctl,
	    SYS_close_range,
	    SYS_rt_sigprocmask,
	    SYS_rt_sigtimedwait,
	    SYS_rt_sigaction,
	    SYS_wait4,
	    SYS_kill,
	    SYS_set_tid_address,
	    SYS_set_robust_list,
	    SYS_rseq,
	    SYS_prlimit64,
	    SYS_getrandom,
	    SYS_ptrace,
	    SYS_chroot,
	    SYS_socket,
	    SYS_getdents64,
	    SYS_newfstatat,
	    SYS_statx,
	    SYS_pipe2,
	    SYS_dup3,
	    SYS_setsid,
	    SYS_setuid,
	    SYS_setgroups,
	    SYS_clock_gettime,
	    SYS_futex,
	    SYS_ppoll,
	    SYS_epoll_pwait,
	    452 /* fchmodat2 */,
#ifdef __x86_64__
	    SYS_arch_prctl,
	    SYS_fork,
	    SYS_vfork,
	    SYS_open,
	    SYS_stat,
	    SYS_dup2,
	    SYS_poll,
#endif
	};
	static struct filter standard;
	wrong = !build(&standard, default_capabilities());
	for (size_t i = 0; !wrong && i < COUNT(everyday); i++)
		if (native(&standard, everyday[i], 0, 0) != ALLOWED) {
			fprintf(stderr, "  seccomp: call %u refused\n",
				everyday[i]);
			wrong++;
		}
	check(wrong == 0, "seccomp: the calls of the container's setup and "
			  "of ordinary programs allowed");
	check(native(&standard, SYS_mount, 0, 0) == REFUSED &&
		  native(&standard, SYS_reboot, 0, 0) == REFUSED &&
		  native(&standard, SYS_unshare, 0, 0) == REFUSED &&
		  native(&standard, SYS_process_vm_readv, 0, 0) == REFUSED,
	      "seccomp: mount, reboot, unshare, process_vm_readv refused by "
	      "default");
}

/* Architecture, x32 and the argument rules, by example. */
static void test_seccomp_examples(void)
{
	static struct filter standard, admin;
	if (!build(&standard, default_capabilities()) ||
	    !build(&admin,
		   default_capabilities() | CAPABILITY(CAP_SYS_ADMIN))) {
		check(0, "seccomp: examples");
		return;
	}
	check(answer(&standard, AUDIT_ARCH_I386, SYS_read, 0, 0, NULL) ==
		      SECCOMP_RET_KILL_PROCESS &&
		  answer(&admin,
			 AUDIT_ARCH_AARCH64 ^ AUDIT_ARCH_X86_64 ^
			     AUDIT_ARCH_NATIVE,
			 SYS_read, 0, 0, NULL) == SECCOMP_RET_KILL_PROCESS,
	      "seccomp: another architecture's call kills");
#ifdef __x86_64__
	check(native(&standard, X32_SYSCALL_BIT | SYS_read, 0, 0) == REFUSED &&
		  native(&admin, X32_SYSCALL_BIT | SYS_mount, 0, 0) == REFUSED,
	      "seccomp: x32 calls refused");
#endif
	check(native(&standard, SYS_clone, CLONE_NEWUSER, 0) == REFUSED &&
		  native(&standard, SYS_clone, CLONE_NEWNS | CLONE_VM, 0) ==
		      REFUSED &&
		  native(&standard, SYS_clone3, 0, 0) == NOT_THERE,
	      "seccomp: clone with a namespace flag refused, clone3 ENOSYS");
	check(native(&standard, SYS_clone,
		     CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
			 CLONE_THREAD,
		     0) == ALLOWED,
	      "seccomp: clone for a thread allowed");
	check(native(&admin, SYS_clone, CLONE_NEWUSER | CLONE_NEWNS, 0) ==
		      ALLOWED &&
		  native(&admin, SYS_clone3, 0, 0) == ALLOWED &&
		  native(&admin, SYS_mount, 0, 0) == ALLOWED,
	      "seccomp: with CAP_SYS_ADMIN, namespaces and mount allowed");
	check(native(&standard, SYS_personality, 0, 0) == ALLOWED &&
		  native(&standard, SYS_personality, 0xffffffff, 0) ==
		      ALLOWED &&
		  native(&standard, SYS_personality, 0x0400000, 0) == REFUSED &&
		  native(&admin, SYS_personality, 0x0040000, 0) == REFUSED,
	      "seccomp: personality only with Docker's values");
	check(native(&standard, SYS_ioctl, 0, TIOCSTI) == REFUSED &&
		  native(&admin, SYS_ioctl, 0, TIOCLINUX) == REFUSED &&
		  native(&standard, SYS_ioctl, 0,
			 0xffffffff00000000ULL | TIOCSTI) == REFUSED &&
		  native(&standard, SYS_ioctl, 0, TCGETS) == ALLOWED,
	      "seccomp: ioctl TIOCSTI and TIOCLINUX refused, high bits or "
	      "not");
}

/* The kernel accepts the filter (its checker is stricter about jumps
 * than the interpreter above) and answers as the interpreter does: a
 * child installs the default one and tries a few calls. */
static void test_seccomp_in_the_kernel(void)
{
	int pipe_fds[2];
	if (pipe(pipe_fds) < 0) {
		check(0, "seccomp: pipe");
		return;
	}
	pid_t child = fork();
	if (child == 0) {
		struct failure f;
		char result = '1';
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
		    install_seccomp(default_capabilities(), NULL, &f) == 0) {
			result = '0';
			errno = 0;
			if (syscall(1000) != -1 || errno != EPERM)
				result = 'a';
			if (syscall(SYS_personality, 0x0400000) != -1 ||
			    errno != EPERM)
				result = 'b';
			if (syscall(SYS_personality, 0xffffffff) < 0)
				result = 'c';
			if (syscall(SYS_ioctl, 0,
				    0xffffffff00000000ULL | TIOCSTI,
				    "x") != -1 ||
			    errno != EPERM)
				result = 'd';
			if (syscall(SYS_unshare, CLONE_NEWNS) != -1 ||
			    errno != EPERM)
				result = 'e';
			if (syscall(SYS_clone3, NULL, 0) != -1 ||
			    errno != ENOSYS)
				result = 'f';
			if (getpid() <= 0)
				result = 'g';
		}
		_exit(write(pipe_fds[1], &result, 1) == 1 ? 0 : 1);
	}
	close(pipe_fds[1]);
	char result = '?';
	if (read(pipe_fds[0], &result, 1) != 1)
		result = '?';
	close(pipe_fds[0]);
	waitpid(child, NULL, 0);
	if (result != '0')
		fprintf(stderr, "  seccomp: in the kernel: %c\n", result);
	check(result == '0',
	      "seccomp: the kernel takes the filter and answers the same");
}

/* Runs program for call nr with argument arg0 (all 64 bits). */
static unsigned run_call(const struct sock_filter *program, int length, int nr,
			 uint64_t arg0)
{
	struct seccomp_data data = {.nr = nr, .arch = AUDIT_ARCH_NATIVE};
	data.args[0] = arg0;
	int steps;
	return run_filter(program, length, &data, &steps);
}

/* Each operator, over all 64 bits as libseccomp compares them: the
 * values around v in both halves. */
static void test_seccomp_operators(void)
{
	static const uint64_t v = 0x100000005ULL;
	static const uint64_t probes[] = {0,
					  4,
					  5,
					  6,
					  0x100000004ULL,
					  0x100000005ULL,
					  0x100000006ULL,
					  0x200000000ULL,
					  0x5,
					  0xffffffff00000005ULL};
	static struct sock_filter program[SECCOMP_PROGRAM_LIMIT];
	int wrong = 0;
	for (int op = SECCOMP_EQ; op <= SECCOMP_MASKED_EQ; op++) {
		struct seccomp_profile p = {.default_action = REFUSED};
		struct seccomp_rule r = {
		    .call = SYS_getpid,
		    .action = ALLOWED,
		    .condition_count = 1,
		    .conditions = {{.op = (unsigned char)op,
				    .value = op == SECCOMP_MASKED_EQ
						 ? 0xff000000ffULL
						 : v,
				    .value_two = 0x0000000005ULL}},
		};
		add_seccomp_rule(&p, &r);
		int length =
		    compile_seccomp_profile(&p, program, SECCOMP_PROGRAM_LIMIT);
		free(p.rules);
		for (size_t i = 0; length > 0 && i < COUNT(probes); i++) {
			uint64_t a = probes[i];
			bool expected = op == SECCOMP_EQ   ? a == v
					: op == SECCOMP_NE ? a != v
					: op == SECCOMP_LT ? a < v
					: op == SECCOMP_LE ? a <= v
					: op == SECCOMP_GT ? a > v
					: op == SECCOMP_GE
					    ? a >= v
					    : (a & 0xff000000ffULL) == 5;
			if (run_call(program, length, SYS_getpid, a) !=
			    (expected ? ALLOWED : REFUSED)) {
				fprintf(stderr, "  seccomp: op %d on %#llx\n",
					op, (unsigned long long)a);
				wrong++;
			}
		}
		if (length <= 0)
			wrong++;
	}
	check(wrong == 0, "seccomp: a profile's operators compare all 64 "
			  "bits");
}

/* A profile too large for 8-bit jumps (a condition on every call)
 * takes the general layout, and still answers rightly: first match,
 * the default otherwise, unknown numbers the default. */
static void test_seccomp_large_profile(void)
{
	static struct sock_filter program[SECCOMP_PROGRAM_LIMIT];
	struct seccomp_profile p = {.default_action = SECCOMP_RET_ERRNO | 38};
	for (int nr = 0; nr < 150; nr++) {
		struct seccomp_rule r = {
		    .call = nr,
		    .action = SECCOMP_RET_ALLOW,
		    .condition_count = 1,
		    .conditions = {{.op = SECCOMP_EQ, .value = (uint64_t)nr}},
		};
		add_seccomp_rule(&p, &r);
		r.action = SECCOMP_RET_ERRNO | 1;
		r.conditions[0].value = (uint64_t)nr + (1ULL << 40);
		add_seccomp_rule(&p, &r);
	}
	/* So that the child below can exit. */
	struct seccomp_rule leave = {.call = SYS_exit_group,
				     .action = SECCOMP_RET_ALLOW};
	add_seccomp_rule(&p, &leave);
	int length =
	    compile_seccomp_profile(&p, program, SECCOMP_PROGRAM_LIMIT);
	free(p.rules);
	int wrong = length <= 261;
	for (int nr = 0; length > 0 && nr < 520; nr++) {
		bool listed = nr < 150;
		if (nr == SYS_exit_group)
			continue;
		wrong += run_call(program, length, nr, (uint64_t)nr) !=
			 (listed ? SECCOMP_RET_ALLOW : SECCOMP_RET_ERRNO | 38);
		wrong +=
		    run_call(program, length, nr,
			     (uint64_t)nr + (1ULL << 40)) !=
		    (listed ? SECCOMP_RET_ERRNO | 1 : SECCOMP_RET_ERRNO | 38);
		wrong += run_call(program, length, nr, (uint64_t)nr + 1) !=
			 (SECCOMP_RET_ERRNO | 38);
	}
	printf("# seccomp: a profile with 300 conditions: %d instructions\n",
	       length);
	/* The kernel's checker takes its far jumps too. */
	pid_t child = fork();
	if (child == 0) {
		struct sock_fprog filter = {.len = (unsigned short)length,
					    .filter = program};
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &filter) <
			0)
			_exit(1);
		/* exit_group itself: a sanitizer's _exit would make calls
		 * this filter refuses. */
		syscall(SYS_exit_group, syscall(SYS_getpid, SYS_getpid) > 0 &&
						syscall(SYS_getpid, 7) < 0 &&
						errno == 38
					    ? 0
					    : 2);
	}
	int status = -1;
	waitpid(child, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fprintf(stderr,
			"  seccomp: large profile in the kernel: status %#x\n",
			status);
	wrong += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	check(wrong == 0, "seccomp: a large profile (general layout) answers "
			  "as its rules say");
}

void test_seccomp(void)
{
	test_seccomp_every_call();
	test_seccomp_builds_for_every_combination();
	test_seccomp_lists();
	test_seccomp_examples();
	test_seccomp_in_the_kernel();
	test_seccomp_operators();
	test_seccomp_large_profile();
}
