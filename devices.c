/* devices.c - the device nodes of a container whose /dev a description
 * lists as mounts: the defaults, /dev's links, and the devices it
 * adds, each made below the new root by fd (no path of the image is
 * followed out of it). */
#include "devices.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "kernelfs.h"
#include "mounts.h"

static const struct device_node default_devices[] = {
    {"/dev/null", S_IFCHR, 1, 3, 0666, 0, 0},
    {"/dev/zero", S_IFCHR, 1, 5, 0666, 0, 0},
    {"/dev/full", S_IFCHR, 1, 7, 0666, 0, 0},
    {"/dev/random", S_IFCHR, 1, 8, 0666, 0, 0},
    {"/dev/urandom", S_IFCHR, 1, 9, 0666, 0, 0},
    {"/dev/tty", S_IFCHR, 5, 0, 0666, 0, 0},
};

/* Splits path into its directory (opened below root_fd, made if
 * missing) and its last name. Returns the directory's fd, or -1. */
static int open_parent(int root_fd, const char *path, char *name, size_t size,
		       struct failure *f)
{
	char directory[4096];
	const char *slash = strrchr(path, '/');
	if (!slash || strlen(path) >= sizeof(directory) ||
	    strlen(slash + 1) >= size || !slash[1])
		return fail(f, "device", path, EINVAL);
	memcpy(directory, path, (size_t)(slash - path));
	directory[slash - path] = '\0';
	strcpy(name, slash + 1);
	return open_in_root(root_fd, directory[0] ? directory : "/", S_IFDIR,
			    "device", f);
}

/* A node of its own mount, without nodev: the container may use it,
 * while the mount it lies on is nodev (the container's only devices are
 * the ones given). Bound onto itself, then remounted. */
static int allow_device(int dir_fd, const char *name, const char *path,
			struct failure *f)
{
	char self[32];
	int fd = open_beneath(dir_fd, name, O_PATH);
	if (fd < 0)
		return fail(f, "device", path, errno);
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	int result = mount_on(fd, "device", path, self, NULL, MS_BIND, NULL, f);
	close(fd);
	if (result < 0)
		return -1;
	fd = open_beneath(dir_fd, name, O_PATH);
	if (fd < 0)
		return fail(f, "device", path, errno);
	result =
	    mount_on(fd, "device", path, NULL, NULL,
		     MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NOEXEC, NULL, f);
	close(fd);
	return result;
}

static int make_device(int root_fd, const struct device_node *d, bool userns,
		       bool only_given, struct failure *f)
{
	char name[256];
	int dir_fd = open_parent(root_fd, d->path, name, sizeof(name), f);
	if (dir_fd < 0)
		return -1;
	struct stat st;
	int result = 0;
	if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		goto done; /* a mount, or the image's own: left as it is */
	if (userns && d->type != S_IFIFO) {
		result = bind_device(dir_fd, name, d->path, d->mode, f);
		goto done;
	}
	if (mknodat(dir_fd, name, d->type | d->mode,
		    makedev(d->major, d->minor)) < 0 ||
	    fchmodat(dir_fd, name, d->mode, 0) < 0 ||
	    fchownat(dir_fd, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
		result = fail(f, "device", d->path, errno);
	else if (only_given && d->type != S_IFIFO)
		result = allow_device(dir_fd, name, d->path, f);
done:
	close(dir_fd);
	return result;
}

int make_devices(int root_fd, const struct container_spec *s, bool userns,
		 struct failure *f)
{
	for (size_t i = 0;
	     i < sizeof(default_devices) / sizeof(*default_devices); i++)
		if (make_device(root_fd, &default_devices[i], userns,
				s->only_given_devices, f) < 0)
			return -1;
	int dev_fd = open_in_root(root_fd, "/dev", S_IFDIR, "device", f);
	if (dev_fd < 0)
		return -1;
	int linked = make_dev_links(dev_fd, "device", f);
	close(dev_fd);
	if (linked < 0)
		return -1;
	for (size_t i = 0; i < s->device_count; i++)
		if (make_device(root_fd, &s->devices[i], userns,
				s->only_given_devices, f) < 0)
			return -1;
	return 0;
}
