/* capabilities.c - the capability sets the container keeps, set through
 * the raw prctl and capset interfaces (no libcap). */
#include "capabilities.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdio.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BIT(cap) ((capability_mask)1 << (cap))

/* Indexed by capability number, as in <linux/capability.h>. */
static const char *const capability_names[] = {
    "CHOWN",
    "DAC_OVERRIDE",
    "DAC_READ_SEARCH",
    "FOWNER",
    "FSETID",
    "KILL",
    "SETGID",
    "SETUID",
    "SETPCAP",
    "LINUX_IMMUTABLE",
    "NET_BIND_SERVICE",
    "NET_BROADCAST",
    "NET_ADMIN",
    "NET_RAW",
    "IPC_LOCK",
    "IPC_OWNER",
    "SYS_MODULE",
    "SYS_RAWIO",
    "SYS_CHROOT",
    "SYS_PTRACE",
    "SYS_PACCT",
    "SYS_ADMIN",
    "SYS_BOOT",
    "SYS_NICE",
    "SYS_RESOURCE",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "MKNOD",
    "LEASE",
    "AUDIT_WRITE",
    "AUDIT_CONTROL",
    "SETFCAP",
    "MAC_OVERRIDE",
    "MAC_ADMIN",
    "SYSLOG",
    "WAKE_ALARM",
    "BLOCK_SUSPEND",
    "AUDIT_READ",
    "PERFMON",
    "BPF",
    "CHECKPOINT_RESTORE",
};

#define KNOWN_CAPABILITIES                                                     \
	((int)(sizeof(capability_names) / sizeof(*capability_names)))

capability_mask default_capabilities(void)
{
	return BIT(CAP_CHOWN) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_FSETID) |
	       BIT(CAP_FOWNER) | BIT(CAP_MKNOD) | BIT(CAP_NET_RAW) |
	       BIT(CAP_SETGID) | BIT(CAP_SETUID) | BIT(CAP_SETFCAP) |
	       BIT(CAP_SETPCAP) | BIT(CAP_NET_BIND_SERVICE) |
	       BIT(CAP_SYS_CHROOT) | BIT(CAP_KILL) | BIT(CAP_AUDIT_WRITE);
}

capability_mask all_capabilities(void)
{
	return BIT(KNOWN_CAPABILITIES) - 1;
}

int parse_capability(const char *name, capability_mask *mask)
{
	if (strncasecmp(name, "CAP_", 4) == 0)
		name += 4;
	if (strcasecmp(name, "ALL") == 0) {
		*mask = all_capabilities();
		return 0;
	}
	for (int cap = 0; cap < KNOWN_CAPABILITIES; cap++)
		if (strcasecmp(name, capability_names[cap]) == 0) {
			*mask = BIT(cap);
			return 0;
		}
	return -1;
}

const char *capability_name(int cap)
{
	return cap >= 0 && cap < KNOWN_CAPABILITIES ? capability_names[cap]
						    : NULL;
}

int limit_bounding_set(struct capability_sets *keep, bool exact,
		       struct failure *f)
{
	/* The bounding set caps what any later exec can gain, file
	 * capabilities and setuid-root included. The kernel may know more
	 * capabilities than we do, or fewer: walk until it says EINVAL.
	 * Dropping an absent capability is no error, so only the kept ones
	 * are read (one call per capability, not two): capset refuses a
	 * kept one the bounding set lacks. */
	int cap;
	capability_mask lacking = 0;
	for (cap = 0;; cap++) {
		bool kept = cap < 64 && (keep->bounding & BIT(cap));
		int result = kept ? prctl(PR_CAPBSET_READ, cap, 0, 0, 0)
				  : prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
		if (result < 0 && errno == EINVAL)
			break;
		if (result < 0)
			return fail(f, "capabilities", "drop bounding set",
				    errno);
		if (kept && result == 0)
			lacking |= BIT(cap);
	}
	if (cap < 64)
		lacking |= ~(BIT(cap) - 1);
	capability_mask asked = keep->bounding | keep->effective |
				keep->permitted | keep->inheritable |
				keep->ambient;
	for (int missing = 0; exact && missing < 64; missing++)
		if ((asked & lacking) & BIT(missing)) {
			fail(f, "capabilities", "", 0);
			snprintf(
			    f->detail, sizeof(f->detail),
			    "CAP_%s: this runtime does not have it to give",
			    capability_name(missing) ? capability_name(missing)
						     : "?");
			return -1;
		}
	keep->bounding &= ~lacking;
	keep->effective &= ~lacking;
	keep->permitted &= ~lacking;
	keep->inheritable &= ~lacking;
	keep->ambient &= ~lacking;
	return 0;
}

int set_capabilities(const struct capability_sets *keep, struct failure *f)
{
	/* Ambient capabilities survive exec of unprivileged programs: none
	 * but those asked for. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 &&
	    errno != EINVAL)
		return fail(f, "capabilities", "clear ambient set", errno);
	struct __user_cap_header_struct header = {
	    .version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2];
	for (int i = 0; i < 2; i++) {
		data[i].effective = (__u32)(keep->effective >> (32 * i));
		data[i].permitted = (__u32)(keep->permitted >> (32 * i));
		data[i].inheritable = (__u32)(keep->inheritable >> (32 * i));
	}
	if (syscall(SYS_capset, &header, data) < 0)
		return fail(f, "capabilities", "capset", errno);
	/* The kernel raises an ambient capability only while it is both
	 * permitted and inheritable; one asked for without both (as in
	 * `runc spec`'s config.json, which has no inheritable set) is
	 * left out, as runc and crun leave it. */
	capability_mask ambient =
	    keep->ambient & keep->permitted & keep->inheritable;
	for (int cap = 0; cap < 64; cap++)
		if ((ambient & BIT(cap)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return fail(f, "capabilities", "raise ambient", errno);
	return 0;
}

bool has_capability(int cap)
{
	struct __user_cap_header_struct header = {
	    .version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2];
	if (cap < 0 || cap >= 64 || syscall(SYS_capget, &header, data) < 0)
		return false;
	return data[cap / 32].effective & (1U << (cap % 32));
}
