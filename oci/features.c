/* features.c - `features` (what this runtime supports, as JSON, as the
 * runtime spec's features document has it) and `spec` (a default
 * config.json to start a bundle from). */
#include "oci/commands.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capabilities.h"
#include "hooks.h"

#if defined(__x86_64__)
#define NATIVE_ARCH "SCMP_ARCH_X86_64"
#else
#define NATIVE_ARCH "SCMP_ARCH_AARCH64"
#endif

static const char features_head[] =
    "{\"ociVersionMin\":\"1.0.0\",\"ociVersionMax\":\"" OCI_VERSION "\","
    "\"hooks\":[\"prestart\",\"createRuntime\",\"createContainer\","
    "\"startContainer\",\"poststart\",\"poststop\"],"
    "\"mountOptions\":[\"async\",\"atime\",\"bind\",\"defaults\",\"dev\","
    "\"diratime\",\"dirsync\",\"exec\",\"lazytime\",\"loud\",\"mand\","
    "\"noatime\",\"nodev\",\"nodiratime\",\"noexec\",\"nolazytime\","
    "\"nomand\",\"norelatime\",\"nostrictatime\",\"nosuid\",\"private\","
    "\"rbind\",\"relatime\",\"rprivate\",\"rshared\",\"rslave\","
    "\"runbindable\",\"rw\",\"ro\",\"shared\",\"silent\",\"slave\","
    "\"strictatime\",\"suid\",\"sync\",\"unbindable\"],"
    "\"linux\":{\"namespaces\":[\"cgroup\",\"ipc\",\"mount\",\"network\","
    "\"pid\",\"user\",\"uts\"],\"capabilities\":[";

static const char features_tail[] =
    "],\"cgroup\":{\"v1\":true,\"v2\":true,\"systemd\":false,"
    "\"systemdUser\":false,\"rdma\":false},"
    "\"seccomp\":{\"enabled\":true,\"actions\":[\"SCMP_ACT_ALLOW\","
    "\"SCMP_ACT_ERRNO\",\"SCMP_ACT_KILL\",\"SCMP_ACT_KILL_PROCESS\","
    "\"SCMP_ACT_KILL_THREAD\",\"SCMP_ACT_LOG\",\"SCMP_ACT_TRACE\","
    "\"SCMP_ACT_TRAP\"],\"operators\":[\"SCMP_CMP_EQ\",\"SCMP_CMP_GE\","
    "\"SCMP_CMP_GT\",\"SCMP_CMP_LE\",\"SCMP_CMP_LT\",\"SCMP_CMP_MASKED_EQ\","
    "\"SCMP_CMP_NE\"],\"archs\":[\"" NATIVE_ARCH "\"],"
    "\"knownFlags\":[\"SECCOMP_FILTER_FLAG_LOG\","
    "\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\","
    "\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"],"
    "\"supportedFlags\":[\"SECCOMP_FILTER_FLAG_LOG\","
    "\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\","
    "\"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV\"]},"
    "\"apparmor\":{\"enabled\":true},\"selinux\":{\"enabled\":false},"
    "\"intelRdt\":{\"enabled\":false},"
    "\"mountExtensions\":{\"idmap\":{\"enabled\":false}}},"
    "\"annotations\":{\"org.opencontainers.runtime-spec.features\":"
    "\"container-fs\"}}\n";

int oci_features(struct failure *f)
{
	struct string out = {0};
	int failed = append_string(&out, features_head) < 0;
	for (int cap = 0; capability_name(cap); cap++) {
		char name[40];
		snprintf(name, sizeof(name), "%s\"CAP_%s\"", cap ? "," : "",
			 capability_name(cap));
		failed |= append_string(&out, name) < 0;
	}
	failed |= append_string(&out, features_tail) < 0;
	int result = failed || write_all(1, out.data, out.length) < 0
			 ? fail(f, "features", "write", errno ? errno : ENOMEM)
			 : 0;
	free_string(&out);
	return result;
}

/* runc's default: sh on a terminal, in rootfs/, the usual mounts and
 * masks, and a few capabilities. */
static const char default_config[] =
    "{\n"
    "\t\"ociVersion\": \"" OCI_VERSION "\",\n"
    "\t\"process\": {\n"
    "\t\t\"terminal\": true,\n"
    "\t\t\"user\": {\"uid\": 0, \"gid\": 0},\n"
    "\t\t\"args\": [\"sh\"],\n"
    "\t\t\"env\": [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:"
    "/usr/bin:/sbin:/bin\", \"TERM=xterm\"],\n"
    "\t\t\"cwd\": \"/\",\n"
    "\t\t\"capabilities\": {\n"
    "\t\t\t\"bounding\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", "
    "\"CAP_NET_BIND_SERVICE\"],\n"
    "\t\t\t\"effective\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", "
    "\"CAP_NET_BIND_SERVICE\"],\n"
    "\t\t\t\"permitted\": [\"CAP_AUDIT_WRITE\", \"CAP_KILL\", "
    "\"CAP_NET_BIND_SERVICE\"]\n"
    "\t\t},\n"
    "\t\t\"rlimits\": [{\"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, "
    "\"soft\": 1024}],\n"
    "\t\t\"noNewPrivileges\": true\n"
    "\t},\n"
    "\t\"root\": {\"path\": \"rootfs\", \"readonly\": true},\n"
    "\t\"hostname\": \"container-fs\",\n"
    "\t\"mounts\": [\n"
    "\t\t{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": "
    "\"proc\"},\n"
    "\t\t{\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": "
    "\"tmpfs\", \"options\": [\"nosuid\", \"strictatime\", \"mode=755\", "
    "\"size=65536k\"]},\n"
    "\t\t{\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": "
    "\"devpts\", \"options\": [\"nosuid\", \"noexec\", \"newinstance\", "
    "\"ptmxmode=0666\", \"mode=0620\"%s]},\n"
    "\t\t{\"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": "
    "\"shm\", \"options\": [\"nosuid\", \"noexec\", \"nodev\", "
    "\"mode=1777\", \"size=65536k\"]},\n"
    "\t\t{\"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", "
    "\"source\": \"mqueue\", \"options\": [\"nosuid\", \"noexec\", "
    "\"nodev\"]},\n"
    "\t\t{\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": "
    "\"sysfs\", \"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]}\n"
    "\t],\n"
    "\t\"linux\": {\n"
    "%s"
    "\t\t\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, "
    "{\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"}%s],\n"
    "\t\t\"maskedPaths\": [\"/proc/acpi\", \"/proc/asound\", "
    "\"/proc/kcore\", \"/proc/keys\", \"/proc/latency_stats\", "
    "\"/proc/timer_list\", \"/proc/timer_stats\", \"/proc/sched_debug\", "
    "\"/sys/firmware\", \"/proc/scsi\"],\n"
    "\t\t\"readonlyPaths\": [\"/proc/bus\", \"/proc/fs\", \"/proc/irq\", "
    "\"/proc/sys\", \"/proc/sysrq-trigger\"]\n"
    "\t}\n"
    "}\n";

int oci_spec(struct oci_command *o, struct failure *f)
{
	char path[4096], mappings[256] = "";
	snprintf(path, sizeof(path), "%s/config.json",
		 o->bundle ? o->bundle : ".");
	if (o->rootless)
		snprintf(mappings, sizeof(mappings),
			 "\t\t\"uidMappings\": [{\"containerID\": 0, "
			 "\"hostID\": %u, \"size\": 1}],\n"
			 "\t\t\"gidMappings\": [{\"containerID\": 0, "
			 "\"hostID\": %u, \"size\": 1}],\n",
			 (unsigned)geteuid(), (unsigned)getegid());
	char *text;
	int length =
	    asprintf(&text, default_config, o->rootless ? "" : ", \"gid=5\"",
		     mappings, o->rootless ? ", {\"type\": \"user\"}" : "");
	if (length < 0)
		return fail(f, "spec", "allocate", ENOMEM);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	int result = 0;
	if (fd < 0 || write_all(fd, text, (size_t)length) < 0)
		result = fail(f, "spec", path, errno);
	if (fd >= 0)
		close(fd);
	free(text);
	return result;
}
