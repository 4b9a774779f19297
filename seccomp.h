/* seccomp.h - the system calls the container may not make. */
#ifndef CONTAINER_FS_SECCOMP_H
#define CONTAINER_FS_SECCOMP_H

#include <linux/audit.h>
#include <linux/filter.h>

#include "utils.h"

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

/* The calls refused with EPERM (see SECURITY.md for the list). */
extern const int seccomp_refused_calls[];
extern const int seccomp_refused_count;

/* Room for any filter build_seccomp_filter makes: a fixed head of 14
 * instructions, then per range of refused numbers at most 3 tests, a
 * branch and a return. */
#define SECCOMP_MAX_INSTRUCTIONS (14 + 5 * 64)

/* Builds the filter into program (SECCOMP_MAX_INSTRUCTIONS long): it
 * kills a process calling through another architecture's table, makes
 * the refused calls and clone with a namespace flag fail with EPERM, and
 * answers clone3 with ENOSYS so libc falls back to clone, whose flags
 * the filter can see. Returns its length, or -1 if it cannot be built. */
int build_seccomp_filter(struct sock_filter *program);

/* Installs that filter. Needs CAP_SYS_ADMIN or no_new_privs; the filter
 * holds for COMMAND and everything it starts. */
int install_seccomp(struct failure *f);

#endif
