/* masks.c - the parts of /proc and /sys the container may not read or
 * write: Docker's masked and read-only paths. */
#include "masks.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernelfs.h"

/* Read as empty: kernel memory, keys, interrupt and timer internals
 * (side channels), and firmware and power interfaces of the host. */
static const char *const masked_paths[] = {
    "proc/acpi",
    "proc/asound",
    "proc/interrupts",
    "proc/kcore",
    "proc/keys",
    "proc/latency_stats",
    "proc/sched_debug",
    "proc/scsi",
    "proc/timer_list",
    "proc/timer_stats",
    "sys/devices/virtual/powercap",
    "sys/firmware",
};

/* Readable, but writing them would change the host's kernel. */
static const char *const read_only_paths[] = {
    "proc/bus", "proc/fs", "proc/irq", "proc/sys", "proc/sysrq-trigger",
};

#define PROC_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC)

/* Opens path below root_fd, checking it lies on the container's own
 * procfs or sysfs (an image cannot redirect it, but a mount could).
 * Returns the fd, -2 when this kernel lacks the path, or -1. */
static int open_kernel_file(int root_fd, const char *path, struct failure *f)
{
	int fd = open_beneath(root_fd, path, O_PATH);
	if (fd < 0)
		return errno == ENOENT ? -2 : fail(f, "mask", path, errno);
	long magic =
	    strncmp(path, "proc/", 5) == 0 ? PROC_SUPER_MAGIC : SYSFS_MAGIC;
	if (check_filesystem(fd, magic, "mask", path, f) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int mask_path(int root_fd, int null_fd, const char *path,
		     struct failure *f)
{
	int fd = open_kernel_file(root_fd, path, f);
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
	int fd = open_kernel_file(root_fd, path, f);
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
	fd = open_kernel_file(root_fd, path, f);
	if (fd < 0)
		return fail(f, "mask", path, ENOENT);
	result =
	    mount_on(fd, "mask", path, NULL, NULL,
		     MS_REMOUNT | MS_BIND | MS_RDONLY | PROC_FLAGS, NULL, f);
	close(fd);
	return result;
}

int mask_paths(int root_fd, struct failure *f)
{
	int null_fd = open_beneath(root_fd, "dev/null", O_PATH);
	if (null_fd < 0)
		return fail(f, "mask", "dev/null", errno);
	int result = 0;
	for (size_t i = 0;
	     result == 0 && i < sizeof(masked_paths) / sizeof(*masked_paths);
	     i++)
		result = mask_path(root_fd, null_fd, masked_paths[i], f);
	for (size_t i = 0; result == 0 && i < sizeof(read_only_paths) /
						  sizeof(*read_only_paths);
	     i++)
		result = make_read_only(root_fd, read_only_paths[i], f);
	close(null_fd);
	return result;
}
