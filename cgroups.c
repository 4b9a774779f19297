/* cgroups.c - the cgroup (v2) a container runs in, and its limits.
 *
 * Only the unified hierarchy: on a host whose /sys/fs/cgroup is a v1 or
 * hybrid tree, a cgroup of v2 has no controllers to limit anything
 * with, and v1 would need a manager of its own per controller. There
 * the limits are not applied, and one warning says so. */
#include "cgroups.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#define CGROUP_ROOT "/sys/fs/cgroup"

bool needs_cgroup(const struct container_spec *s)
{
	return s->cgroup_path || s->cgroup_setting_count;
}

static bool unified_hierarchy(void)
{
	struct statfs fs;
	return statfs(CGROUP_ROOT, &fs) == 0 &&
	       fs.f_type == CGROUP2_SUPER_MAGIC;
}

/* The controllers the unified hierarchy has ("cpu io memory pids"), or
 * "" when /sys/fs/cgroup is none (a v1 or hybrid tree), into out. */
static void root_controllers(char *out, size_t size)
{
	out[0] = '\0';
	if (!unified_hierarchy())
		return;
	int fd = open(CGROUP_ROOT "/cgroup.controllers", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t n = read(fd, out, size - 1);
	close(fd);
	out[n > 0 ? n : 0] = '\0';
}

/* Whether controllers (space separated) has the one file belongs to
 * ("pids" for "pids.max"). */
static bool has_controller(const char *controllers, const char *file)
{
	size_t length = strcspn(file, ".");
	for (const char *p = controllers; *p;) {
		size_t n = strcspn(p, " \n");
		if (n == length && strncmp(p, file, n) == 0)
			return true;
		p += n;
		p += strspn(p, " \n");
	}
	return false;
}

int cgroup_directory(const struct container_spec *s, char *path, size_t size)
{
	if (!needs_cgroup(s) || !unified_hierarchy())
		return -1;
	const char *given = s->cgroup_path;
	int length;
	if (given && given[0] == '/')
		length = snprintf(path, size, CGROUP_ROOT "%s", given);
	else if (given && strchr(given, ':')) {
		/* systemd's "slice:prefix:name": no systemd to ask here, so
		 * a directory of that name under our own. */
		const char *name = strchr(given, ':') + 1;
		char scope[256];
		snprintf(scope, sizeof(scope), "%s", name);
		for (char *p = scope; *p; p++)
			if (*p == ':')
				*p = '-';
		length =
		    snprintf(path, size, CGROUP_ROOT "/container-fs/%s", scope);
	} else
		length = snprintf(path, size, CGROUP_ROOT "/container-fs/%s",
				  given	  ? given
				  : s->id ? s->id
					  : "container");
	return length > 0 && (size_t)length < size ? 0 : -1;
}

static int write_file(const char *directory, const char *file,
		      const char *value, struct failure *f)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", directory, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n = -1;
	if (fd >= 0) {
		n = write(fd, value, strlen(value));
		int error = errno;
		close(fd);
		errno = error;
	}
	return n < 0 ? fail(f, "cgroup", path, errno) : 0;
}

/* Makes every directory of path below the root, and gives each parent
 * the controllers its children need (cgroup.subtree_control). */
static int make_cgroup(char *path, struct failure *f)
{
	size_t root = strlen(CGROUP_ROOT);
	for (char *p = path + root + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		/* The parent's controllers, for this child: best effort (a
		 * controller the host lacks is simply not there). */
		char *slash = strrchr(path, '/');
		*slash = '\0';
		write_file(path, "cgroup.subtree_control",
			   "+cpu +cpuset +io +memory +pids", f);
		*slash = '/';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			*p = saved;
			return fail(f, "cgroup", path, errno);
		}
		*p = saved;
		if (saved == '\0')
			return 0;
	}
}

int join_cgroup(const struct container_spec *s, pid_t pid, struct failure *f)
{
	char path[4096], number[32], controllers[512];
	if (!needs_cgroup(s))
		return 0;
	root_controllers(controllers, sizeof(controllers));
	if (!controllers[0] || cgroup_directory(s, path, sizeof(path)) < 0) {
		warn("cgroup v2 is not usable here (" CGROUP_ROOT
		     " is no unified hierarchy with controllers): "
		     "linux.resources and cgroupsPath are not applied");
		return 0;
	}
	if (make_cgroup(path, f) < 0)
		return -1;
	for (size_t i = 0; i < s->cgroup_setting_count; i++) {
		const struct cgroup_setting *c = &s->cgroup_settings[i];
		if (!has_controller(controllers, c->file)) {
			warn("cgroup: %s not applied: this host's cgroup v2 "
			     "has no such controller",
			     c->file);
			continue;
		}
		if (write_file(path, c->file, c->value, f) < 0)
			return -1;
	}
	snprintf(number, sizeof(number), "%d", (int)pid);
	return write_file(path, "cgroup.procs", number, f);
}

void remove_cgroup(const struct container_spec *s)
{
	char path[4096];
	if (cgroup_directory(s, path, sizeof(path)) == 0)
		rmdir(path);
}

void enter_cgroup(const struct container_spec *s)
{
	char path[4096];
	struct failure ignored;
	if (cgroup_directory(s, path, sizeof(path)) == 0)
		write_file(path, "cgroup.procs", "0", &ignored);
}
