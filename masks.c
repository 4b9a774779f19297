/* masks.c - the paths the container may not read or write: Docker's
 * masked and read-only parts of /proc and /sys by default (spec.c), or
 * a bundle's lists. */
#include "masks.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernelfs.h"

#define PROC_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC)

/* Whether path (absolute) lies in directory (absolute, no '/' at the
 * end). */
static bool below(const char *path, const char *directory)
{
	size_t length = strlen(directory);
	return strncmp(path, directory, length) == 0 &&
	       (path[length] == '/' || path[length] == '\0');
}

/* Opens path below root_fd. Under /proc and /sys no symlink is
 * followed and the file must lie on the container's own procfs or
 * sysfs (an image cannot redirect it, but a mount could); elsewhere
 * (a bundle's own paths) symlinks are resolved as the kernel would
 * inside the container. Returns the fd, -2 when the path does not
 * exist (a kernel without it: nothing to hide), or -1. */
static int open_masked(int root_fd, const char *path, struct failure *f)
{
	bool proc = below(path, "/proc"), sys = below(path, "/sys");
	int fd;
	if (proc || sys) {
		fd = open_beneath(root_fd, path + 1, O_PATH);
	} else {
		struct open_how how = {
		    .flags = O_PATH | O_CLOEXEC | O_NOFOLLOW,
		    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
		};
		do
			fd = (int)syscall(SYS_openat2, root_fd, path, &how,
					  sizeof(how));
		while (fd < 0 && errno == EAGAIN);
	}
	if (fd < 0)
		return errno == ENOENT ? -2 : fail(f, "mask", path, errno);
	if ((proc || sys) &&
	    check_filesystem(fd, proc ? PROC_SUPER_MAGIC : SYSFS_MAGIC, "mask",
			     path, f) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int mask_path(int root_fd, int null_fd, const char *path,
		     struct failure *f)
{
	int fd = open_masked(root_fd, path, f);
	if (fd < 0)
		return fd == -2 ? 0 : -1;
	struct stat st;
	int result;
	char null_path[32];
	snprintf(null_path, sizeof(null_path), "/proc/self/fd/%d", null_fd);
	if (fstat(fd, &st) < 0)
		result = fail(f, "mask", path, errno);
	else if (S_ISDIR(st.st_mode))
		result = mount_on(fd, "mask", path, "tmpfs", "tmpfs",
				  MS_RDONLY | PROC_FLAGS, "mode=555", f);
	else
		result = mount_on(fd, "mask", path, null_path, NULL, MS_BIND,
				  NULL, f);
	close(fd);
	return result;
}

/* A read-only bind mount of path onto itself (with nosuid, nodev and
 * noexec from the container's procfs). Before Linux 5.12 a bind, then a
 * remount, which must name the new mount: the path is opened again in
 * between. */
static int make_read_only(int root_fd, const char *path, struct failure *f)
{
	char self[32];
	int fd = open_masked(root_fd, path, f);
	if (fd < 0)
		return fd == -2 ? 0 : -1;
	int result = bind_read_only(fd, "", fd, true, "mask", path, f);
	if (result != -2) {
		close(fd);
		return result;
	}
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	result =
	    mount_on(fd, "mask", path, self, NULL, MS_BIND | MS_REC, NULL, f);
	close(fd);
	if (result < 0)
		return -1;
	fd = open_masked(root_fd, path, f);
	if (fd < 0)
		return fail(f, "mask", path, ENOENT);
	/* The kernel's files are no programs; a bundle's own may be. */
	if (below(path, "/proc") || below(path, "/sys"))
		result = mount_on(fd, "mask", path, NULL, NULL,
				  MS_REMOUNT | MS_BIND | MS_RDONLY | PROC_FLAGS,
				  NULL, f);
	else
		result = remount_read_only(fd, "mask", path, f);
	close(fd);
	return result;
}

int mask_paths(int root_fd, const struct container_spec *s, struct failure *f)
{
	int null_fd = open_beneath(root_fd, "dev/null", O_PATH);
	if (null_fd < 0)
		return fail(f, "mask", "dev/null", errno);
	int result = 0;
	for (size_t i = 0; result == 0 && i < s->masked_count; i++)
		result = mask_path(root_fd, null_fd, s->masked_paths[i], f);
	for (size_t i = 0; result == 0 && i < s->readonly_count; i++)
		result = make_read_only(root_fd, s->readonly_paths[i], f);
	close(null_fd);
	return result;
}
