/* mounts.c - the container's mounts after its root: volumes (-v) and
 * tmpfs (--tmpfs).
 *
 * A volume's source is the host's and trusted as named; its destination
 * is in the image, which is not: every component is resolved as the
 * kernel would inside the container (openat2 with RESOLVE_IN_ROOT, so a
 * symlink to "/" or "../.." stays within it), what is missing is made
 * in the writable layer (never in a layer, never on the host through
 * another volume), and the mount lands on that exact file by fd. */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroups_v1.h"
#include "copy.h"
#include "kernelfs.h"
#include "layers.h"
#include "mount_api.h"
#include "userns.h"

static int refuse(struct failure *f, const char *option, const char *value,
		  const char *problem)
{
	char detail[1024];
	snprintf(detail, sizeof(detail), "%.100s '%.200s': %.400s", option,
		 value, problem);
	fail(f, "arguments", detail, 0);
	return add_hint(f, "see 'container-fs --help'");
}

int add_volume(struct container_spec *s, const char *option, struct failure *f)
{
	char source[PATH_MAX], destination[PATH_MAX], mode[8] = "rw";
	const char *colon = strchr(option, ':');
	if (!colon || colon == option)
		return refuse(f, "--volume", option, "expected SRC:DEST[:ro]");
	const char *second = strchr(colon + 1, ':');
	size_t source_length = (size_t)(colon - option);
	size_t destination_length =
	    second ? (size_t)(second - colon - 1) : strlen(colon + 1);
	if (source_length >= sizeof(source) ||
	    destination_length >= sizeof(destination))
		return refuse(f, "--volume", option, "path too long");
	memcpy(source, option, source_length);
	source[source_length] = '\0';
	memcpy(destination, colon + 1, destination_length);
	destination[destination_length] = '\0';
	if (second) {
		if (strlen(second + 1) >= sizeof(mode) ||
		    (strcmp(second + 1, "ro") != 0 &&
		     strcmp(second + 1, "rw") != 0))
			return refuse(f, "--volume", option,
				      "the mode is ro or rw");
		strcpy(mode, second + 1);
	}
	if (!valid_container_path(destination))
		return refuse(f, "--volume", option,
			      "DEST must be an absolute path in the "
			      "container, not '/', without '.' or '..'");
	unsigned long flags = strcmp(mode, "ro") == 0 ? MS_RDONLY : 0;
	return add_mount(s, MOUNT_BIND, source, destination, flags, NULL, f);
}

/* A number with an optional unit, as tmpfs takes size= and nr_inodes=. */
static bool valid_amount(const char *value, const char *units)
{
	size_t digits = strspn(value, "0123456789");
	return digits > 0 &&
	       (value[digits] == '\0' ||
		(strchr(units, value[digits]) && value[digits + 1] == '\0'));
}

/* One tmpfs option: a mount flag (set or cleared) or a value tmpfs
 * takes, checked here so a mistake is refused up front. */
static int tmpfs_option(const char *option, unsigned long *flags,
			struct string *data)
{
	static const struct {
		const char *name;
		unsigned long set, clear;
	} flag_options[] = {
	    {"ro", MS_RDONLY, 0},     {"rw", 0, MS_RDONLY},
	    {"noexec", MS_NOEXEC, 0}, {"exec", 0, MS_NOEXEC},
	    {"nosuid", MS_NOSUID, 0}, {"suid", 0, MS_NOSUID},
	    {"nodev", MS_NODEV, 0},   {"dev", 0, MS_NODEV},
	};
	for (size_t i = 0; i < sizeof(flag_options) / sizeof(*flag_options);
	     i++)
		if (strcmp(option, flag_options[i].name) == 0) {
			*flags = (*flags | flag_options[i].set) &
				 ~flag_options[i].clear;
			return 0;
		}
	const char *value = strchr(option, '=');
	bool valid = false;
	if (value && strncmp(option, "size=", 5) == 0)
		valid = valid_amount(value + 1, "kKmMgG%");
	else if (value && strncmp(option, "nr_inodes=", 10) == 0)
		valid = valid_amount(value + 1, "kKmMgG");
	else if (value && (strncmp(option, "uid=", 4) == 0 ||
			   strncmp(option, "gid=", 4) == 0))
		valid = valid_amount(value + 1, "");
	else if (value && strncmp(option, "mode=", 5) == 0)
		valid = value[1] &&
			strspn(value + 1, "01234567") == strlen(value + 1) &&
			strtoul(value + 1, NULL, 8) <= 07777;
	if (!valid)
		return -1;
	if ((data->length && append_string(data, ",") < 0) ||
	    append_string(data, option) < 0)
		return -2;
	return 0;
}

int add_tmpfs(struct container_spec *s, const char *option, struct failure *f)
{
	char destination[PATH_MAX], word[256];
	size_t length = strcspn(option, ":");
	if (length >= sizeof(destination))
		return refuse(f, "--tmpfs", option, "path too long");
	memcpy(destination, option, length);
	destination[length] = '\0';
	if (!valid_container_path(destination))
		return refuse(f, "--tmpfs", option,
			      "DEST must be an absolute path in the "
			      "container, not '/', without '.' or '..'");
	unsigned long flags = MS_NOSUID | MS_NODEV;
	struct string data = {0};
	for (const char *p = option + length; *p == ':' || *p == ',';) {
		p++;
		size_t n = strcspn(p, ",");
		if (n == 0 || n >= sizeof(word)) {
			free_string(&data);
			return refuse(f, "--tmpfs", option,
				      "empty or long option");
		}
		memcpy(word, p, n);
		word[n] = '\0';
		int result = tmpfs_option(word, &flags, &data);
		if (result < 0) {
			free_string(&data);
			if (result == -2)
				return fail(f, "arguments", "allocate", ENOMEM);
			char problem[300];
			snprintf(problem, sizeof(problem),
				 "unknown or bad option '%s'", word);
			return refuse(f, "--tmpfs", option, problem);
		}
		p += n;
	}
	int result =
	    add_mount(s, MOUNT_TMPFS, NULL, destination, flags, data.data, f);
	free_string(&data);
	return result;
}

static int sys_open_tree(int dir_fd, const char *path, unsigned int flags)
{
	return (int)syscall(SYS_open_tree, dir_fd, path, flags);
}

/* Clones the mount tree at fd, recursive as Docker's binds are (single:
 * its top mount only, a bundle's "bind"): a detached copy. Returns its
 * fd, or -1 with errno set. */
static int clone_tree(int fd, bool single)
{
	return sys_open_tree(fd, "",
			     OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
				 AT_EMPTY_PATH | (single ? 0 : AT_RECURSIVE));
}

int open_tree_of(const char *path, bool clone)
{
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !clone)
		return fd;
	int tree = clone_tree(fd, false);
	int error = errno;
	close(fd);
	errno = error;
	return tree;
}

int clone_same_tree(const char *path, int expected_fd)
{
	int fd = reopen_directory(AT_FDCWD, path, expected_fd);
	if (fd < 0)
		return -1;
	int tree = clone_tree(fd, false);
	int error = errno;
	close(fd);
	errno = error;
	return tree;
}

/* The attached volume at fd: private unless the entry asks for other
 * propagation (a clone of a host's shared mount would pass mounts made
 * inside on to the host), and read-only, nosuid, nodev or noexec as
 * asked, all through (before Linux 5.12, read-only on its top mount
 * only). */
static int seal_volume(int fd, const struct mount_entry *m, struct failure *f)
{
	char self[32];
	unsigned long propagation =
	    m->propagation ? m->propagation : MS_REC | MS_PRIVATE;
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	if (mount(NULL, self, NULL, propagation, NULL) < 0)
		return fail(f, "volume", m->destination, errno);
	unsigned long others =
	    m->flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME |
			MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME);
	if (others && set_mount_flags(fd, m->flags, !m->single, "volume",
				      m->destination, f) < 0)
		return -1;
	if (!(m->flags & MS_RDONLY) || others)
		return 0;
	return make_tree_read_only(fd, false, "volume", m->destination, f);
}

/* As root with no user namespace of its own, the container's volume
 * can be cloned and sealed here, before any namespace exists: the
 * container only attaches it, and nobody looks its source up again by
 * path (about 12 us a volume less). Only what mount_setattr sets
 * alone: a bundle's propagation and atime flags go the long way.
 * 0, or -1: the child clones it. */
static int clone_sealed(struct mount_entry *m)
{
	if (m->propagation ||
	    (m->flags &
	     ~(unsigned long)(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)))
		return -1;
	int tree = clone_tree(m->source_fd, m->single);
	if (tree < 0)
		return -1;
	/* Private: a clone of a host's shared mount would otherwise pass
	 * mounts made inside on to the host. */
	struct mount_attributes attributes = {.propagation = MS_PRIVATE};
	attributes.attr_set = (m->flags & MS_RDONLY ? MOUNT_ATTR_RDONLY : 0) |
			      (m->flags & MS_NOSUID ? MOUNT_ATTR_NOSUID : 0) |
			      (m->flags & MS_NODEV ? MOUNT_ATTR_NODEV : 0) |
			      (m->flags & MS_NOEXEC ? MOUNT_ATTR_NOEXEC : 0);
	if (syscall(SYS_mount_setattr, tree, "",
		    AT_EMPTY_PATH | (m->single ? 0 : AT_RECURSIVE), &attributes,
		    sizeof(attributes)) < 0) {
		close(tree);
		return -1;
	}
	m->tree_fd = tree;
	return 0;
}

int open_volume_sources(struct container_spec *s, bool clone, struct failure *f)
{
	for (size_t i = 0; i < s->mount_count; i++) {
		struct mount_entry *m = &s->mounts[i];
		if (m->kind != MOUNT_BIND)
			continue;
		char detail[512];
		snprintf(detail, sizeof(detail), "--volume '%.150s:%.150s'",
			 m->source, m->destination);
		int fd = open(m->source, O_PATH | O_CLOEXEC);
		if (fd < 0) {
			fail(f, "arguments", "", errno);
			snprintf(f->detail, sizeof(f->detail), "%s: SRC %.200s",
				 detail, m->source);
			return -1;
		}
		m->source_fd = fd;
		if (clone && clone_sealed(m) == 0)
			continue;
		/* Its canonical path, for the child to find it again. */
		char *path = path_of_fd(fd);
		if (!path)
			return fail(f, "arguments", detail, errno);
		free(m->source);
		m->source = path;
	}
	return 0;
}

void close_volume_sources(struct container_spec *s)
{
	for (size_t i = 0; i < s->mount_count; i++) {
		if (s->mounts[i].source_fd >= 0) {
			close(s->mounts[i].source_fd);
			s->mounts[i].source_fd = -1;
		}
		if (s->mounts[i].tree_fd >= 0) {
			close(s->mounts[i].tree_fd);
			s->mounts[i].tree_fd = -1;
		}
	}
}

/* openat2 of an absolute container path below root_fd, as inside. A
 * ".." is resolved in a scoped lookup only if no mount or rename
 * happened anywhere meanwhile, else EAGAIN: try again, a few times. */
static int resolve_in_root(int root_fd, const char *path)
{
	struct open_how how = {
	    .flags = O_PATH | O_CLOEXEC,
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int fd = -1;
	for (int tries = 0; tries < 64; tries++) {
		fd =
		    (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	return fd;
}

/* The mount ids of the volumes attached so far (the child's own memory):
 * a directory on one of them is the host's. */
#define MAX_VOLUMES 256
static unsigned long long volume_mounts[MAX_VOLUMES];
static int volume_count;

static unsigned long long mount_id_of(int fd)
{
	struct statx st;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &st) < 0 ||
	    !(st.stx_mask & STATX_MNT_ID))
		return 0;
	return st.stx_mnt_id;
}

/* Whether the directory at fd lies on a volume: making anything there
 * would write on the host. A volume's own mount is known by its id; a
 * mount below a recursive one, by its source's filesystem (unless that
 * is the root's own, as a root written in place on the host's disk
 * may be). */
static bool on_volume(int root_fd, const struct container_spec *s, int fd)
{
	struct stat here, source, root;
	unsigned long long id = mount_id_of(fd);
	for (int i = 0; id && i < volume_count; i++)
		if (volume_mounts[i] == id)
			return true;
	if (fstat(fd, &here) < 0 || fstat(root_fd, &root) < 0)
		return true;
	for (size_t i = 0; s && i < s->mount_count; i++)
		if (s->mounts[i].source_fd >= 0 &&
		    fstat(s->mounts[i].source_fd, &source) == 0 &&
		    source.st_dev == here.st_dev && here.st_dev != root.st_dev)
			return true;
	return false;
}

static int refuse_kernel_filesystem(const char *step, const char *path,
				    struct failure *f)
{
	fail(f, step, path, EXDEV);
	return add_hint(f, "it leads into /proc or /sys");
}

/* Whether the directory at fd is the container's /proc or /sys: the
 * image may lead a path there with a symlink, and a mount or a file
 * made there would undo the masks. */
static bool on_kernel_filesystem(int fd)
{
	struct statfs fs;
	return fstatfs(fd, &fs) < 0 || fs.f_type == PROC_SUPER_MAGIC ||
	       fs.f_type == SYSFS_MAGIC;
}

/* A symlink at name in parent that leads nowhere yet: path is rewritten
 * to go where it points, as the kernel would follow it inside the
 * container (prefix_length: where name ends in path). 0 or -1. */
static int follow_dangling(int parent, const char *name, char *path,
			   size_t prefix_length)
{
	char target[PATH_MAX], rest[PATH_MAX], next[PATH_MAX];
	ssize_t n = readlinkat(parent, name, target, sizeof(target) - 1);
	if (n <= 0)
		return -1;
	target[n] = '\0';
	snprintf(rest, sizeof(rest), "%s", path + prefix_length);
	size_t dir_length = prefix_length - strlen(name);
	int length = target[0] == '/'
			 ? snprintf(next, sizeof(next), "%s%s", target, rest)
			 : snprintf(next, sizeof(next), "%.*s%s%s",
				    (int)dir_length, path, target, rest);
	if (length < 0 || (size_t)length >= sizeof(next)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(path, next, (size_t)length + 1);
	return 0;
}

/* Makes the missing components of path, the last one as type. A
 * symlink that leads nowhere yet (an Ubuntu image's resolv.conf ->
 * ../run/systemd/...) is followed, its target made instead, at most 40
 * times, as the kernel allows. */
static int make_path(int root_fd, const struct container_spec *s,
		     const char *path, mode_t type, const char *step,
		     struct failure *f)
{
	char current[PATH_MAX], prefix[PATH_MAX];
	if (strlen(path) >= sizeof(current))
		return fail(f, step, path, ENAMETOOLONG);
	strcpy(current, path);
	int links = 0;
restart:;
	size_t length = strlen(current);
	for (size_t end = 1; end <= length; end++) {
		if (end < length && current[end] != '/')
			continue;
		memcpy(prefix, current, end);
		prefix[end] = '\0';
		int fd = resolve_in_root(root_fd, prefix);
		if (fd >= 0) {
			close(fd);
			continue;
		}
		if (errno != ENOENT)
			return fail(f, step, path, errno);
		char *slash = strrchr(prefix, '/');
		*slash = '\0';
		int parent = resolve_in_root(root_fd, prefix[0] ? prefix : "/");
		if (parent < 0)
			return fail(f, step, path, errno);
		if (on_kernel_filesystem(parent)) {
			close(parent);
			return refuse_kernel_filesystem(step, path, f);
		}
		if (on_volume(root_fd, s, parent)) {
			close(parent);
			fail(f, step, path, 0);
			snprintf(f->detail, sizeof(f->detail),
				 "%.4000s is missing below a volume", path);
			return add_hint(f, "make it in the volume's source on "
					   "the host first");
		}
		bool last = end == length;
		int made = last && type == S_IFREG
			       ? mknodat(parent, slash + 1, S_IFREG | 0644, 0)
			       : mkdirat(parent, slash + 1, 0755);
		if (made < 0 && errno == EEXIST) {
			int followed = ++links > 40
					   ? -1
					   : follow_dangling(parent, slash + 1,
							     current, end);
			int error = links > 40 ? ELOOP : errno;
			close(parent);
			if (followed < 0)
				return fail(f, step, path, error);
			goto restart;
		}
		close(parent);
		if (made < 0)
			return fail(f, step, path, errno);
	}
	return 0;
}

static int open_or_make(int root_fd, const struct container_spec *s,
			const char *path, mode_t type, bool kernel_ok,
			const char *step, struct failure *f)
{
	int fd = resolve_in_root(root_fd, path);
	if (fd < 0 && errno == ENOENT) {
		if (make_path(root_fd, s, path, type, step, f) < 0)
			return -1;
		fd = resolve_in_root(root_fd, path);
	}
	if (fd < 0)
		return fail(f, step, path, errno);
	struct stat st;
	struct statfs fs;
	int error = 0;
	if (fstat(fd, &st) < 0 || fstatfs(fd, &fs) < 0)
		error = errno;
	else if (type == S_IFDIR && !S_ISDIR(st.st_mode))
		error = ENOTDIR;
	else if (type != S_IFDIR && S_ISDIR(st.st_mode))
		error = EISDIR;
	if (error) {
		close(fd);
		return fail(f, step, path, error);
	}
	if (!kernel_ok &&
	    (fs.f_type == PROC_SUPER_MAGIC || fs.f_type == SYSFS_MAGIC)) {
		close(fd);
		return refuse_kernel_filesystem(step, path, f);
	}
	return fd;
}

int open_in_root(int root_fd, const char *path, mode_t type, const char *step,
		 struct failure *f)
{
	return open_or_make(root_fd, NULL, path, type, false, step, f);
}

int make_in_root(int root_fd, const char *path, mode_t type, const char *step,
		 struct failure *f)
{
	int fd = resolve_in_root(root_fd, path);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (errno != ENOENT)
		return fail(f, step, path, errno);
	return make_path(root_fd, NULL, path, type, step, f);
}

static int sys_move_mount(int from_fd, int to_fd)
{
	return (int)syscall(SYS_move_mount, from_fd, "", to_fd, "",
			    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

/* The source found again here, checked to be what the parent opened,
 * and cloned in our mount namespace. */
static int clone_here(const struct mount_entry *m)
{
	struct stat now, then;
	int fd = open(m->source, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &now) < 0 || fstat(m->source_fd, &then) < 0 ||
	    now.st_dev != then.st_dev || now.st_ino != then.st_ino) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	int tree = clone_tree(fd, m->single);
	int error = errno;
	close(fd);
	errno = error;
	return tree;
}

static int mount_volume(int root_fd, const struct container_spec *s,
			const struct mount_entry *m, struct failure *f)
{
	struct stat source;
	if (fstat(m->source_fd, &source) < 0)
		return fail(f, "volume", m->source, errno);
	int target = open_or_make(root_fd, s, m->destination,
				  S_ISDIR(source.st_mode) ? S_IFDIR : S_IFREG,
				  false, "volume", f);
	if (target < 0)
		return -1;
	if (m->tree_fd >= 0) {
		/* Cloned and sealed by the parent: attached, it is what the
		 * fd names. */
		int result = sys_move_mount(m->tree_fd, target);
		close(target);
		if (result < 0)
			return fail(f, "volume", m->destination, errno);
		if (volume_count < MAX_VOLUMES)
			volume_mounts[volume_count++] = mount_id_of(m->tree_fd);
		return 0;
	}
	int tree = clone_here(m);
	int result = 0;
	if (tree < 0 || sys_move_mount(tree, target) < 0)
		result = fail(f, "volume", m->destination, errno);
	if (tree >= 0)
		close(tree);
	close(target);
	if (result < 0)
		return -1;
	/* Opened again, the path is the volume, not what lies below. */
	target = open_in_root(root_fd, m->destination,
			      S_ISDIR(source.st_mode) ? S_IFDIR : S_IFREG,
			      "volume", f);
	if (target < 0)
		return -1;
	if (volume_count < MAX_VOLUMES)
		volume_mounts[volume_count++] = mount_id_of(target);
	result = seal_volume(target, m, f);
	close(target);
	return result;
}

/* data without its options starting with prefix ("gid="): a malloc'd
 * copy, or NULL. */
static char *strip_option(const char *data, const char *prefix)
{
	struct string out = {0};
	char *copy = strdup(data), *saved;
	if (!copy)
		return NULL;
	for (char *o = strtok_r(copy, ",", &saved); o;
	     o = strtok_r(NULL, ",", &saved))
		if (strncmp(o, prefix, strlen(prefix)) != 0 &&
		    ((out.length && append_string(&out, ",") < 0) ||
		     append_string(&out, o) < 0)) {
			free(copy);
			free_string(&out);
			return NULL;
		}
	free(copy);
	if (!out.data)
		return strdup("");
	return out.data;
}

/* Fills the tmpfs just mounted at m's destination with what was under
 * it (under). The tmpfs gets the directory's mode and owner too. */
static int copy_up(int root_fd, const struct container_spec *s,
		   const struct mount_entry *m, int under, struct failure *f)
{
	struct stat st;
	int top =
	    open_or_make(root_fd, s, m->destination, S_IFDIR, true, "mount", f);
	if (top < 0)
		return -1;
	int dir = openat(top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(top);
	int result = 0;
	if (dir < 0 || fstat(under, &st) < 0 ||
	    copy_directory(under, dir, 32) < 0 ||
	    fchown(dir, st.st_uid, st.st_gid) < 0 ||
	    fchmod(dir, st.st_mode & 07777) < 0)
		result = fail(f, "tmpcopyup", m->destination, errno);
	if (dir >= 0)
		close(dir);
	return result;
}

/* Whether the container has a cgroup namespace of its own (made, or
 * joined by path), whose root is the container's cgroup. */
static bool in_cgroup_namespace(const struct container_spec *s)
{
	bool joined = false;
	for (size_t i = 0; i < s->join_count; i++)
		joined |= s->joins[i].type == CLONE_NEWCGROUP;
	return joined || (s->namespaces & CLONE_NEWCGROUP);
}

/* A "cgroup" mount on a v1 or hybrid host, as runc makes it: a tmpfs
 * holding the hierarchies (mount_cgroup_v1_tree), then read-only if
 * asked. In a user namespace (no v1 mount allowed, and the container's
 * cgroup paths unknown there) the tmpfs stays empty. */
static int mount_cgroup_v1(int root_fd, const struct container_spec *s,
			   const struct mount_entry *m, struct failure *f)
{
	int target =
	    open_or_make(root_fd, s, m->destination, S_IFDIR, true, "mount", f);
	if (target < 0)
		return -1;
	bool userns = !in_initial_userns();
	int result =
	    mount_on(target, "mount", m->destination, "cgroup", "tmpfs",
		     (m->flags & ~MS_RDONLY) | MS_NOSUID | MS_NODEV |
			 MS_NOEXEC | (userns ? MS_RDONLY : 0),
		     "mode=755", f);
	close(target);
	if (result < 0 || userns)
		return result;
	target =
	    open_or_make(root_fd, s, m->destination, S_IFDIR, true, "mount", f);
	if (target < 0)
		return -1;
	int tree = openat(target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool read_only = m->flags & MS_RDONLY;
	if (tree < 0)
		result = fail(f, "mount", m->destination, errno);
	else if (mount_cgroup_v1_tree(tree, in_cgroup_namespace(s), read_only,
				      f) < 0)
		result = -1;
	else if (read_only)
		result = remount_read_only(target, "mount", m->destination, f);
	if (tree >= 0)
		close(tree);
	close(target);
	return result;
}

/* A kernel filesystem a bundle names, at any destination: one that
 * lies on the container's /proc or /sys (a cgroup tree at
 * /sys/fs/cgroup) is allowed here, and only here. A "cgroup" mount
 * gets the host's kind: cgroup2 on a unified host; v1 hierarchies on a
 * v1 or hybrid one (mount_cgroup_v1). */
static int mount_filesystem(int root_fd, const struct container_spec *s,
			    const struct mount_entry *m, struct failure *f)
{
	const char *type = m->type, *source = m->source;
	const char *data = m->data;
	unsigned long flags = m->flags;
	struct statfs host;
	if (strcmp(type, "cgroup") == 0 || strcmp(type, "cgroup2") == 0) {
		if (statfs("/sys/fs/cgroup", &host) < 0 ||
		    host.f_type != CGROUP2_SUPER_MAGIC)
			return mount_cgroup_v1(root_fd, s, m, f);
		type = source = "cgroup2";
		data = NULL;
	}
	int target =
	    open_or_make(root_fd, s, m->destination, S_IFDIR, true, "mount", f);
	if (target < 0)
		return -1;
	/* tmpcopyup: what lies under the tmpfs, read before it hides it. */
	int under =
	    m->copy_up ? openat(target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
		       : -1;
	if (m->copy_up && under < 0) {
		close(target);
		return fail(f, "mount", m->destination, errno);
	}
	int result = mount_on(target, "mount", m->destination,
			      source ? source : type, type, flags, data, f);
	if (result == 0 && under >= 0)
		result = copy_up(root_fd, s, m, under, f);
	if (under >= 0)
		close(under);
	/* A devpts's gid=5 (tty) that a user namespace does not map is
	 * refused: mounted without it, as runc does. */
	if (result < 0 && strcmp(type, "devpts") == 0 && data &&
	    (f->error == EINVAL || f->error == EOVERFLOW)) {
		char *without = strip_option(data, "gid=");
		if (without)
			result = mount_on(target, "mount", m->destination,
					  source ? source : type, type, flags,
					  without, f);
		free(without);
	}
	close(target);
	if (result < 0 || !m->propagation)
		return result;
	target =
	    open_or_make(root_fd, s, m->destination, S_IFDIR, true, "mount", f);
	if (target < 0)
		return -1;
	result = mount_on(target, "mount", m->destination, NULL, NULL,
			  m->propagation, NULL, f);
	close(target);
	return result;
}

int mount_entry(int root_fd, const struct container_spec *s,
		const struct mount_entry *m, struct failure *f)
{
	if (m->kind == MOUNT_BIND)
		return mount_volume(root_fd, s, m, f);
	if (m->kind == MOUNT_FILESYSTEM)
		return mount_filesystem(root_fd, s, m, f);
	int target = open_or_make(root_fd, s, m->destination, S_IFDIR, false,
				  "tmpfs", f);
	if (target < 0)
		return -1;
	int result = mount_on(target, "tmpfs", m->destination, "tmpfs", "tmpfs",
			      m->flags, m->data, f);
	close(target);
	return result;
}
