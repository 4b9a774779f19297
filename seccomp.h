/* seccomp.h - the system calls the container may make. */
#ifndef CONTAINER_FS_SECCOMP_H
#define CONTAINER_FS_SECCOMP_H

#include <linux/audit.h>
#include <linux/filter.h>

#include "capabilities.h"
#include "utils.h"

#if defined(__x86_64__)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_X86_64
/* x32 calls share the x86_64 entry with this bit set: numbers above
 * every listed one, so the filter refuses them. */
#define X32_SYSCALL_BIT 0x40000000
#elif defined(__aarch64__)
#define AUDIT_ARCH_NATIVE AUDIT_ARCH_AARCH64
#else
#error "container-fs's seccomp filter knows x86_64 and aarch64 only"
#endif

/* Docker's default allowlist: the calls every container may make. */
extern const int seccomp_allowed_calls[];
extern const int seccomp_allowed_count;

/* A call allowed only to a container that keeps capability. */
struct seccomp_capability_call {
	int capability;
	int call;
};
extern const struct seccomp_capability_call seccomp_capability_calls[];
extern const int seccomp_capability_count;

/* The personality(2) values allowed; any other is refused. */
extern const unsigned seccomp_personalities[5];

/* Every listed call number lies below this; from here on all numbers
 * get the default answer, EPERM. */
#define SECCOMP_CALL_LIMIT 512

/* Room for any filter build_seccomp_filter makes: 4 instructions check
 * the architecture and load the number, and the first test of the
 * search after them can jump at most 255 instructions on, to the
 * filter's last instruction. */
#define SECCOMP_MAX_INSTRUCTIONS (4 + 1 + 255 + 1)

/* Builds the filter for a container that keeps the capabilities in keep
 * into program (SECCOMP_MAX_INSTRUCTIONS long). It kills a process
 * calling through another architecture's table and answers EPERM for
 * every call it does not allow: Docker's list, the calls of the kept
 * capabilities, clone without namespace flags, personality with the
 * listed values, and ioctl but TIOCSTI and TIOCLINUX. With CAP_SYS_ADMIN
 * clone and clone3 pass as they are; without, clone3 gets ENOSYS so libc
 * falls back to clone, whose flags the filter can see. Returns its
 * length, or -1 if it cannot be built. */
int build_seccomp_filter(capability_mask keep, struct sock_filter *program);

/* Installs that filter. Needs CAP_SYS_ADMIN or no_new_privs; the filter
 * holds for COMMAND and everything it starts. */
int install_seccomp(capability_mask keep, struct failure *f);

#endif
