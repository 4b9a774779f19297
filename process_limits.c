/* process_limits.c - the process attributes a description sets before COMMAND
 * starts, and the kernel parameters of its namespaces. */
#include "process_limits.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <unistd.h>

static const struct {
	const char *name;
	int resource;
} resources[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

int resource_number(const char *name)
{
	for (size_t i = 0; i < sizeof(resources) / sizeof(*resources); i++)
		if (strcmp(resources[i].name, name) == 0)
			return resources[i].resource;
	return -1;
}

bool has_limit(const struct container_spec *s, int resource)
{
	for (size_t i = 0; i < s->limit_count; i++)
		if (s->limits[i].resource == resource)
			return true;
	return false;
}

static int write_proc_self(const char *file, const char *text,
			   struct failure *f)
{
	int fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(f, "process", file, errno);
	ssize_t n = write(fd, text, strlen(text));
	int error = errno;
	close(fd);
	return n < 0 ? fail(f, "process", file, error) : 0;
}

int set_limits(const struct container_spec *s, struct failure *f)
{
	for (size_t i = 0; i < s->limit_count; i++) {
		const struct resource_limit *l = &s->limits[i];
		struct rlimit value = {.rlim_cur = l->soft,
				       .rlim_max = l->hard};
		if (setrlimit(l->resource, &value) < 0) {
			fail(f, "rlimit", "", errno);
			snprintf(f->detail, sizeof(f->detail),
				 "resource %d: soft %llu, hard %llu",
				 l->resource, l->soft, l->hard);
			if (errno == EPERM)
				add_hint(f, "raising a hard limit takes "
					    "CAP_SYS_RESOURCE, which this "
					    "runtime lacks here");
			return -1;
		}
	}
	if (s->has_oom_score_adj) {
		char text[16];
		snprintf(text, sizeof(text), "%d", s->oom_score_adj);
		if (write_proc_self("/proc/self/oom_score_adj", text, f) < 0)
			return -1;
	}
	if (s->personality >= 0 &&
	    personality((unsigned long)s->personality) < 0)
		return fail(f, "personality", "", errno);
	return 0;
}

int sysctl_namespace(const char *name)
{
	static const char *const ipc[] = {
	    "kernel.msgmax", "kernel.msgmnb",	       "kernel.msgmni",
	    "kernel.sem",    "kernel.shmall",	       "kernel.shmmax",
	    "kernel.shmmni", "kernel.shm_rmid_forced",
	};
	for (size_t i = 0; i < sizeof(ipc) / sizeof(*ipc); i++)
		if (strcmp(name, ipc[i]) == 0)
			return CLONE_NEWIPC;
	if (strncmp(name, "fs.mqueue.", 10) == 0)
		return CLONE_NEWIPC;
	if (strncmp(name, "net.", 4) == 0)
		return CLONE_NEWNET;
	if (strcmp(name, "kernel.hostname") == 0 ||
	    strcmp(name, "kernel.domainname") == 0)
		return CLONE_NEWUTS;
	return 0;
}

int set_sysctls(const struct container_spec *s, struct failure *f)
{
	for (size_t i = 0; i < s->sysctl_count; i++) {
		char path[512];
		int length = snprintf(path, sizeof(path), "/proc/sys/%s",
				      s->sysctls[i].name);
		if (length < 0 || (size_t)length >= sizeof(path))
			return fail(f, "sysctl", s->sysctls[i].name,
				    ENAMETOOLONG);
		/* "net.ipv4.conf.eth0.rp_filter" is net/ipv4/conf/eth0/...:
		 * every '.' a directory (names hold no '/': checked). */
		for (char *p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
		ssize_t n = -1;
		if (fd >= 0) {
			n = write(fd, s->sysctls[i].value,
				  strlen(s->sysctls[i].value));
			int error = errno;
			close(fd);
			errno = error;
		}
		if (n < 0)
			return fail(f, "sysctl", s->sysctls[i].name, errno);
	}
	return 0;
}
