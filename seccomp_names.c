/* seccomp_names.c - system call names to this architecture's numbers,
 * for the profiles of OCI bundles, which name calls as the kernel does.
 * The list is made at build time from the compiler's own
 * <sys/syscall.h> (build/syscall-names.h, see the Makefile), so it is
 * x86_64's on x86_64 and aarch64's on aarch64, never a copy to keep up
 * to date; calls newer than the C library's header are added below. */
#include "seccomp.h"

#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

struct call_name {
	const char *name;
	int number;
};

#define CALL(name) {#name, SYS_##name},
static const struct call_name names[] = {
#include "build/syscall-names.h"
};

/* Since Linux 5.1 a new call has one number on every architecture:
 * these hold on both whatever the C library's age. */
static const struct call_name newer[] = {
    {"cachestat", 451},		{"fchmodat2", 452},
    {"map_shadow_stack", 453},	{"futex_wake", 454},
    {"futex_wait", 455},	{"futex_requeue", 456},
    {"statmount", 457},		{"listmount", 458},
    {"lsm_get_self_attr", 459}, {"lsm_set_self_attr", 460},
    {"lsm_list_modules", 461},	{"mseal", 462},
    {"setxattrat", 463},	{"getxattrat", 464},
    {"listxattrat", 465},	{"removexattrat", 466},
    {"open_tree_attr", 467},
};

int seccomp_call_number(const char *name)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (strcmp(names[i].name, name) == 0)
			return names[i].number;
	for (size_t i = 0; i < sizeof(newer) / sizeof(*newer); i++)
		if (strcmp(newer[i].name, name) == 0)
			return newer[i].number;
	return -1;
}
