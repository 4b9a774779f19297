/* kernelfs.c - /proc, /dev and /sys inside the container, and the switch
 * to the new root.
 *
 * The image is untrusted: its proc, dev or sys may be a symlink to "/" or
 * "../../..", and a mount on such a path would land on the host. So every
 * target is opened below the new root with openat2 and no symlink allowed,
 * created there (in the overlay, so in WRITEDIR) when missing, and
 * mounted on by fd, through its /proc/self/fd name: the kernel mounts on
 * exactly the file we opened. Until switch_root that name is read in the
 * host's /proc, which the image cannot touch. */
#include "kernelfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mount_api.h"

int open_beneath(int dir_fd, const char *path, int flags)
{
	struct open_how how = {
	    .flags = (unsigned long long)(flags | O_NOFOLLOW | O_CLOEXEC),
	    .resolve =
		RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	return (int)syscall(SYS_openat2, dir_fd, path, &how, sizeof(how));
}

/* The fd's name in the host's /proc, good as a mount(2) source or
 * target until switch_root. */
static const char *fd_path(int fd, char buffer[32])
{
	snprintf(buffer, 32, "/proc/self/fd/%d", fd);
	return buffer;
}

int mount_on(int target_fd, const char *step, const char *target_name,
	     const char *source, const char *type, unsigned long flags,
	     const char *data, struct failure *f)
{
	char target[32];
	if (mount(source, fd_path(target_fd, target), type, flags, data) < 0)
		return fail(f, step, target_name, errno);
	return 0;
}

/* Opens name (one component) in parent_fd as a mount point of the given
 * type (S_IFDIR or S_IFREG), making it if the image lacks it. A symlink,
 * or anything of another type, is refused. Returns an O_PATH fd. */
static int open_mount_point(int parent_fd, const char *name, mode_t type,
			    const char *step, struct failure *f)
{
	int fd = open_beneath(parent_fd, name, O_PATH);
	if (fd < 0 && errno == ENOENT) {
		int made = type == S_IFDIR
			       ? mkdirat(parent_fd, name, 0755)
			       : mknodat(parent_fd, name, S_IFREG | 0666, 0);
		if (made < 0)
			return fail(f, step, name, errno);
		fd = open_beneath(parent_fd, name, O_PATH);
	}
	struct stat st;
	if (fd < 0 && errno == ELOOP)
		errno = ENOTDIR; /* it is a symlink: say what we expected */
	if (fd >= 0 && fstat(fd, &st) < 0)
		st.st_mode = 0;
	if (fd < 0 || (st.st_mode & S_IFMT) != type) {
		int error = fd < 0 ? errno : ENOTDIR;
		if (fd >= 0)
			close(fd);
		fail(f, step, name, error);
		return add_hint(f,
				"the image's /%s must be a %s, not a "
				"symlink or anything else",
				name,
				type == S_IFDIR ? "directory" : "plain file");
	}
	return fd;
}

/* Opens name in parent_fd as a mount point and mounts on it. Returns the
 * fd of the mount point (under the new mount), or -1. */
static int mount_beneath(int parent_fd, const char *name, mode_t type,
			 const char *step, const char *source, const char *fs,
			 unsigned long flags, const char *data,
			 struct failure *f)
{
	int fd = open_mount_point(parent_fd, name, type, step, f);
	if (fd < 0)
		return -1;
	int result = mount_on(fd, step, name, source, fs, flags, data, f);
	close(fd);
	if (result < 0)
		return -1;
	/* Opened again, the name is the new mount's root, not the
	 * directory beneath it. */
	fd = open_beneath(parent_fd, name, O_PATH);
	if (fd < 0)
		return fail(f, step, name, errno);
	return fd;
}

/* A procfs file is only trusted on a procfs: the fd must be on one. */
int check_filesystem(int fd, long magic, const char *step, const char *name,
		     struct failure *f)
{
	struct statfs st;
	if (fstatfs(fd, &st) < 0)
		return fail(f, step, name, errno);
	if (st.f_type != magic)
		return fail(f, step, name, EXDEV);
	return 0;
}

int mount_proc(int root_fd, bool bind_host, struct failure *f)
{
	/* The host's, with its submounts, where a user namespace may not
	 * mount a proc of the PID namespace it shares (rootless podman's
	 * --pid host): still checked to be a proc, and masked after. */
	int fd = bind_host
		     ? mount_beneath(root_fd, "proc", S_IFDIR, "mount /proc",
				     "/proc", NULL, MS_BIND | MS_REC, NULL, f)
		     : mount_beneath(root_fd, "proc", S_IFDIR, "mount /proc",
				     "proc", "proc",
				     MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL, f);
	if (fd < 0)
		return -1;
	int result =
	    check_filesystem(fd, PROC_SUPER_MAGIC, "mount /proc", "proc", f);
	close(fd);
	return result;
}

static const char *const device_nodes[] = {
    "null", "zero", "full", "random", "urandom", "tty",
};

static const struct {
	const char *name, *target;
} dev_links[] = {
    {"ptmx", "pts/ptmx"},	   {"fd", "/proc/self/fd"},
    {"stdin", "/proc/self/fd/0"},  {"stdout", "/proc/self/fd/1"},
    {"stderr", "/proc/self/fd/2"},
};

int make_dev_links(int dev_fd, const char *step, struct failure *f)
{
	for (size_t i = 0; i < sizeof(dev_links) / sizeof(*dev_links); i++)
		if (symlinkat(dev_links[i].target, dev_fd, dev_links[i].name) <
			0 &&
		    errno != EEXIST)
			return fail(f, step, dev_links[i].name, errno);
	return 0;
}

/* The flags a remount of the mount at fd must keep: in a user
 * namespace the kernel refuses to drop those the host set. */
static unsigned long kept_flags(int fd)
{
	struct statvfs st;
	unsigned long flags = 0;
	if (fstatvfs(fd, &st) < 0)
		return MS_NOSUID | MS_NOEXEC;
	if (st.f_flag & ST_NOSUID)
		flags |= MS_NOSUID;
	if (st.f_flag & ST_NODEV)
		flags |= MS_NODEV;
	if (st.f_flag & ST_NOEXEC)
		flags |= MS_NOEXEC;
	return flags;
}

int bind_read_only(int source_dir_fd, const char *source, int target_fd,
		   bool recursive, const char *step, const char *name,
		   struct failure *f)
{
	unsigned int at = recursive ? AT_RECURSIVE : 0;
	int tree = (int)syscall(SYS_open_tree, source_dir_fd, source,
				OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | at |
				    (source[0] ? 0 : AT_EMPTY_PATH));
	if (tree < 0)
		return fail(f, step, name, errno);
	struct mount_attributes read_only = {.attr_set = MOUNT_ATTR_RDONLY};
	int result = 0;
	if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | at, &read_only,
		    sizeof(read_only)) < 0)
		result = errno == ENOSYS ? -2 : fail(f, step, name, errno);
	else if (syscall(SYS_move_mount, tree, "", target_fd, "",
			 MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		result = fail(f, step, name, errno);
	close(tree);
	return result;
}

int bind_read_only_at(int dir_fd, const char *name, const char *source,
		      const char *step, struct failure *f)
{
	int fd = open_beneath(dir_fd, name, O_PATH);
	if (fd < 0)
		return fail(f, step, name, errno);
	int result = bind_read_only(AT_FDCWD, source, fd, false, step, name, f);
	if (result == -2 && (result = mount_on(fd, step, name, source, NULL,
					       MS_BIND, NULL, f)) == 0) {
		/* Opened again, the name is the bind mount, not what lies
		 * below. */
		int bound = open_beneath(dir_fd, name, O_PATH);
		result = bound < 0 ? fail(f, step, name, errno)
				   : remount_read_only(bound, step, name, f);
		if (bound >= 0)
			close(bound);
	}
	close(fd);
	return result;
}

/* Binds a host device (a trusted path) onto a file we make in dev_fd,
 * read-only: the device still reads and writes, but chmod or chown
 * inside would otherwise change the host's node. */
int bind_device(int dev_fd, const char *name, const char *source, mode_t mode,
		struct failure *f)
{
	if (mknodat(dev_fd, name, S_IFREG | mode, 0) < 0)
		return fail(f, "mount /dev", name, errno);
	return bind_read_only_at(dev_fd, name, source, "mount /dev", f);
}

int remount_read_only(int fd, const char *step, const char *name,
		      struct failure *f)
{
	return mount_on(fd, step, name, NULL, NULL,
			MS_REMOUNT | MS_BIND | MS_RDONLY | kept_flags(fd), NULL,
			f);
}

int setup_dev(int root_fd, bool tty_group, struct failure *f)
{
	const char *step = "mount /dev";
	char source[32];
	/* nodev: a node made in /dev with CAP_MKNOD cannot be opened (there
	 * is no device cgroup); the bound nodes are mounts of their own and
	 * keep the host's /dev mount flags. */
	int dev_fd = mount_beneath(
	    root_fd, "dev", S_IFDIR, step, "tmpfs", "tmpfs",
	    MS_NOSUID | MS_NODEV | MS_STRICTATIME, "mode=755,size=65536k", f);
	if (dev_fd < 0)
		return -1;
	int result = -1;
	/* Binding the host's nodes, rather than mknod, works wherever the
	 * host's /dev does, and an empty file is all a bind target needs. */
	for (size_t i = 0; i < sizeof(device_nodes) / sizeof(*device_nodes);
	     i++) {
		snprintf(source, sizeof(source), "/dev/%s", device_nodes[i]);
		if (bind_device(dev_fd, device_nodes[i], source, 0666, f) < 0)
			goto done;
	}
	/* newinstance: the container's ptys are its own, not the host's.
	 * Group 5 (tty) owns them where the namespace has it: with only
	 * our own id mapped it does not, and devpts refuses gid=5, but
	 * only after building and tearing down an instance (0.5 ms), so
	 * we do not ask. Refused all the same (a namespace of another
	 * shape), we mount without it. */
	int fd = -1;
	if (tty_group)
		fd = mount_beneath(dev_fd, "pts", S_IFDIR, step, "devpts",
				   "devpts", MS_NOSUID | MS_NOEXEC,
				   "newinstance,ptmxmode=0666,mode=0620,gid=5",
				   f);
	if (!tty_group || (fd < 0 && f->error == EINVAL))
		fd = mount_beneath(dev_fd, "pts", S_IFDIR, step, "devpts",
				   "devpts", MS_NOSUID | MS_NOEXEC,
				   "newinstance,ptmxmode=0666,mode=0620", f);
	if (fd < 0)
		goto done;
	close(fd);
	fd = mount_beneath(dev_fd, "shm", S_IFDIR, step, "shm", "tmpfs",
			   MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777", f);
	if (fd < 0)
		goto done;
	close(fd);
	fd = mount_beneath(dev_fd, "mqueue", S_IFDIR, step, "mqueue", "mqueue",
			   MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, f);
	if (fd < 0)
		goto done;
	close(fd);
	result = make_dev_links(dev_fd, step, f);
done:
	close(dev_fd);
	return result;
}

int make_tree_read_only(int fd, bool lock_down, const char *step,
			const char *name, struct failure *f)
{
	unsigned long long extra =
	    MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	struct mount_attributes attributes = {
	    .attr_set = MOUNT_ATTR_RDONLY | (lock_down ? extra : 0)};
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE,
		    &attributes, sizeof(attributes)) == 0)
		return 0;
	if (errno != ENOSYS)
		return fail(f, step, name, errno);
	/* Before 5.12: the top mount only; submounts keep their flags. */
	if (!lock_down)
		return remount_read_only(fd, step, name, f);
	return mount_on(fd, step, name, NULL, NULL,
			MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID |
			    MS_NODEV | MS_NOEXEC,
			NULL, f);
}

#ifndef MOUNT_ATTR_NOATIME
#define MOUNT_ATTR__ATIME      0x00000070
#define MOUNT_ATTR_RELATIME    0x00000000
#define MOUNT_ATTR_NOATIME     0x00000010
#define MOUNT_ATTR_STRICTATIME 0x00000020
#define MOUNT_ATTR_NODIRATIME  0x00000080
#endif

int set_mount_flags(int fd, unsigned long flags, bool recursive,
		    const char *step, const char *name, struct failure *f)
{
	struct mount_attributes a = {0};
	static const struct {
		unsigned long flag;
		unsigned long long attribute;
	} map[] = {
	    {MS_RDONLY, MOUNT_ATTR_RDONLY},
	    {MS_NOSUID, MOUNT_ATTR_NOSUID},
	    {MS_NODEV, MOUNT_ATTR_NODEV},
	    {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
	    {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(*map); i++)
		if (flags & map[i].flag)
			a.attr_set |= map[i].attribute;
	/* The atime mode is one field: cleared whole, then set. */
	if (flags & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME)) {
		a.attr_clr |= MOUNT_ATTR__ATIME;
		a.attr_set |= flags & MS_NOATIME       ? MOUNT_ATTR_NOATIME
			      : flags & MS_STRICTATIME ? MOUNT_ATTR_STRICTATIME
						       : MOUNT_ATTR_RELATIME;
	}
	if (syscall(SYS_mount_setattr, fd, "",
		    AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a,
		    sizeof(a)) == 0)
		return 0;
	if (errno != ENOSYS)
		return fail(f, step, name, errno);
	/* Before 5.12: the top mount only. */
	return mount_on(fd, step, name, NULL, NULL,
			MS_REMOUNT | MS_BIND |
			    (flags & (MS_RDONLY | MS_NOSUID | MS_NODEV |
				      MS_NOEXEC | MS_NOATIME | MS_NODIRATIME |
				      MS_STRICTATIME | MS_RELATIME)),
			NULL, f);
}

int mount_sys(int root_fd, bool writable, bool bind_host, struct failure *f)
{
	const char *step = "mount /sys";
	unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	if (!writable)
		flags |= MS_RDONLY;
	if (!bind_host) {
		int fd = mount_beneath(root_fd, "sys", S_IFDIR, step, "sysfs",
				       "sysfs", flags, NULL, f);
		if (fd < 0)
			return -1;
		close(fd);
		return 0;
	}
	/* A user namespace may mount sysfs only with a network namespace
	 * of its own: bind the host's instead, its submounts with it (a
	 * user namespace may not uncover what they hide). */
	int fd = mount_beneath(root_fd, "sys", S_IFDIR, step, "/sys", NULL,
			       MS_BIND | MS_REC, NULL, f);
	if (fd < 0)
		return -1;
	int result =
	    writable ? 0 : make_tree_read_only(fd, true, step, "sys", f);
	close(fd);
	return result;
}

/* The mount id of what path leads to, or 0 where statx cannot tell
 * (before 5.8). */
static unsigned long long mount_id(int dir_fd, const char *path, int flags)
{
	struct statx st;
	if (statx(dir_fd, path, flags, STATX_MNT_ID, &st) < 0 ||
	    !(st.stx_mask & STATX_MNT_ID))
		return 0;
	return st.stx_mnt_id;
}

int switch_root(int root_fd, struct failure *f)
{
	/* pivot_root(".", ".") stacks the old root on top of the new one;
	 * detaching it leaves the overlay as "/" with nothing above, so no
	 * "cd /../.." and no mount of the host's survives (chroot would).
	 * "/.." is the topmost mount on the root: detach until that is the
	 * new root itself, as whatever was stacked with the old root (the
	 * tmpfs of --rm under --legacy-mount) comes up with it. */
	if (fchdir(root_fd) < 0)
		return fail(f, "pivot_root", "enter the new root", errno);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return fail(f, "pivot_root", ".", errno);
	unsigned long long root = mount_id(root_fd, "", AT_EMPTY_PATH);
	for (int i = 0; i < 8; i++) {
		if (umount2("/..", MNT_DETACH) < 0)
			return fail(f, "pivot_root", "detach the old root",
				    errno);
		unsigned long long top = mount_id(AT_FDCWD, "/..", 0);
		if (!root || !top || top == root)
			break;
	}
	if (mount_id(AT_FDCWD, "/..", 0) != root)
		return fail(f, "pivot_root", "detach the old root", EBUSY);
	if (chdir("/") < 0)
		return fail(f, "pivot_root", "/", errno);
	return 0;
}
