/* seccomp.c - the container's system call filter, written directly as
 * classic BPF (no libseccomp). */
#include "seccomp.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

/* Docker's default profile refuses these: they reach kernel state shared
 * with the host (keys, clocks, modules, kexec, swap, accounting, quotas),
 * change mounts or namespaces, or have a record of escapes (ptrace-like
 * memory access, open_by_handle_at, userfaultfd, perf, bpf, io_uring).
 * A name this libc does not define is simply not filtered. */
const int seccomp_refused_calls[] = {
    SYS_acct,
    SYS_add_key,
    SYS_keyctl,
    SYS_request_key,
    SYS_bpf,
    SYS_clock_settime,
    SYS_settimeofday,
    SYS_clock_adjtime,
    SYS_setns,
    SYS_unshare,
    SYS_mount,
    SYS_umount2,
    SYS_pivot_root,
    SYS_init_module,
    SYS_finit_module,
    SYS_delete_module,
    SYS_kexec_load,
    SYS_kexec_file_load,
    SYS_open_by_handle_at,
    SYS_name_to_handle_at,
    SYS_perf_event_open,
    SYS_process_vm_writev,
    SYS_reboot,
    SYS_swapon,
    SYS_swapoff,
    SYS_userfaultfd,
    SYS_quotactl,
    SYS_syslog,
    SYS_vhangup,
    SYS_kcmp,
    SYS_lookup_dcookie,
    SYS_mbind,
    SYS_set_mempolicy,
    SYS_get_mempolicy,
    SYS_move_pages,
    SYS_fsopen,
    SYS_fsconfig,
    SYS_fsmount,
    SYS_fspick,
    SYS_move_mount,
    SYS_open_tree,
#ifdef SYS_mount_setattr
    SYS_mount_setattr,
#endif
#ifdef SYS_quotactl_fd
    SYS_quotactl_fd,
#endif
    SYS_io_uring_setup,
    SYS_io_uring_enter,
    SYS_io_uring_register,
#ifdef __x86_64__
    SYS_iopl,
    SYS_ioperm,
    SYS_create_module,
    SYS_get_kernel_syms,
    SYS_query_module,
    SYS_nfsservctl,
    SYS_uselib,
    SYS_ustat,
    SYS_sysfs,
    SYS__sysctl,
#endif
};

/* Namespace flags: a new namespace would escape the filter's intent
 * (a user namespace brings back every capability inside it). */
#define NAMESPACE_FLAGS                                                        \
	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |           \
	 CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP)

const int seccomp_refused_count =
    (int)(sizeof(seccomp_refused_calls) / sizeof(*seccomp_refused_calls));
_Static_assert(sizeof(seccomp_refused_calls) / sizeof(*seccomp_refused_calls) <=
		   64,
	       "SECCOMP_MAX_INSTRUCTIONS has room for 64 refused calls");

#define ARCH_OFFSET offsetof(struct seccomp_data, arch)
#define NR_OFFSET   offsetof(struct seccomp_data, nr)
/* clone's flags are its first argument everywhere we build; the low 32
 * bits hold every namespace flag (little-endian). */
#define FLAGS_OFFSET offsetof(struct seccomp_data, args[0])

#define STATEMENT(code, k) ((struct sock_filter)BPF_STMT((code), (k)))
#define JUMP(code, k, then, otherwise)                                         \
	((struct sock_filter)BPF_JUMP((code), (k), (then), (otherwise)))
#define LOAD(offset)  STATEMENT(BPF_LD | BPF_W | BPF_ABS, (offset))
#define RETURN(value) STATEMENT(BPF_RET | BPF_K, (value))
#define IF_EQUAL(k, then, otherwise)                                           \
	JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (then), (otherwise))
#define IF_AT_LEAST(k, then, otherwise)                                        \
	JUMP(BPF_JMP | BPF_JGE | BPF_K, (k), (then), (otherwise))
#define REFUSE(error) RETURN(SECCOMP_RET_ERRNO | ((error)&SECCOMP_RET_DATA))

/* Consecutive refused numbers, tested as one range. */
struct range {
	unsigned first;
	unsigned last;
};

/* The refused numbers sorted and merged into ranges (on x86_64, e.g.,
 * iopl through nfsservctl are 172-180); returns how many. */
static int refused_ranges(struct range *ranges)
{
	unsigned sorted[sizeof(seccomp_refused_calls) /
			sizeof(*seccomp_refused_calls)];
	int count = 0;
	for (int i = 0; i < seccomp_refused_count; i++) {
		unsigned nr = (unsigned)seccomp_refused_calls[i];
		int j = count++;
		for (; j > 0 && sorted[j - 1] > nr; j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = nr;
	}
	int n = 0;
	for (int i = 0; i < count; i++) {
		if (n > 0 && sorted[i] <= ranges[n - 1].last + 1)
			ranges[n - 1].last = sorted[i];
		else
			ranges[n++] = (struct range){sorted[i], sorted[i]};
	}
	return n;
}

/* Emits a binary search of ranges[low, high) from program[n]: each test
 * halves what is left, so a call passes a handful of tests, not one per
 * refused call. That matters twice: the kernel runs the filter once per
 * number to build its cache of always-allowed calls (so a short path
 * makes the install fast), and runs it in full on every call whose
 * answer depends on its arguments (clone, for one). Returns the new
 * length, or -1 if a jump would not fit in BPF's 8-bit offsets. */
static int emit_search(struct sock_filter *program, int n,
		       const struct range *ranges, int low, int high)
{
	if (high - low <= 2) {
		for (int i = low; i < high; i++) {
			if (ranges[i].first == ranges[i].last) {
				program[n++] = IF_EQUAL(ranges[i].first, 0, 1);
			} else {
				program[n++] =
				    IF_AT_LEAST(ranges[i].first, 0, 2);
				program[n++] = JUMP(BPF_JMP | BPF_JGT | BPF_K,
						    ranges[i].last, 1, 0);
			}
			program[n++] = REFUSE(EPERM);
		}
		program[n++] = RETURN(SECCOMP_RET_ALLOW);
		return n;
	}
	int middle = (low + high) / 2;
	int branch = n++;
	n = emit_search(program, n, ranges, low, middle);
	if (n < 0 || n - branch - 1 > 255)
		return -1;
	program[branch] = IF_AT_LEAST(ranges[middle].first,
				      (unsigned char)(n - branch - 1), 0);
	return emit_search(program, n, ranges, middle, high);
}

int build_seccomp_filter(struct sock_filter *program)
{
	int n = 0;
	/* The numbers below are this architecture's: a call through any
	 * other table (e.g. i386 int 0x80 on x86_64) is killed. */
	program[n++] = LOAD(ARCH_OFFSET);
	program[n++] = IF_EQUAL(AUDIT_ARCH_NATIVE, 1, 0);
	program[n++] = RETURN(SECCOMP_RET_KILL_PROCESS);
	program[n++] = LOAD(NR_OFFSET);
#ifdef X32_SYSCALL_BIT
	program[n++] = IF_AT_LEAST(X32_SYSCALL_BIT, 0, 1);
	program[n++] = REFUSE(EPERM);
#endif
	/* clone with a namespace flag: EPERM; plain fork and threads pass. */
	program[n++] = IF_EQUAL(SYS_clone, 0, 4);
	program[n++] = LOAD(FLAGS_OFFSET);
	program[n++] = JUMP(BPF_JMP | BPF_JSET | BPF_K, NAMESPACE_FLAGS, 0, 1);
	program[n++] = REFUSE(EPERM);
	program[n++] = RETURN(SECCOMP_RET_ALLOW);
	/* clone3 passes its flags in memory BPF cannot read: ENOSYS makes
	 * glibc and musl fall back to clone, as under Docker. */
	program[n++] = IF_EQUAL(SYS_clone3, 0, 1);
	program[n++] = REFUSE(ENOSYS);
	struct range ranges[sizeof(seccomp_refused_calls) /
			    sizeof(*seccomp_refused_calls)];
	return emit_search(program, n, ranges, 0, refused_ranges(ranges));
}

int install_seccomp(struct failure *f)
{
	struct sock_filter program[SECCOMP_MAX_INSTRUCTIONS];
	int n = build_seccomp_filter(program);
	if (n < 0)
		return fail(f, "seccomp", "build filter", E2BIG);
	struct sock_fprog filter = {.len = (unsigned short)n,
				    .filter = program};
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &filter) < 0)
		return fail(f, "seccomp", "install filter", errno);
	return 0;
}
