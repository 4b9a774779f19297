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

/* base with one substring replaced: refused, naming field. */
static void refused_in(const char *base, const char *bundle, const char *from,
		       const char *to, const char *field)
{
	char text[4096], name[320];
	const char *at = strstr(base, from);
	struct container_spec s;
	struct failure f;
	snprintf(name, sizeof(name), "bundle: %s refused", field);
	if (!at) {
		check(0, name);
		return;
	}
	snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - base), base, to,
		 at + strlen(from));
	int result = parse(text, bundle, &s, &f);
	if (result == 0 || !strstr(f.detail, field))
		fprintf(stderr, "  %s: %s\n", field,
			result ? f.detail : "taken");
	check(result < 0 && strstr(f.detail, field) && f.status == 1, name);
	free_spec(&s);
}

static void refused(const char *bundle, const char *from, const char *to,
		    const char *field)
{
	refused_in(minimal, bundle, from, to, field);
}

static void quiet(const char *message)
{
	(void)message;
}

/* A temporary bundle directory (bundle: a mkdtemp template) with an
 * empty rootfs in it, named into rootfs. 0, or -1 with a failed check
 * labelled label. */
static int make_bundle(char *bundle, char *rootfs, size_t size,
		       const char *label)
{
	if (!mkdtemp(bundle)) {
		char name[64];
		snprintf(name, sizeof(name), "%s: temporary directory", label);
		check(0, name);
		return -1;
	}
	snprintf(rootfs, size, "%s/rootfs", bundle);
	mkdir(rootfs, 0755);
	return 0;
}

void test_bundle(void)
{
	warning_sink = quiet; /* the unknown key's, expected */
	char bundle[] = "/tmp/cfs-unit-bundle.XXXXXX", rootfs[64];
	if (make_bundle(bundle, rootfs, sizeof(rootfs), "bundle") < 0)
		return;
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

static const char resources[] =
    "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"}, "
    "\"process\": {\"args\": [\"sh\"], \"cwd\": \"/\"}, \"linux\": "
    "{\"cgroupsPath\": \"/a/b\", \"resources\": {\"memory\": {\"limit\": "
    "1048576, \"swap\": 2097152, \"swappiness\": 10, "
    "\"disableOOMKiller\": true}, \"cpu\": {\"shares\": 1024, \"quota\": "
    "50000, \"period\": 100000, \"cpus\": \"0\"}, \"blockIO\": "
    "{\"weight\": 500, \"throttleReadBpsDevice\": [{\"major\": 8, "
    "\"minor\": 0, \"rate\": 100}]}, \"network\": {\"classID\": 255, "
    "\"priorities\": [{\"name\": \"lo\", \"priority\": 3}]}, "
    "\"devices\": [{\"allow\": false, \"access\": \"rwm\"}, {\"allow\": "
    "true, \"type\": \"c\", \"major\": 10, \"minor\": 229, \"access\": "
    "\"rw\"}]}}}";

/* The index of the setting of file in a list, or -1. */
static long setting_index(const struct cgroup_setting *list, size_t count,
			  const char *file)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(list[i].file, file) == 0)
			return (long)i;
	return -1;
}

/* Whether the list sets file to value, from field. */
static bool sets(const struct cgroup_setting *list, size_t count,
		 const char *file, const char *value, const char *field)
{
	long i = setting_index(list, count, file);
	return i >= 0 && strcmp(list[i].value, value) == 0 &&
	       strcmp(list[i].field, field) == 0;
}

void test_bundle_resources(void)
{
	warning_sink = quiet;
	char bundle[] = "/tmp/cfs-unit-bundle.XXXXXX", rootfs[64];
	if (make_bundle(bundle, rootfs, sizeof(rootfs), "resources") < 0)
		return;
	struct container_spec s;
	struct failure f;
	int result = parse(resources, bundle, &s, &f);
	if (result < 0)
		fprintf(stderr, "  resources: %s\n", f.detail);
	const struct cgroup_setting *v1 = s.cgroup_v1_settings;
	const struct cgroup_setting *v2 = s.cgroup_settings;
	size_t n1 = s.cgroup_v1_setting_count, n2 = s.cgroup_setting_count;
	check(result == 0 &&
		  sets(v1, n1, "memory.limit_in_bytes", "1048576",
		       "linux.resources.memory.limit") &&
		  sets(v1, n1, "memory.memsw.limit_in_bytes", "2097152",
		       "linux.resources.memory.swap") &&
		  setting_index(v1, n1, "memory.limit_in_bytes") <
		      setting_index(v1, n1, "memory.memsw.limit_in_bytes") &&
		  sets(v1, n1, "memory.swappiness", "10",
		       "linux.resources.memory.swappiness") &&
		  sets(v1, n1, "memory.oom_control", "1",
		       "linux.resources.memory.disableOOMKiller"),
	      "resources: memory as v1 files, the limit before memsw");
	check(result == 0 &&
		  sets(v2, n2, "memory.swap.max", "1048576",
		       "linux.resources.memory.swap") &&
		  sets(v2, n2, "cpu.max", "50000 100000",
		       "linux.resources.cpu.quota"),
	      "resources: v2 files converted from v1 values");
	check(result == 0 &&
		  sets(v1, n1, "cpu.shares", "1024",
		       "linux.resources.cpu.shares") &&
		  sets(v1, n1, "cpu.cfs_quota_us", "50000",
		       "linux.resources.cpu.quota") &&
		  setting_index(v1, n1, "cpu.cfs_period_us") >= 0 &&
		  setting_index(v1, n1, "cpu.cfs_period_us") <
		      setting_index(v1, n1, "cpu.cfs_quota_us") &&
		  sets(v1, n1, "cpuset.cpus", "0", "linux.resources.cpu.cpus"),
	      "resources: cpu as v1 files, the period before the quota");
	check(result == 0 &&
		  sets(v1, n1, "blkio.weight", "500",
		       "linux.resources.blockIO.weight") &&
		  sets(v1, n1, "blkio.throttle.read_bps_device", "8:0 100",
		       "linux.resources.blockIO.throttleReadBpsDevice[0]") &&
		  sets(v1, n1, "net_cls.classid", "255",
		       "linux.resources.network.classID") &&
		  sets(v1, n1, "net_prio.ifpriomap", "lo 3",
		       "linux.resources.network.priorities[0]") &&
		  setting_index(v2, n2, "blkio.weight") < 0,
	      "resources: blockIO and network as v1 files only");
	check(result == 0 && s.device_rule_count == 2 &&
		  !s.device_rules[0].allow && s.device_rules[0].type == 'a' &&
		  s.device_rules[1].allow && s.device_rules[1].type == 'c' &&
		  s.device_rules[1].major == 10 &&
		  s.device_rules[1].minor == 229 &&
		  strcmp(s.device_rules[1].access, "rw") == 0 &&
		  s.only_given_devices,
	      "resources: device rules in order");
	free_spec(&s);
	refused_in(resources, bundle, "\"swappiness\": 10",
		   "\"swappiness\": 101", "linux.resources.memory.swappiness");
	refused_in(resources, bundle, "\"/a/b\"", "\"//\"",
		   "linux.cgroupsPath");
	refused_in(resources, bundle, "\"major\": 8, ", "",
		   "linux.resources.blockIO.throttleReadBpsDevice[0].major");
	refused_in(resources, bundle, "\"lo\"", "\"l o\"",
		   "linux.resources.network.priorities[0].name");
	refused_in(resources, bundle, "\"rw\"}", "\"rwx\"}",
		   "linux.resources.devices[1]");
	rmdir(rootfs);
	rmdir(bundle);
}
