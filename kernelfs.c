/* kernelfs.c - /proc, /dev and /sys inside the container, and the switch
 * to the new root. */
#include "kernelfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Makes the mount point dir in the overlay if the image lacks it (so in
 * WRITEDIR, never in a layer). An image whose dir is a symlink or a file
 * is refused: mounting there would follow it out of the new root. */
static int ensure_mount_point(const char *step, const char *dir,
			      struct failure *f)
{
	struct stat st;
	if (fstatat(AT_FDCWD, dir, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISDIR(st.st_mode))
			return 0;
		fail(f, step, dir, ENOTDIR);
		return add_hint(f,
				"the image's /%s must be a directory, "
				"not a symlink or file",
				dir);
	}
	if (errno != ENOENT || mkdir(dir, 0755) < 0)
		return fail(f, step, dir, errno);
	return 0;
}

static int mount_at(const char *step, const char *source, const char *target,
		    const char *type, unsigned long flags, const char *data,
		    struct failure *f)
{
	if (mount(source, target, type, flags, data) < 0)
		return fail(f, step, target, errno);
	return 0;
}

int mount_proc(struct failure *f)
{
	if (ensure_mount_point("mount /proc", "proc", f) < 0)
		return -1;
	return mount_at("mount /proc", "proc", "proc", "proc",
			MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL, f);
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

int setup_dev(struct failure *f)
{
	const char *step = "mount /dev";
	char target[32], source[32];
	if (ensure_mount_point(step, "dev", f) < 0 ||
	    mount_at(step, "tmpfs", "dev", "tmpfs", MS_NOSUID | MS_STRICTATIME,
		     "mode=755,size=65536k", f) < 0)
		return -1;
	/* Binding the host's nodes, rather than mknod, works wherever the
	 * host's /dev does, and an empty file is all a bind target needs. */
	for (size_t i = 0; i < sizeof(device_nodes) / sizeof(*device_nodes);
	     i++) {
		snprintf(target, sizeof(target), "dev/%s", device_nodes[i]);
		snprintf(source, sizeof(source), "/dev/%s", device_nodes[i]);
		if (mknod(target, S_IFREG | 0666, 0) < 0)
			return fail(f, step, target, errno);
		if (mount_at(step, source, target, NULL, MS_BIND, NULL, f) < 0)
			return -1;
	}
	if (mkdir("dev/pts", 0755) < 0 || mkdir("dev/shm", 01777) < 0)
		return fail(f, step, "dev/pts, dev/shm", errno);
	/* newinstance: the container's ptys are its own, not the host's. */
	if (mount_at(step, "devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		     "newinstance,ptmxmode=0666,mode=0620,gid=5", f) < 0 ||
	    mount_at(step, "shm", "dev/shm", "tmpfs",
		     MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777", f) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(dev_links) / sizeof(*dev_links); i++) {
		snprintf(target, sizeof(target), "dev/%s", dev_links[i].name);
		if (symlink(dev_links[i].target, target) < 0)
			return fail(f, step, target, errno);
	}
	/* Our terminal is a pty of the host's devpts, which the container
	 * cannot see: bound at /dev/console (as runc and docker do), it has a
	 * name inside, so tty(1) and ttyname(3) work. */
	char terminal[64];
	if (ttyname_r(0, terminal, sizeof(terminal)) == 0) {
		if (mknod("dev/console", S_IFREG | 0600, 0) < 0)
			return fail(f, step, "dev/console", errno);
		/* By path: an fd's mount is the host namespace's, not ours. */
		if (mount_at(step, terminal, "dev/console", NULL, MS_BIND, NULL,
			     f) < 0)
			return -1;
	}
	return 0;
}

int mount_sys(struct failure *f)
{
	if (ensure_mount_point("mount /sys", "sys", f) < 0)
		return -1;
	return mount_at("mount /sys", "sysfs", "sys", "sysfs",
			MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, f);
}

int switch_root(struct failure *f)
{
	/* pivot_root(".", ".") stacks the old root on top of the new one;
	 * detaching it leaves the overlay as "/" with nothing above, so no
	 * "cd /../.." and no mount of the host's survives (chroot would). */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return fail(f, "pivot_root", ".", errno);
	if (umount2(".", MNT_DETACH) < 0)
		return fail(f, "pivot_root", "detach the old root", errno);
	if (chdir("/") < 0)
		return fail(f, "pivot_root", "/", errno);
	return 0;
}
