/* seccomp.c - the container's built-in system call filter, an
 * allowlist modelled on Docker's default profile, as a profile the
 * generator in seccomp_bpf.c compiles to classic BPF (no libseccomp). */
#include "seccomp.h"

#include <errno.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Calls newer than some libcs' <sys/syscall.h> (glibc 2.36 stops at
 * 450). Since Linux 5.1 a new call gets the same number on every
 * architecture, so these numbers hold on x86_64 and aarch64 alike, and
 * an image whose libc uses the call is not refused for our libc's age. */
#ifndef SYS_cachestat
#define SYS_cachestat 451
#endif
#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif
#ifndef SYS_map_shadow_stack
#define SYS_map_shadow_stack 453
#endif
#ifndef SYS_futex_wake
#define SYS_futex_wake 454
#endif
#ifndef SYS_futex_wait
#define SYS_futex_wait 455
#endif
#ifndef SYS_futex_requeue
#define SYS_futex_requeue 456
#endif
#ifndef SYS_statmount
#define SYS_statmount 457
#endif
#ifndef SYS_listmount
#define SYS_listmount 458
#endif
#ifndef SYS_lsm_get_self_attr
#define SYS_lsm_get_self_attr 459
#endif
#ifndef SYS_lsm_set_self_attr
#define SYS_lsm_set_self_attr 460
#endif
#ifndef SYS_lsm_list_modules
#define SYS_lsm_list_modules 461
#endif
#ifndef SYS_mseal
#define SYS_mseal 462
#endif
#ifndef SYS_setxattrat
#define SYS_setxattrat 463
#endif
#ifndef SYS_getxattrat
#define SYS_getxattrat 464
#endif
#ifndef SYS_listxattrat
#define SYS_listxattrat 465
#endif
#ifndef SYS_removexattrat
#define SYS_removexattrat 466
#endif
#ifndef SYS_open_tree_attr
#define SYS_open_tree_attr 467
#endif
#if defined(__x86_64__) && !defined(SYS_uretprobe)
#define SYS_uretprobe 335 /* x86_64 only */
#endif

/* Docker's default list: the calls any container may make. Left out,
 * and so refused, are the calls that reach kernel state shared with the
 * host (keys, clocks, modules, kexec, swap, accounting, quotas), change
 * mounts or namespaces, or have a record of escapes (userfaultfd,
 * io_uring, open_by_handle_at), and every call the kernel adds later.
 * Some of them come back with a capability (capability_calls below).
 * clone, clone3, ioctl and personality are allowed with conditions on
 * their arguments (build_seccomp_filter). Two differences from Docker,
 * both stricter: name_to_handle_at needs CAP_SYS_ADMIN, and
 * process_vm_readv and process_vm_writev need CAP_SYS_PTRACE (Docker
 * allows both to everyone on kernels since 4.8). */
/* clang-format off */
const int seccomp_allowed_calls[] = {
    /* files and directories */
    SYS_read, SYS_write, SYS_readv, SYS_writev, SYS_pread64, SYS_pwrite64,
    SYS_preadv, SYS_pwritev, SYS_preadv2, SYS_pwritev2, SYS_openat,
    SYS_openat2, SYS_close, SYS_close_range, SYS_lseek, SYS_dup, SYS_dup3,
    SYS_fcntl, SYS_flock, SYS_fstat, SYS_newfstatat, SYS_statx,
    SYS_statfs, SYS_fstatfs, SYS_faccessat, SYS_faccessat2, SYS_getdents64,
    SYS_getcwd, SYS_chdir, SYS_fchdir, SYS_mkdirat, SYS_mknodat,
    SYS_unlinkat, SYS_renameat, SYS_renameat2, SYS_linkat, SYS_symlinkat,
    SYS_readlinkat, SYS_fchmod, SYS_fchmodat, SYS_fchmodat2, SYS_fchown,
    SYS_fchownat, SYS_umask, SYS_truncate, SYS_ftruncate, SYS_fallocate,
    SYS_fadvise64, SYS_readahead, SYS_fsync, SYS_fdatasync, SYS_sync,
    SYS_syncfs, SYS_sync_file_range, SYS_utimensat, SYS_copy_file_range,
    SYS_sendfile, SYS_splice, SYS_tee, SYS_vmsplice, SYS_pipe2,
    SYS_memfd_create, SYS_memfd_secret, SYS_cachestat, SYS_statmount,
    SYS_listmount,
    /* extended attributes */
    SYS_getxattr, SYS_lgetxattr, SYS_fgetxattr, SYS_setxattr,
    SYS_lsetxattr, SYS_fsetxattr, SYS_listxattr, SYS_llistxattr,
    SYS_flistxattr, SYS_removexattr, SYS_lremovexattr, SYS_fremovexattr,
    SYS_getxattrat, SYS_setxattrat, SYS_listxattrat, SYS_removexattrat,
    /* waiting for files and events */
    SYS_ppoll, SYS_pselect6, SYS_epoll_create1, SYS_epoll_ctl,
    SYS_epoll_pwait, SYS_epoll_pwait2, SYS_eventfd2, SYS_signalfd4,
    SYS_inotify_init1, SYS_inotify_add_watch, SYS_inotify_rm_watch,
    SYS_fanotify_mark, SYS_timerfd_create, SYS_timerfd_settime,
    SYS_timerfd_gettime,
    /* asynchronous I/O (not io_uring) */
    SYS_io_setup, SYS_io_destroy, SYS_io_submit, SYS_io_cancel,
    SYS_io_getevents, SYS_io_pgetevents,
    /* memory */
    SYS_brk, SYS_mmap, SYS_munmap, SYS_mremap, SYS_mprotect, SYS_madvise,
    SYS_mincore, SYS_msync, SYS_mlock, SYS_mlock2, SYS_mlockall,
    SYS_munlock, SYS_munlockall, SYS_remap_file_pages, SYS_pkey_alloc,
    SYS_pkey_free, SYS_pkey_mprotect, SYS_membarrier, SYS_map_shadow_stack,
    SYS_mseal, SYS_process_mrelease,
    /* processes and threads (clone is below, with its flags) */
    SYS_execve, SYS_execveat, SYS_exit, SYS_exit_group, SYS_wait4,
    SYS_waitid, SYS_set_tid_address, SYS_set_robust_list,
    SYS_get_robust_list, SYS_rseq, SYS_futex, SYS_futex_waitv,
    SYS_futex_wake, SYS_futex_wait, SYS_futex_requeue, SYS_getpid,
    SYS_getppid, SYS_gettid, SYS_getpgid, SYS_setpgid, SYS_getsid,
    SYS_setsid, SYS_prctl, SYS_seccomp, SYS_capget, SYS_capset,
    SYS_getrlimit, SYS_setrlimit, SYS_prlimit64, SYS_getrusage,
    SYS_getpriority, SYS_setpriority, SYS_ioprio_get, SYS_ioprio_set,
    SYS_sched_yield, SYS_sched_getaffinity, SYS_sched_setaffinity,
    SYS_sched_getattr, SYS_sched_setattr, SYS_sched_getparam,
    SYS_sched_setparam, SYS_sched_getscheduler, SYS_sched_setscheduler,
    SYS_sched_get_priority_max, SYS_sched_get_priority_min,
    SYS_sched_rr_get_interval, SYS_getcpu, SYS_pidfd_open,
    SYS_pidfd_send_signal, SYS_landlock_create_ruleset,
    SYS_landlock_add_rule, SYS_landlock_restrict_self,
    /* ptrace of one's own children (strace, gdb): Docker allows it on
     * kernels since 4.8, where a tracer can no longer turn an allowed
     * call into a refused one behind the filter's back. */
    SYS_ptrace,
    /* users and groups */
    SYS_getuid, SYS_geteuid, SYS_getgid, SYS_getegid, SYS_getresuid,
    SYS_getresgid, SYS_getgroups, SYS_setuid, SYS_setgid, SYS_setreuid,
    SYS_setregid, SYS_setresuid, SYS_setresgid, SYS_setfsuid,
    SYS_setfsgid, SYS_setgroups,
    /* signals */
    SYS_rt_sigaction, SYS_rt_sigprocmask, SYS_rt_sigreturn,
    SYS_rt_sigpending, SYS_rt_sigsuspend, SYS_rt_sigtimedwait,
    SYS_rt_sigqueueinfo, SYS_rt_tgsigqueueinfo, SYS_sigaltstack, SYS_kill,
    SYS_tkill, SYS_tgkill, SYS_restart_syscall,
    /* time (reading it; setting it needs CAP_SYS_TIME, which the kernel
     * checks for adjtimex and clock_adjtime itself) */
    SYS_clock_gettime, SYS_clock_getres, SYS_clock_nanosleep,
    SYS_clock_adjtime, SYS_adjtimex, SYS_gettimeofday, SYS_nanosleep,
    SYS_getitimer, SYS_setitimer, SYS_timer_create, SYS_timer_delete,
    SYS_timer_gettime, SYS_timer_settime, SYS_timer_getoverrun, SYS_times,
    /* the system */
    SYS_uname, SYS_sysinfo, SYS_getrandom,
    /* sockets */
    SYS_socket, SYS_socketpair, SYS_bind, SYS_connect, SYS_listen,
    SYS_accept, SYS_accept4, SYS_getsockname, SYS_getpeername,
    SYS_getsockopt, SYS_setsockopt, SYS_sendto, SYS_recvfrom, SYS_sendmsg,
    SYS_recvmsg, SYS_sendmmsg, SYS_recvmmsg, SYS_shutdown,
    /* System V IPC and POSIX message queues (the container's own IPC
     * namespace) */
    SYS_msgget, SYS_msgsnd, SYS_msgrcv, SYS_msgctl, SYS_semget, SYS_semop,
    SYS_semtimedop, SYS_semctl, SYS_shmget, SYS_shmat, SYS_shmdt,
    SYS_shmctl, SYS_mq_open, SYS_mq_unlink, SYS_mq_timedsend,
    SYS_mq_timedreceive, SYS_mq_notify, SYS_mq_getsetattr,
#ifdef __x86_64__
    /* x86_64's older calls, which aarch64 never had */
    SYS_open, SYS_creat, SYS_stat, SYS_lstat, SYS_access, SYS_getdents,
    SYS_mkdir, SYS_rmdir, SYS_mknod, SYS_unlink, SYS_rename, SYS_link,
    SYS_symlink, SYS_readlink, SYS_chmod, SYS_chown, SYS_lchown, SYS_utime,
    SYS_utimes, SYS_futimesat, SYS_dup2, SYS_pipe, SYS_poll, SYS_select,
    SYS_epoll_create, SYS_epoll_wait, SYS_epoll_ctl_old,
    SYS_epoll_wait_old, SYS_eventfd, SYS_signalfd, SYS_inotify_init,
    SYS_fork, SYS_vfork, SYS_pause, SYS_alarm, SYS_time, SYS_getpgrp,
    /* x86_64's own */
    SYS_arch_prctl, SYS_modify_ldt, SYS_get_thread_area,
    SYS_set_thread_area, SYS_uretprobe,
#endif
};
/* clang-format on */

const int seccomp_allowed_count =
    (int)(sizeof(seccomp_allowed_calls) / sizeof(*seccomp_allowed_calls));

/* Calls allowed only to a container that keeps a capability, as Docker's
 * "includes": {"caps": [...]} rules: the capability is what the kernel
 * asks for anyway, and with it the user asked for what the call does.
 * Beyond Docker: pivot_root and open_tree_attr (mount API calls like
 * the ones Docker lists) with CAP_SYS_ADMIN. Not even with a
 * capability: kexec_load and kexec_file_load (a kernel loaded from
 * inside would boot on the host), the keyring calls, swapon and swapoff,
 * userfaultfd, io_uring, move_pages and migrate_pages. */
const struct seccomp_capability_call seccomp_capability_calls[] = {
    {CAP_SYS_ADMIN, SYS_mount},
    {CAP_SYS_ADMIN, SYS_umount2},
    {CAP_SYS_ADMIN, SYS_pivot_root},
    {CAP_SYS_ADMIN, SYS_fsopen},
    {CAP_SYS_ADMIN, SYS_fsconfig},
    {CAP_SYS_ADMIN, SYS_fsmount},
    {CAP_SYS_ADMIN, SYS_fspick},
    {CAP_SYS_ADMIN, SYS_move_mount},
    {CAP_SYS_ADMIN, SYS_open_tree},
    {CAP_SYS_ADMIN, SYS_open_tree_attr},
    {CAP_SYS_ADMIN, SYS_mount_setattr},
    {CAP_SYS_ADMIN, SYS_setns},
    {CAP_SYS_ADMIN, SYS_unshare},
    {CAP_SYS_ADMIN, SYS_name_to_handle_at},
    {CAP_SYS_ADMIN, SYS_quotactl},
    {CAP_SYS_ADMIN, SYS_quotactl_fd},
    {CAP_SYS_ADMIN, SYS_sethostname},
    {CAP_SYS_ADMIN, SYS_setdomainname},
    {CAP_SYS_ADMIN, SYS_fanotify_init},
    {CAP_SYS_ADMIN, SYS_lookup_dcookie},
    {CAP_SYS_ADMIN, SYS_lsm_get_self_attr},
    {CAP_SYS_ADMIN, SYS_lsm_set_self_attr},
    {CAP_SYS_ADMIN, SYS_lsm_list_modules},
    {CAP_SYS_ADMIN, SYS_bpf},
    {CAP_SYS_ADMIN, SYS_perf_event_open},
    {CAP_SYS_ADMIN, SYS_syslog},
    {CAP_SYS_PTRACE, SYS_process_vm_readv},
    {CAP_SYS_PTRACE, SYS_process_vm_writev},
    {CAP_SYS_PTRACE, SYS_kcmp},
    {CAP_SYS_PTRACE, SYS_pidfd_getfd},
    {CAP_SYS_PTRACE, SYS_process_madvise},
    {CAP_SYS_MODULE, SYS_init_module},
    {CAP_SYS_MODULE, SYS_finit_module},
    {CAP_SYS_MODULE, SYS_delete_module},
    {CAP_SYS_BOOT, SYS_reboot},
    {CAP_SYS_TIME, SYS_settimeofday},
    {CAP_SYS_TIME, SYS_clock_settime},
    {CAP_SYS_NICE, SYS_mbind},
    {CAP_SYS_NICE, SYS_get_mempolicy},
    {CAP_SYS_NICE, SYS_set_mempolicy},
    {CAP_SYS_NICE, SYS_set_mempolicy_home_node},
    {CAP_SYSLOG, SYS_syslog},
    {CAP_BPF, SYS_bpf},
    {CAP_PERFMON, SYS_perf_event_open},
    {CAP_SYS_PACCT, SYS_acct},
    {CAP_DAC_READ_SEARCH, SYS_open_by_handle_at},
    {CAP_SYS_TTY_CONFIG, SYS_vhangup},
    {CAP_SYS_CHROOT, SYS_chroot},
#ifdef __x86_64__
    {CAP_SYS_RAWIO, SYS_iopl},
    {CAP_SYS_RAWIO, SYS_ioperm},
#endif
};

const int seccomp_capability_count =
    (int)(sizeof(seccomp_capability_calls) / sizeof(*seccomp_capability_calls));

/* personality(2) values Docker allows: PER_LINUX, PER_LINUX32, UNAME26,
 * PER_LINUX32|UNAME26, and 0xffffffff, which only reads the current one.
 * Any other flag (READ_IMPLIES_EXEC, ADDR_NO_RANDOMIZE …) is refused. */
const unsigned seccomp_personalities[] = {0x0, 0x8, 0x20000, 0x20008,
					  0xffffffff};

#define PERSONALITY_COUNT                                                      \
	((int)(sizeof(seccomp_personalities) / sizeof(*seccomp_personalities)))

/* Namespace flags: a new namespace would escape the filter's intent
 * (a user namespace brings back every capability inside it). */
#define NAMESPACE_FLAGS                                                        \
	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |           \
	 CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP)

#define REFUSE SECCOMP_RET_ERRNO | EPERM

static int allow(struct seccomp_profile *p, int call)
{
	struct seccomp_rule r = {.call = call, .action = SECCOMP_RET_ALLOW};
	return add_seccomp_rule(p, &r);
}

/* A rule on the low 32 bits of one argument: clone's flags,
 * personality's value and ioctl's request are all read by the kernel
 * as 32-bit numbers (clone uses lower_32_bits, the other two take an
 * unsigned int), so high bits a caller sets change nothing there and
 * must change nothing here. */
static int add_on_argument(struct seccomp_profile *p, int call, uint32_t action,
			   int arg, enum seccomp_operator op, uint32_t value)
{
	struct seccomp_rule r = {
	    .call = call,
	    .action = action,
	    .condition_count = 1,
	    .conditions = {{.arg = (unsigned char)arg,
			    .op = (unsigned char)op,
			    .low_only = true,
			    .value = value}},
	};
	return add_seccomp_rule(p, &r);
}

int build_default_profile(capability_mask keep, struct seccomp_profile *p)
{
	*p = (struct seccomp_profile){.default_action = REFUSE};
	int failed = 0;
	/* CAP_SYS_ADMIN may make namespaces: clone and clone3 as they are;
	 * without, clone3 gets ENOSYS (its flags are in memory the filter
	 * cannot read) so libc falls back to clone, whose flags it can. */
	bool admin = (keep >> CAP_SYS_ADMIN) & 1;
	if (!admin) {
		struct seccomp_rule clone = {
		    .call = SYS_clone,
		    .action = SECCOMP_RET_ALLOW,
		    .condition_count = 1,
		    .conditions = {{.op = SECCOMP_MASKED_EQ,
				    .low_only = true,
				    .value = NAMESPACE_FLAGS}},
		};
		failed |= add_seccomp_rule(p, &clone);
	}
	for (int i = 0; i < PERSONALITY_COUNT; i++)
		failed |=
		    add_on_argument(p, SYS_personality, SECCOMP_RET_ALLOW, 0,
				    SECCOMP_EQ, seccomp_personalities[i]);
	/* TIOCSTI types into the terminal as if the user had, and
	 * TIOCLINUX can paste the console's selection: both reach past the
	 * container to whoever reads that terminal. */
	failed |= add_on_argument(p, SYS_ioctl, REFUSE, 1, SECCOMP_EQ, TIOCSTI);
	failed |=
	    add_on_argument(p, SYS_ioctl, REFUSE, 1, SECCOMP_EQ, TIOCLINUX);
	failed |= allow(p, SYS_ioctl);
	if (admin) {
		failed |= allow(p, SYS_clone);
		failed |= allow(p, SYS_clone3);
	} else {
		struct seccomp_rule clone3 = {
		    .call = SYS_clone3, .action = SECCOMP_RET_ERRNO | ENOSYS};
		failed |= add_seccomp_rule(p, &clone3);
	}
	for (int i = 0; i < seccomp_allowed_count; i++)
		failed |= allow(p, seccomp_allowed_calls[i]);
	for (int i = 0; i < seccomp_capability_count; i++) {
		const struct seccomp_capability_call *c =
		    &seccomp_capability_calls[i];
		if ((keep >> c->capability) & 1)
			failed |= allow(p, c->call);
	}
	if (failed) {
		free(p->rules);
		*p = (struct seccomp_profile){0};
		return -1;
	}
	return 0;
}

int build_seccomp_filter(capability_mask keep, struct sock_filter *program)
{
	struct seccomp_profile p;
	if (build_default_profile(keep, &p) < 0)
		return -1;
	int length =
	    compile_seccomp_profile(&p, program, SECCOMP_MAX_INSTRUCTIONS);
	free(p.rules);
	return length;
}

int install_seccomp(capability_mask keep, const struct seccomp_profile *profile,
		    struct failure *f)
{
	static struct sock_filter program[SECCOMP_PROGRAM_LIMIT];
	struct seccomp_profile built;
	const struct seccomp_profile *p = profile;
	if (!p) {
		if (build_default_profile(keep, &built) < 0)
			return fail(f, "seccomp", "build filter", ENOMEM);
		p = &built;
	}
	int n = compile_seccomp_profile(p, program, SECCOMP_PROGRAM_LIMIT);
	if (!profile)
		free(built.rules);
	if (n < 0)
		return fail(f, "seccomp", "build filter", E2BIG);
	struct sock_fprog filter = {.len = (unsigned short)n,
				    .filter = program};
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->flags, &filter) <
	    0)
		return fail(f, "seccomp", "install filter", errno);
	return 0;
}
