/* unit_oci.c - unit tests of the OCI bundle reader: a config.json into
 * the description, and the refusals that name the field. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "oci/bundle.h"
#include "oci/state.h"
#include "spec.h"
#include "unit.h"

static const char minimal[] =
    "{\"ociVersion\": \"1.0.2-dev\", \"root\": {\"path\": \"rootfs\", "
    "\"readonly\": true}, \"process\": {\"args\": [\"sh\", \"-c\", \"x\"], "
    "\"env\": [\"A=1\"], \"cwd\": \"/w\", \"user\": {\"uid\": 5, \"gid\": 6, "
    "\"additionalGids\": [7], \"umask\": 18}, \"capabilities\": "
    "{\"bounding\": [\"CAP_KILL\"], \"ambient\": [\"CAP_KILL\"]}, "
    "\"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 10, \"hard\": "
    "20}], \"noNewPrivileges\": true, \"oomScoreAdj\": 7}, \"hostname\": "
    "\"h\", \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\"}, "
    "{\"destination\": \"/data\", \"source\": \"/tmp\", \"options\": "
    "[\"rbind\", \"ro\", \"rslave\"]}, {\"destination\": \"dev/shm\", "
    "\"type\": \"tmpfs\", \"options\": [\"size=1m\", \"nosuid\"]}], "
    "\"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": "
    "\"network\", \"path\": \"/proc/1/ns/net\"}, {\"type\": \"mount\"}], "
    "\"maskedPaths\": [\"/proc/kcore\"], \"sysctl\": "
    "{\"net.ipv4.ip_forward\": \"1\"}, \"rootfsPropagation\": \"shared\", "
    "\"resources\": {\"pids\": {\"limit\": 10}, \"devices\": [{\"allow\": "
    "true, \"access\": \"rwm\"}]}, \"seccomp\": {\"defaultAction\": "
    "\"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\", \"nosuch\"], "
    "\"action\": \"SCMP_ACT_ALLOW\"}]}}, \"hooks\": {\"poststop\": "
    "[{\"path\": \"/bin/true\", \"timeout\": 3}]}, \"annotations\": "
    "{\"k\": \"v\"}, \"unknown\": {\"x\": 1}}";

/* Parses text with minimal's bundle; returns parse_bundle's result and
 * leaves the failure in f. */
static int parse(const char *text, const char *bundle, struct container_spec *s,
		 struct failure *f)
{
	return parse_bundle(text, strlen(text), bundle, "id", s, f);
}

/* minimal with one substring replaced: refused, naming field. */
static void refused(const char *bundle, const char *from, const char *to,
		    const char *field)
{
	char text[sizeof(minimal) + 256], name[320];
	const char *at = strstr(minimal, from);
	struct container_spec s;
	struct failure f;
	snprintf(name, sizeof(name), "bundle: %s refused", field);
	if (!at) {
		check(0, name);
		return;
	}
	snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - minimal), minimal,
		 to, at + strlen(from));
	int result = parse(text, bundle, &s, &f);
	if (result == 0 || !strstr(f.detail, field))
		fprintf(stderr, "  %s: %s\n", field,
			result ? f.detail : "taken");
	check(result < 0 && strstr(f.detail, field) && f.status == 1, name);
	free_spec(&s);
}

static void quiet(const char *message)
{
	(void)message;
}

void test_bundle(void)
{
	warning_sink = quiet; /* the unknown key's, expected */
	char bundle[] = "/tmp/cfs-unit-bundle.XXXXXX", rootfs[64];
	if (!mkdtemp(bundle)) {
		check(0, "bundle: temporary directory");
		return;
	}
	snprintf(rootfs, sizeof(rootfs), "%s/rootfs", bundle);
	mkdir(rootfs, 0755);
	struct container_spec s;
	struct failure f;
	int result = parse(minimal, bundle, &s, &f);
	if (result < 0)
		fprintf(stderr, "  bundle: %s\n", f.detail);
	check(result == 0, "bundle: a config.json is taken");
	check(result == 0 && s.writable == WRITABLE_IN_PLACE &&
		  s.read_only_root && strcmp(s.root_directory, rootfs) == 0,
	      "bundle: root.path relative to the bundle, read-only");
	check(result == 0 && strcmp(s.command[2], "x") == 0 &&
		  s.env_count == 1 && strcmp(s.cwd, "/w") == 0 &&
		  strcmp(s.user, "5:6") == 0 && s.group_count == 1 &&
		  s.umask == 18 && !s.allow_new_privs && s.has_oom_score_adj &&
		  s.oom_score_adj == 7,
	      "bundle: the process");
	check(result == 0 && s.capabilities.bounding == (1ULL << 5) &&
		  s.capabilities.ambient == (1ULL << 5) &&
		  s.capabilities.effective == 0 && s.exact_capabilities,
	      "bundle: five capability sets, exact");
	check(result == 0 && s.limit_count == 1 && s.limits[0].soft == 10,
	      "bundle: rlimits");
	check(result == 0 && s.mount_count == 5 &&
		  s.mounts[0].kind == MOUNT_PROC &&
		  s.mounts[1].kind == MOUNT_BIND && !s.mounts[1].single &&
		  (s.mounts[1].flags & MS_RDONLY) &&
		  s.mounts[1].propagation == (MS_REC | MS_SLAVE) &&
		  s.mounts[2].kind == MOUNT_FILESYSTEM &&
		  strcmp(s.mounts[2].destination, "/dev/shm") == 0 &&
		  strcmp(s.mounts[2].data, "size=1m") == 0 &&
		  s.mounts[3].kind == MOUNT_DEVICES &&
		  s.mounts[4].kind == MOUNT_MASKS,
	      "bundle: mounts in order, then devices and masks");
	check(result == 0 && !s.only_given_devices &&
		  !(s.mounts[1].flags & MS_NODEV),
	      "bundle: every device allowed: no nodev added");
	check(result == 0 && s.join_count == 1 && s.network == NETWORK_HOST &&
		  s.sysctl_count == 1 && s.masked_count == 1 &&
		  s.readonly_count == 0 && s.root_propagation == MS_SHARED,
	      "bundle: namespaces joined, sysctls, masks, propagation");
	check(result == 0 && s.cgroup_setting_count == 1 &&
		  strcmp(s.cgroup_settings[0].file, "pids.max") == 0 &&
		  s.seccomp_profile && s.seccomp_profile->rule_count == 1 &&
		  s.hooks[HOOK_POSTSTOP].count == 1 &&
		  s.hooks[HOOK_POSTSTOP].hooks[0].timeout == 3 &&
		  s.annotation_count == 2,
	      "bundle: resources, seccomp (unknown names skipped), hooks, "
	      "annotations");
	free_spec(&s);
	refused(bundle, "\"uid\": 5", "\"uid\": -1", "process.user.uid");
	refused(bundle, "\"1.0.2-dev\"", "\"0.9\"", "ociVersion");
	refused(bundle, "\"CAP_KILL\"]}", "\"CAP_NOPE\"]}",
		"process.capabilities.ambient[0]");
	refused(bundle, "\"/data\"", "\"/a/../b\"", "mounts[1].destination");
	refused(bundle, "\"rslave\"", "\"idmap\"", "mounts[1].options[2]");
	refused(bundle, "\"pid\"}", "\"pidd\"}", "linux.namespaces[0].type");
	refused(bundle, "\"net.ipv4.ip_forward\"", "\"kernel.panic\"",
		"linux.sysctl.kernel.panic");
	refused(bundle, "\"SCMP_ACT_ALLOW\"", "\"SCMP_ACT_NOTIFY\"",
		"linux.seccomp.syscalls[0].action");
	refused(bundle, "\"/bin/true\"", "\"bin/true\"",
		"hooks.poststop[0].path");
	refused(bundle, "\"RLIMIT_NOFILE\"", "\"RLIMIT_NOPE\"",
		"process.rlimits[0].type");
	refused(bundle, "\"args\": [\"sh\", \"-c\", \"x\"]", "\"args\": []",
		"process.args");
	refused(bundle, "\"path\": \"rootfs\"", "\"path\": \"missing\"",
		"root.path");
	check(valid_id("a-b_c.d+e") && !valid_id("..") && !valid_id("a/b") &&
		  !valid_id(""),
	      "bundle: container IDs as runc takes them");
	rmdir(rootfs);
	rmdir(bundle);
}
