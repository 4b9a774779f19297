/* overlay.c - the overlay filesystem: LAYERs under WRITEDIR. */
#include "overlay.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Wrappers of our own: glibc has them only from 2.36, and its
 * <sys/mount.h> clashes with <linux/mount.h> before that. This file
 * therefore uses the new API only; overlay_legacy.c has mount(2). */
static int sys_fsopen(const char *fs_name, unsigned int flags)
{
	return (int)syscall(SYS_fsopen, fs_name, flags);
}

static int sys_fsconfig(int fs_fd, unsigned int cmd, const char *key,
			const char *value, int aux)
{
	return (int)syscall(SYS_fsconfig, fs_fd, cmd, key, value, aux);
}

static int sys_fsmount(int fs_fd, unsigned int flags, unsigned int attributes)
{
	return (int)syscall(SYS_fsmount, fs_fd, flags, attributes);
}

static int sys_move_mount(int from_fd, const char *from, int to_fd,
			  const char *to, unsigned int flags)
{
	return (int)syscall(SYS_move_mount, from_fd, from, to_fd, to, flags);
}

int build_lowerdir(struct string *out, char **names, int count)
{
	for (int i = count - 1; i >= 0; i--) {
		if (escape_directory(out, names[i]) < 0)
			return -1;
		if (i > 0 && append_string(out, ":") < 0)
			return -1;
	}
	return 0;
}

/* The kernel explains a failed fsconfig in the context's message log
 * ("e overlayfs: ..."); keep the last error for the hint. */
static void read_kernel_messages(int fs_fd, struct failure *f)
{
	char message[512];
	ssize_t n;
	while ((n = read(fs_fd, message, sizeof(message) - 1)) > 0) {
		message[n] = '\0';
		message[strcspn(message, "\n")] = '\0';
		if (n > 2 && (message[0] == 'e' || !f->hint[0]))
			add_hint(f, "kernel: %s", message + 2);
	}
}

/* Hints for what overlayfs's errors mean in practice. */
void hint_overlay_error(struct failure *f)
{
	if (f->hint[0])
		return;
	if (f->error == ELOOP)
		add_hint(f, "layers overlap: one lies inside another, or "
			    "inside WRITEDIR or the workdir");
	else if (f->error == EPERM)
		add_hint(f, "mounting needs root; run with sudo");
	else if (f->error == EINVAL)
		add_hint(f, "overlayfs refused the layers; 'dmesg' names "
			    "the reason");
}

/* A directory is named to the kernel by its fd: "/proc/self/fd/N" is
 * short (fsconfig takes 256 bytes a value), works for any path up to
 * PATH_MAX, and is the very directory we checked, even if its path has
 * changed since. */
static void name_of_fd(char name[32], int fd)
{
	snprintf(name, 32, "/proc/self/fd/%d", fd);
}

/* upperdir and workdir values are unescaped by the kernel even through
 * fsconfig, unlike "lowerdir+": escape them as in the option string. */
static int set_escaped(int fs_fd, const char *key, int fd)
{
	char name[32];
	struct string value = {0};
	name_of_fd(name, fd);
	int result = escape_directory(&value, name);
	if (result == 0)
		result = sys_fsconfig(fs_fd, FSCONFIG_SET_STRING, key,
				      value.data, 0);
	free_string(&value);
	return result;
}

/* overlayfs mounts read-only, with only a log line, when it cannot use
 * the workdir: a container that cannot write is a failure. */
int check_writable(int fd, struct failure *f)
{
	struct statfs fs;
	if (fstatfs(fd, &fs) < 0)
		return fail(f, "mount overlay", "statfs", errno);
	if (fs.f_flags & ST_RDONLY) {
		fail(f, "mount overlay", "the overlay came up read-only", 0);
		return add_hint(f, "overlayfs could not use the workdir; "
				   "the filesystem of WRITEDIR may lack "
				   "xattr, d_type or tmpfile support");
	}
	return 0;
}

int create_overlay(const struct layer_stack *s, const struct writedir *w,
		   struct failure *f)
{
	char name[32];
	int fs_fd = sys_fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs_fd < 0) {
		if (errno == ENOSYS)
			return -2;
		fail(f, "mount overlay", "fsopen", errno);
		hint_overlay_error(f);
		return -1;
	}
	/* "overlay" is what mount tables show as the source. */
	if (sys_fsconfig(fs_fd, FSCONFIG_SET_STRING, "source", "overlay", 0) <
	    0) {
		fail(f, "mount overlay", "source", errno);
		goto failed_with_log;
	}
	/* overlayfs takes the top layer first. */
	for (int i = s->count - 1; i >= 0; i--) {
		name_of_fd(name, s->layers[i].fd);
		if (sys_fsconfig(fs_fd, FSCONFIG_SET_STRING, "lowerdir+", name,
				 0) < 0) {
			fail(f, "mount overlay", s->layers[i].path, errno);
			read_kernel_messages(fs_fd, f);
			if (i == s->count - 1 && errno == EINVAL &&
			    strstr(f->hint, "nknown parameter")) {
				close(fs_fd);
				return -2; /* before 6.8: no "lowerdir+" */
			}
			goto failed;
		}
	}
	if (set_escaped(fs_fd, "upperdir", w->fd) < 0) {
		fail(f, "mount overlay", w->path, errno);
		goto failed_with_log;
	}
	if (set_escaped(fs_fd, "workdir", w->work_fd) < 0) {
		fail(f, "mount overlay", "workdir", errno);
		goto failed_with_log;
	}
	if (sys_fsconfig(fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		fail(f, "mount overlay", w->path, errno);
		goto failed_with_log;
	}
	/* nodev: no device cgroup guards the container, so a node made
	 * with CAP_MKNOD, or shipped in a layer, must not open. */
	int mount_fd = sys_fsmount(fs_fd, FSMOUNT_CLOEXEC, MOUNT_ATTR_NODEV);
	if (mount_fd < 0) {
		fail(f, "mount overlay", w->path, errno);
		goto failed_with_log;
	}
	if (check_writable(mount_fd, f) < 0) {
		read_kernel_messages(fs_fd, f);
		close(mount_fd);
		goto failed;
	}
	close(fs_fd);
	return mount_fd;

failed_with_log:
	read_kernel_messages(fs_fd, f);
failed:
	hint_overlay_error(f);
	close(fs_fd);
	return -1;
}

int attach_overlay(int mount_fd, struct failure *f)
{
	/* Stacked on our own root, the overlay needs no mount point on the
	 * host; lookups from the old root still reach the host's /dev below
	 * it until switch_root. */
	if (sys_move_mount(mount_fd, "", AT_FDCWD, "/",
			   MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return fail(f, "mount overlay", "attach to the new root",
			    errno);
	if (fchdir(mount_fd) < 0)
		return fail(f, "mount overlay", "enter the new root", errno);
	return 0;
}
