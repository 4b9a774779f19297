/* cgroups.c - the cgroup a container runs in, and its limits.
 *
 * Where /sys/fs/cgroup is the unified hierarchy (cgroup v2) with
 * controllers, here: s->cgroup_settings. On a legacy or hybrid host,
 * whose controllers are cgroup v1 hierarchies (and whose unified
 * hierarchy, if any, has none to limit with), cgroups_v1.c makes the
 * cgroup in each: s->cgroup_v1_settings. One path names the cgroup in
 * either (cgroup_subpath). On a host with neither, the limits are not
 * applied, and one warning says so. */
#include "cgroups.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgroups_v1.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

bool needs_cgroup(const struct container_spec *s)
{
	return s->cgroup_path || s->cgroup_setting_count ||
	       s->cgroup_v1_setting_count;
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

/* The container's cgroup below a hierarchy's root, into path: an
 * absolute cgroupsPath as it is; under /container-fs a relative one,
 * systemd's "slice:prefix:name" (no systemd to ask here: a directory
 * of that name), or without one the container's id. 0, or -1 if it
 * does not fit. */
static int cgroup_subpath(const struct container_spec *s, char *path,
			  size_t size)
{
	const char *given = s->cgroup_path;
	int length;
	if (given && given[0] == '/')
		length = snprintf(path, size, "%s", given);
	else if (given && strchr(given, ':')) {
		const char *name = strchr(given, ':') + 1;
		char scope[256];
		snprintf(scope, sizeof(scope), "%s", name);
		for (char *p = scope; *p; p++)
			if (*p == ':')
				*p = '-';
		length = snprintf(path, size, "/container-fs/%s", scope);
	} else
		length = snprintf(path, size, "/container-fs/%s",
				  given	  ? given
				  : s->id ? s->id
					  : "container");
	return length > 0 && (size_t)length < size ? 0 : -1;
}

/* The container's cgroup v2 directory into path. 0, or -1 when s asks
 * for none or the host has no unified hierarchy. */
static int cgroup_directory(const struct container_spec *s, char *path,
			    size_t size)
{
	char subpath[2048];
	if (!needs_cgroup(s) || !unified_hierarchy() ||
	    cgroup_subpath(s, subpath, sizeof(subpath)) < 0)
		return -1;
	int length = snprintf(path, size, CGROUP_ROOT "%s", subpath);
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

/* cgroup v2 has no blkio, net_cls or net_prio controller: a bundle's
 * blockIO and network are not applied there. Warned once each. */
static void warn_v1_only(const struct container_spec *s)
{
	static const char *const fields[] = {"linux.resources.blockIO",
					     "linux.resources.network", NULL};
	for (const char *const *field = fields; *field; field++)
		for (size_t i = 0; i < s->cgroup_v1_setting_count; i++)
			if (strncmp(s->cgroup_v1_settings[i].field, *field,
				    strlen(*field)) == 0) {
				warn("config.json: %s: not applied on "
				     "cgroup v2",
				     *field);
				break;
			}
}

/* Which cgroups the host has to put a container in: the unified
 * hierarchy with controllers (its controllers into controllers), or
 * v1 hierarchies, or neither. */
enum cgroup_kind { CGROUPS_NONE, CGROUPS_V2, CGROUPS_V1 };

static enum cgroup_kind host_cgroups(char *controllers, size_t size)
{
	root_controllers(controllers, size);
	if (controllers[0])
		return CGROUPS_V2;
	return v1_hierarchies_mounted() ? CGROUPS_V1 : CGROUPS_NONE;
}

int join_cgroup(const struct container_spec *s, pid_t pid, struct failure *f)
{
	char path[4096], number[32], controllers[512];
	if (!needs_cgroup(s))
		return 0;
	enum cgroup_kind kind = host_cgroups(controllers, sizeof(controllers));
	if (kind == CGROUPS_V1) {
		if (cgroup_subpath(s, path, sizeof(path)) < 0)
			return fail(f, "cgroup", "cgroupsPath", ENAMETOOLONG);
		return join_cgroup_v1(s, path, pid, f);
	}
	if (kind == CGROUPS_NONE ||
	    cgroup_directory(s, path, sizeof(path)) < 0) {
		warn("no usable cgroups here (" CGROUP_ROOT " is no unified "
		     "hierarchy with controllers, and no cgroup v1 "
		     "hierarchy is mounted): linux.resources and "
		     "cgroupsPath are not applied");
		return 0;
	}
	warn_v1_only(s);
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
	char path[4096], controllers[512];
	if (!needs_cgroup(s))
		return;
	enum cgroup_kind kind = host_cgroups(controllers, sizeof(controllers));
	if (kind == CGROUPS_V2 && cgroup_directory(s, path, sizeof(path)) == 0)
		rmdir(path);
	else if (kind == CGROUPS_V1 &&
		 cgroup_subpath(s, path, sizeof(path)) == 0)
		remove_cgroup_v1(path);
}

void enter_cgroup(const struct container_spec *s)
{
	char path[4096], controllers[512];
	struct failure ignored;
	if (!needs_cgroup(s))
		return;
	enum cgroup_kind kind = host_cgroups(controllers, sizeof(controllers));
	if (kind == CGROUPS_V2 && cgroup_directory(s, path, sizeof(path)) == 0)
		write_file(path, "cgroup.procs", "0", &ignored);
	else if (kind == CGROUPS_V1 &&
		 cgroup_subpath(s, path, sizeof(path)) == 0)
		enter_cgroup_v1(path);
}
