/* seccomp.h - the system calls the container may make: the built-in
 * allowlist, or a profile of the bundle's own, both compiled to one
 * classic BPF filter by the same generator (seccomp_bpf.c). */
#ifndef CONTAINER_FS_SECCOMP_H
#define CONTAINER_FS_SECCOMP_H

#include <linux/audit.h>
#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* How one argument of a call is compared (an OCI profile's "op"). */
enum seccomp_operator {
	SECCOMP_EQ,
	SECCOMP_NE,
	SECCOMP_LT,
	SECCOMP_LE,
	SECCOMP_GT,
	SECCOMP_GE,
	SECCOMP_MASKED_EQ, /* (argument & value) == value_two */
};

struct seccomp_condition {
	unsigned char arg; /* 0-5 */
	unsigned char op;  /* enum seccomp_operator */
	/* Compare the low 32 bits only: what the kernel reads of an int
	 * argument (clone's flags, ioctl's request), so high bits set by a
	 * caller change nothing here either. Else all 64, as libseccomp. */
	bool low_only;
	uint64_t value, value_two;
};

#define SECCOMP_MAX_CONDITIONS 6

/* A call, the conditions on its arguments (all must hold; none: it
 * always applies), and what the filter answers then. */
struct seccomp_rule {
	int call;	 /* this architecture's number */
	uint32_t action; /* SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EPERM, ... */
	int condition_count;
	struct seccomp_condition conditions[SECCOMP_MAX_CONDITIONS];
};

/* What the filter answers: for each call the first of its rules that
 * applies, else the default. */
struct seccomp_profile {
	uint32_t default_action;
	unsigned flags; /* SECCOMP_FILTER_FLAG_LOG, ... for seccomp(2) */
	struct seccomp_rule *rules;
	size_t rule_count;
};

/* The largest filter the kernel takes (BPF_MAXINSNS). */
#define SECCOMP_PROGRAM_LIMIT 4096

/* Appends a rule. 0, or -1 with errno ENOMEM. */
int add_seccomp_rule(struct seccomp_profile *p, const struct seccomp_rule *r);

/* The built-in allowlist for a container that keeps keep, as a profile
 * (the rules below). 0 or -1 (ENOMEM). */
int build_default_profile(capability_mask keep, struct seccomp_profile *p);

/* Compiles p into program (room for capacity instructions): the
 * architecture checked, the call number found by binary search over
 * runs of numbers with the same answer, each call's rules in order.
 * Returns the length, or -1 if it does not fit. */
int compile_seccomp_profile(const struct seccomp_profile *p,
			    struct sock_filter *program, int capacity);

/* This architecture's number of a call named as the kernel names it
 * ("openat"), or -1 when this architecture has no such call. */
int seccomp_call_number(const char *name);

void free_seccomp_profile(struct seccomp_profile *p);

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

/* Installs profile's filter, or with profile NULL the built-in one for
 * keep. Needs CAP_SYS_ADMIN or no_new_privs; the filter holds for
 * COMMAND and everything it starts. */
int install_seccomp(capability_mask keep, const struct seccomp_profile *profile,
		    struct failure *f);

#endif
