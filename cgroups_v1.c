/* cgroups_v1.c - the container's cgroups on a legacy or hybrid host,
 * whose controllers are cgroup v1 hierarchies: one per mount of type
 * "cgroup" in /proc/self/mountinfo, co-mounted controllers sharing one
 * ("cpu,cpuacct"). As runc's cgroupfs manager does: the same path in
 * every hierarchy, named ones (name=systemd) too; each controller's
 * limits written in its hierarchy in the order they were given; then
 * the process moved into all of them. */
#include "cgroups_v1.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kernelfs.h"

#define MAX_HIERARCHIES 16
/* Where cgroups.c puts a relative cgroupsPath, or none. */
#define OWN_PARENT "/container-fs/"

struct hierarchy {
	char mount[512];       /* "/sys/fs/cgroup/cpu,cpuacct" */
	char controllers[160]; /* "cpu,cpuacct", "name=systemd" */
};

static const char *const known_controllers[] = {
    "blkio",	  "cpu",     "cpuacct", "cpuset", "debug",   "devices",
    "freezer",	  "hugetlb", "memory",	"misc",	  "net_cls", "net_prio",
    "perf_event", "pids",    "rdma",	NULL};

/* What a device cgroup allows beyond the rules, after them, as runc
 * allows it (youki and crun write theirs after the rules too): mknod
 * of any node, the nodes every container's /dev has (null, zero,
 * full, random, urandom, tty, console, ptmx), its terminals
 * (/dev/pts) and tun. */
static const char *const default_devices[] = {
    "c *:* m",	   "b *:* m",	   "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm",
    "c 1:8 rwm",   "c 1:9 rwm",	   "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm",
    "c 136:* rwm", "c 10:200 rwm", NULL};

/* mountinfo writes ' ', '\t', '\n' and '\\' in a path as \ooo. */
static void unescape(char *text)
{
	char *out = text;
	for (char *p = text; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' &&
		    p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
			*out++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 +
					(p[3] - '0'));
			p += 3;
		} else
			*out++ = *p;
	}
	*out = '\0';
}

/* The controllers among a cgroup mount's super options
 * ("rw,cpu,cpuacct"), comma-separated, into out. */
static void controllers_of(char *options, char *out, size_t size)
{
	char *saved;
	out[0] = '\0';
	for (char *option = strtok_r(options, ",", &saved); option;
	     option = strtok_r(NULL, ",", &saved)) {
		bool known = strncmp(option, "name=", 5) == 0;
		for (const char *const *k = known_controllers; *k && !known;
		     k++)
			known = strcmp(*k, option) == 0;
		size_t length = strlen(out);
		if (known && length + strlen(option) + 2 <= size)
			snprintf(out + length, size - length, "%s%s",
				 length ? "," : "", option);
	}
}

/* The v1 hierarchies mounted into list, each once (another mount of
 * one is the same hierarchy), their number; with unified, in the same
 * read, a hybrid host's v2 hierarchy there too ("" mount: none). */
static size_t find_hierarchies(struct hierarchy *list,
			       struct hierarchy *unified)
{
	FILE *file = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t capacity = 0, count = 0;
	if (unified)
		*unified = (struct hierarchy){0};
	while (file && getline(&line, &capacity, file) > 0) {
		/* ID PARENT MAJ:MIN ROOT MOUNT OPTIONS [TAG...] - TYPE
		 * SOURCE SUPER-OPTIONS */
		char *separator = strstr(line, " - ");
		char mount[512], type[32], options[512];
		if (!separator ||
		    sscanf(line, "%*s %*s %*s %*s %511s", mount) != 1 ||
		    sscanf(separator + 3, "%31s %*s %511s", type, options) != 2)
			continue;
		bool v2 = unified && !unified->mount[0] &&
			  strcmp(type, "cgroup2") == 0;
		if (!v2 &&
		    (strcmp(type, "cgroup") != 0 || count == MAX_HIERARCHIES))
			continue;
		unescape(mount);
		if (v2) {
			snprintf(unified->mount, sizeof(unified->mount), "%s",
				 mount);
			continue;
		}
		struct hierarchy *h = &list[count];
		snprintf(h->mount, sizeof(h->mount), "%s", mount);
		controllers_of(options, h->controllers, sizeof(h->controllers));
		bool seen = !h->controllers[0];
		for (size_t i = 0; i < count && !seen; i++)
			seen = strcmp(list[i].controllers, h->controllers) == 0;
		if (!seen)
			count++;
	}
	free(line);
	if (file)
		fclose(file);
	return count;
}

bool v1_hierarchies_mounted(void)
{
	struct hierarchy list[MAX_HIERARCHIES];
	return find_hierarchies(list, NULL) > 0;
}

static bool has_controller(const struct hierarchy *h, const char *name,
			   size_t length)
{
	for (const char *p = h->controllers; *p;) {
		size_t n = strcspn(p, ",");
		if (n == length && strncmp(p, name, n) == 0)
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

/* The hierarchy of the controller file belongs to ("memory" for
 * "memory.limit_in_bytes"), or NULL. */
static const struct hierarchy *hierarchy_of(const struct hierarchy *list,
					    size_t count, const char *file)
{
	for (size_t i = 0; i < count; i++)
		if (has_controller(&list[i], file, strcspn(file, ".")))
			return &list[i];
	return NULL;
}

/* The cgroup subpath in h: its mount + subpath, into path. 0, or -1
 * if it does not fit. */
static int directory_in(const struct hierarchy *h, const char *subpath,
			char *path, size_t size)
{
	int length = snprintf(path, size, "%s%s", h->mount, subpath);
	return length > 0 && (size_t)length < size ? 0 : -1;
}

/* 0 or an errno value. */
static int write_value(const char *directory, const char *file,
		       const char *value)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", directory, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	int error = write(fd, value, strlen(value)) < 0 ? errno : 0;
	close(fd);
	return error;
}

/* The file's text without its newline into out. 0 or an errno value. */
static int read_value(const char *directory, const char *file, char *out,
		      size_t size)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", directory, file);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	ssize_t n = read(fd, out, size - 1);
	int error = n < 0 ? errno : 0;
	close(fd);
	out[n > 0 ? n : 0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	return error;
}

/* "cgroup: FIELD: DIRECTORY/FILE: strerror". Returns -1. */
static int fail_file(struct failure *f, const char *field,
		     const char *directory, const char *file, int error)
{
	fail(f, "cgroup", "", error);
	snprintf(f->detail, sizeof(f->detail), "%.300s: %.3000s/%.200s", field,
		 directory, file);
	return -1;
}

/* A new cpuset cgroup has no cpus and no mems, and takes no process
 * until it has (cgroup.clone_children is off by default): it gets its
 * parent's, as runc copies them down. 0 or an errno value. */
static int inherit_cpuset(char *path)
{
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems", NULL};
	char value[4096];
	char *slash = strrchr(path, '/');
	for (const char *const *file = files; *file; file++) {
		int error = read_value(path, *file, value, sizeof(value));
		if (error || value[0])
			return error;
		*slash = '\0';
		error = read_value(path, *file, value, sizeof(value));
		*slash = '/';
		if (error || (error = write_value(path, *file, value)))
			return error;
	}
	return 0;
}

/* Makes h's mount + subpath and its missing parents, once. */
static int make_directories_once(const struct hierarchy *h, char *path,
				 size_t *made)
{
	bool cpuset = has_controller(h, "cpuset", 6);
	*made = 0;
	for (char *p = path + strlen(h->mount) + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		int error = 0;
		*p = '\0';
		if (mkdir(path, 0755) == 0) {
			if (!*made)
				*made = (size_t)(p - path);
		} else if (errno != EEXIST)
			error = errno;
		if (!error && cpuset)
			error = inherit_cpuset(path);
		if (error)
			return error;
		*p = saved;
		if (!saved)
			return 0;
	}
}

/* Makes h's mount + subpath and its missing parents. *made: the length
 * of the first directory made (0 if none was), for undo_directories.
 * A parent under /container-fs that another container's delete removed
 * as we went (ENOENT) is made again. 0 or an errno value, with the
 * failing directory in path. */
static int make_directories(const struct hierarchy *h, const char *subpath,
			    char *path, size_t size, size_t *made)
{
	int error = ENOENT;
	for (int tries = 0; error == ENOENT && tries < 3; tries++) {
		if (directory_in(h, subpath, path, size) < 0)
			return ENAMETOOLONG;
		error = make_directories_once(h, path, made);
	}
	return error;
}

/* Removes path and every cgroup below it (a container may make its
 * own), deepest first. A cgroup whose last process is still exiting
 * is busy a moment: tried again for up to a second. */
static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_type == DT_DIR && strcmp(e->d_name, ".") != 0 &&
		    strcmp(e->d_name, "..") != 0) {
			char below[4096];
			if ((size_t)snprintf(below, sizeof(below), "%s/%s",
					     path, e->d_name) < sizeof(below))
				remove_tree(below);
		}
	if (d)
		closedir(d);
	struct timespec pause = {.tv_nsec = 50 * 1000 * 1000};
	for (int tries = 0; rmdir(path) < 0 && errno == EBUSY && tries < 20;
	     tries++)
		nanosleep(&pause, NULL);
}

/* Removes what make_directories made: path up to its first made. */
static void undo_directories(char *path, size_t made)
{
	if (!made)
		return;
	remove_tree(path);
	for (char *slash;
	     (slash = strrchr(path, '/')) && (size_t)(slash - path) >= made;) {
		*slash = '\0';
		if (rmdir(path) < 0)
			break;
	}
}

/* Whether the kernel took a kernel memory limit: Linux has not
 * enforced one since 5.16, and takes the write and ignores it. It
 * keeps a limit rounded down to whole pages. */
static bool kernel_memory_limited(const char *directory, const char *value)
{
	char back[32];
	long long page = sysconf(_SC_PAGESIZE), wanted = atoll(value);
	return read_value(directory, "memory.kmem.limit_in_bytes", back,
			  sizeof(back)) == 0 &&
	       atoll(back) == wanted / page * page;
}

/* One limit. Where the kernel lacks its file: blkio's weights are
 * blkio.bfq.* under the BFQ scheduler (runc and crun look there too);
 * an unlimited value is what no file gives; a kernel memory limit the
 * kernel does not take is warned about, as runc no longer sets it. */
static int write_setting(const char *directory, const struct cgroup_setting *c,
			 struct failure *f)
{
	const char *file = c->file;
	char bfq[64];
	int error = write_value(directory, file, c->value);
	if (error == ENOENT && (strcmp(file, "blkio.weight") == 0 ||
				strcmp(file, "blkio.weight_device") == 0)) {
		snprintf(bfq, sizeof(bfq), "blkio.bfq.%s", file + 6);
		if ((error = write_value(directory, bfq, c->value)) != ENOENT)
			file = bfq;
	}
	if (error == ENOENT && strcmp(c->value, "-1") == 0)
		return 0;
	if (strcmp(file, "memory.kmem.limit_in_bytes") == 0 &&
	    strcmp(c->value, "-1") != 0 &&
	    (error || !kernel_memory_limited(directory, c->value))) {
		warn("%s: not applied: this kernel does not limit kernel "
		     "memory",
		     c->field);
		return 0;
	}
	return error ? fail_file(f, c->field, directory, file, error) : 0;
}

/* A rule as devices.allow and devices.deny take it: "c 1:3 rwm". The
 * kernel's "a" is every device with every access, whatever follows
 * it: a narrower rule of type a is two, one for c and one for b. */
static int write_device_rule(const char *directory, const char *file,
			     const struct device_rule *r, struct failure *f)
{
	char rule[64], major[24] = "*", minor[24] = "*";
	char types[3] = {r->type, '\0', '\0'};
	if (r->type == 'a' &&
	    (r->major >= 0 || r->minor >= 0 || strcmp(r->access, "rwm") != 0)) {
		types[0] = 'c';
		types[1] = 'b';
	}
	if (r->major >= 0)
		snprintf(major, sizeof(major), "%lld", r->major);
	if (r->minor >= 0)
		snprintf(minor, sizeof(minor), "%lld", r->minor);
	for (const char *type = types; *type; type++) {
		if (*type == 'a')
			snprintf(rule, sizeof(rule), "a");
		else
			snprintf(rule, sizeof(rule), "%c %s:%s %s", *type,
				 major, minor, r->access);
		int error = write_value(directory, file, rule);
		if (error) {
			char field[96];
			snprintf(field, sizeof(field),
				 "linux.resources.devices (%s)", rule);
			return fail_file(f, field, directory, file, error);
		}
	}
	return 0;
}

/* The device cgroup: every device denied, then the rules in the order
 * given (the order decides, and the list a reader sees keeps it), then
 * the defaults and the nodes the description makes. */
static int write_device_rules(const char *directory,
			      const struct container_spec *s, struct failure *f)
{
	static const struct device_rule deny_all = {
	    .type = 'a', .major = -1, .minor = -1, .access = "rwm"};
	if (write_device_rule(directory, "devices.deny", &deny_all, f) < 0)
		return -1;
	for (size_t i = 0; i < s->device_rule_count; i++) {
		const struct device_rule *r = &s->device_rules[i];
		if (write_device_rule(
			directory, r->allow ? "devices.allow" : "devices.deny",
			r, f) < 0)
			return -1;
	}
	for (const char *const *rule = default_devices; *rule; rule++) {
		int error = write_value(directory, "devices.allow", *rule);
		if (error)
			return fail_file(f, "the default devices", directory,
					 "devices.allow", error);
	}
	for (size_t i = 0; i < s->device_count; i++) {
		const struct device_node *d = &s->devices[i];
		if (d->type != S_IFCHR && d->type != S_IFBLK)
			continue;
		struct device_rule r = {.allow = true,
					.type = d->type == S_IFCHR ? 'c' : 'b',
					.major = d->major,
					.minor = d->minor,
					.access = "rwm"};
		if (write_device_rule(directory, "devices.allow", &r, f) < 0)
			return -1;
	}
	return 0;
}

/* Before anything is made: every limit has its hierarchy, and none is
 * a v2 file by name (linux.resources.unified), as runc refuses it. */
static int check_settings(const struct container_spec *s,
			  const struct hierarchy *list, size_t count,
			  struct failure *f)
{
	for (size_t i = 0; i < s->cgroup_setting_count; i++) {
		const struct cgroup_setting *c = &s->cgroup_settings[i];
		if (strncmp(c->field, "linux.resources.unified", 23) == 0) {
			fail(f, "cgroup", "", 0);
			snprintf(f->detail, sizeof(f->detail),
				 "%.300s: a cgroup v2 file, and this host's "
				 "controllers are cgroup v1 hierarchies",
				 c->field);
			return -1;
		}
	}
	for (size_t i = 0; i < s->cgroup_v1_setting_count; i++) {
		const struct cgroup_setting *c = &s->cgroup_v1_settings[i];
		if (!hierarchy_of(list, count, c->file)) {
			fail(f, "cgroup", "", 0);
			snprintf(f->detail, sizeof(f->detail),
				 "%.300s: this host has no cgroup v1 "
				 "hierarchy of the %.*s controller",
				 c->field, (int)strcspn(c->file, "."), c->file);
			return -1;
		}
	}
	return 0;
}

/* Makes the cgroup in list[i] and writes its limits there. */
static int set_up_hierarchy(const struct container_spec *s,
			    const struct hierarchy *list, size_t count,
			    size_t i, const char *subpath, char *path,
			    size_t size, size_t *made, struct failure *f)
{
	int error = make_directories(&list[i], subpath, path, size, made);
	if (error)
		return fail(f, "cgroup", path, error);
	for (size_t k = 0; k < s->cgroup_v1_setting_count; k++) {
		const struct cgroup_setting *c = &s->cgroup_v1_settings[k];
		if (hierarchy_of(list, count, c->file) == &list[i] &&
		    write_setting(path, c, f) < 0)
			return -1;
	}
	if (has_controller(&list[i], "devices", 7))
		return write_device_rules(path, s, f);
	return 0;
}

/* A hybrid host's unified (v2) hierarchy, which holds no controller:
 * the container's cgroup is made there too and the process moved in,
 * as runc does (systemd inside, and podman, look there for it). Best
 * effort: nothing is limited there. */
static void join_unified(const struct hierarchy *unified, const char *subpath,
			 const char *pid)
{
	char path[4096];
	size_t made = 0;
	if (unified->mount[0] &&
	    make_directories(unified, subpath, path, sizeof(path), &made) == 0)
		write_value(path, "cgroup.procs", pid);
}

int join_cgroup_v1(const struct container_spec *s, const char *subpath,
		   pid_t pid, struct failure *f)
{
	struct hierarchy list[MAX_HIERARCHIES];
	size_t made[MAX_HIERARCHIES] = {0};
	char path[4096], number[32];
	struct hierarchy unified;
	size_t count = find_hierarchies(list, &unified);
	if (check_settings(s, list, count, f) < 0)
		return -1;
	for (size_t i = 0; i < count; i++)
		if (set_up_hierarchy(s, list, count, i, subpath, path,
				     sizeof(path), &made[i], f) < 0)
			goto undo;
	/* Into each only once all are ready: a process that never ran in
	 * a half-made cgroup. */
	snprintf(number, sizeof(number), "%d", (int)pid);
	for (size_t i = 0; i < count; i++) {
		int error = directory_in(&list[i], subpath, path, sizeof(path))
				? ENAMETOOLONG
				: write_value(path, "cgroup.procs", number);
		if (error) {
			fail_file(f, "cgroupsPath", path, "cgroup.procs",
				  error);
			goto undo;
		}
	}
	join_unified(&unified, subpath, number);
	return 0;
undo:
	for (size_t i = 0; i < count; i++)
		if (directory_in(&list[i], subpath, path, sizeof(path)) == 0)
			undo_directories(path, made[i]);
	return -1;
}

void enter_cgroup_v1(const char *subpath)
{
	struct hierarchy list[MAX_HIERARCHIES + 1];
	char path[4096];
	size_t count = find_hierarchies(list, &list[MAX_HIERARCHIES]);
	if (list[MAX_HIERARCHIES].mount[0]) /* the unified one too */
		list[count++] = list[MAX_HIERARCHIES];
	for (size_t i = 0; i < count; i++)
		if (directory_in(&list[i], subpath, path, sizeof(path)) == 0)
			write_value(path, "cgroup.procs", "0");
}

void remove_cgroup_v1(const char *subpath)
{
	struct hierarchy list[MAX_HIERARCHIES + 1];
	char path[4096];
	size_t count = find_hierarchies(list, &list[MAX_HIERARCHIES]);
	if (list[MAX_HIERARCHIES].mount[0]) /* the unified one too */
		list[count++] = list[MAX_HIERARCHIES];
	for (size_t i = 0; i < count; i++) {
		size_t root = strlen(list[i].mount);
		if (directory_in(&list[i], subpath, path, sizeof(path)) < 0)
			continue;
		remove_tree(path);
		/* The parents made under /container-fs go once empty too;
		 * elsewhere they are another's to keep, as with runc. */
		if (strncmp(subpath, OWN_PARENT, strlen(OWN_PARENT)) != 0)
			continue;
		for (char *slash; (slash = strrchr(path, '/')) &&
				  (size_t)(slash - path) > root;) {
			*slash = '\0';
			if (rmdir(path) < 0)
				break;
		}
	}
}

/* The container's own cgroup path in hierarchy h, from
 * /proc/self/cgroup ("ID:CONTROLLERS:/PATH"), into path; 0 or -1. */
static int own_cgroup_in(const struct hierarchy *h, char *path, size_t size)
{
	FILE *file = fopen("/proc/self/cgroup", "re");
	char *line = NULL;
	size_t capacity = 0;
	int result = -1;
	while (file && result < 0 && getline(&line, &capacity, file) > 0) {
		char *controllers = strchr(line, ':');
		char *own = controllers ? strchr(controllers + 1, ':') : NULL;
		if (!own)
			continue;
		*own++ = '\0';
		own[strcspn(own, "\n")] = '\0';
		if (strcmp(controllers + 1, h->controllers) == 0 &&
		    (size_t)snprintf(path, size, "%s", own) < size)
			result = 0;
	}
	free(line);
	if (file)
		fclose(file);
	return result;
}

/* One hierarchy at name below dir_fd: a new mount of it (in a cgroup
 * namespace of the container's own its root is the container's
 * cgroup), else a bind of the container's cgroup's directory. */
static int mount_hierarchy(int dir_fd, const char *name,
			   const struct hierarchy *h, bool in_namespace,
			   bool read_only, struct failure *f)
{
	const char *step = "mount cgroup";
	char own[4096], source[4096];
	if (mkdirat(dir_fd, name, 0755) < 0)
		return fail(f, step, name, errno);
	if (!in_namespace && (own_cgroup_in(h, own, sizeof(own)) < 0 ||
			      directory_in(h, own, source, sizeof(source)) < 0))
		return fail(f, step, h->mount, ENOENT);
	if (!in_namespace && read_only)
		return bind_read_only_at(dir_fd, name, source, step, f);
	int target = open_beneath(dir_fd, name, O_PATH);
	if (target < 0)
		return fail(f, step, name, errno);
	int result =
	    in_namespace
		? mount_on(target, step, name, "cgroup", "cgroup",
			   MS_NOSUID | MS_NODEV | MS_NOEXEC |
			       (read_only ? MS_RDONLY : 0),
			   h->controllers, f)
		: mount_on(target, step, name, source, NULL, MS_BIND, NULL, f);
	close(target);
	return result;
}

int mount_cgroup_v1_tree(int dir_fd, bool in_namespace, bool read_only,
			 struct failure *f)
{
	struct hierarchy list[MAX_HIERARCHIES];
	size_t count = find_hierarchies(list, NULL);
	for (size_t i = 0; i < count; i++) {
		const char *slash = strrchr(list[i].mount, '/');
		const char *name = slash ? slash + 1 : "";
		/* One mounted somewhere odd ("/", "/x/..") is not shown. */
		if (name[0] == '\0' || name[0] == '.')
			continue;
		if (mount_hierarchy(dir_fd, name, &list[i], in_namespace,
				    read_only, f) < 0)
			return -1;
		/* "cpu" and "cpuacct" lead to "cpu,cpuacct", as on the
		 * host and under runc. */
		for (const char *p = name; strchr(name, ',') && *p;) {
			size_t n = strcspn(p, ",");
			char link[64];
			if (n < sizeof(link)) {
				memcpy(link, p, n);
				link[n] = '\0';
				symlinkat(name, dir_fd, link);
			}
			p += n + (p[n] == ',');
		}
	}
	return 0;
}
