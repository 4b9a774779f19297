/* seccomp.c - the container's system call filter, written directly as
 * classic BPF (no libseccomp). */
#include "seccomp.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#if defined(__x86_64__)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_X86_64
/* x32 calls share the x86_64 entry with this bit set: numbers the list
 * below would not match. */
#define X32_SYSCALL_BIT 0x40000000
#elif defined(__aarch64__)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_AARCH64
#else
#error "container-fs's seccomp filter knows x86_64 and aarch64 only"
#endif

/* Docker's default profile refuses these: they reach kernel state shared
 * with the host (keys, clocks, modules, kexec, swap, accounting, quotas),
 * change mounts or namespaces, or have a record of escapes (ptrace-like
 * memory access, open_by_handle_at, userfaultfd, perf, bpf, io_uring).
 * A name this libc does not define is simply not filtered. */
static const int refused_calls[] = {
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

#define REFUSED_COUNT ((int)(sizeof(refused_calls) / sizeof(*refused_calls)))
/* Arch check (3), load nr (1), x32 check (2), clone (5), clone3 (2),
 * refused (2 each), allow (1). */
#define MAX_INSTRUCTIONS (3 + 1 + 2 + 5 + 2 + 2 * REFUSED_COUNT + 1)

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
#define REFUSE(error) RETURN(SECCOMP_RET_ERRNO | ((error)&SECCOMP_RET_DATA))

int install_seccomp(struct failure *f)
{
	struct sock_filter program[MAX_INSTRUCTIONS];
	int n = 0;
	/* The numbers below are this architecture's: a call through any
	 * other table (e.g. i386 int 0x80 on x86_64) is killed. */
	program[n++] = LOAD(ARCH_OFFSET);
	program[n++] = IF_EQUAL(AUDIT_ARCH_NATIVE, 1, 0);
	program[n++] = RETURN(SECCOMP_RET_KILL_PROCESS);
	program[n++] = LOAD(NR_OFFSET);
#ifdef X32_SYSCALL_BIT
	program[n++] = JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 0, 1);
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
	for (int i = 0; i < REFUSED_COUNT; i++) {
		program[n++] = IF_EQUAL((unsigned)refused_calls[i], 0, 1);
		program[n++] = REFUSE(EPERM);
	}
	program[n++] = RETURN(SECCOMP_RET_ALLOW);

	struct sock_fprog filter = {.len = (unsigned short)n,
				    .filter = program};
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &filter) < 0)
		return fail(f, "seccomp", "install filter", errno);
	return 0;
}
