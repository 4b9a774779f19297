/* overlay_legacy.c - the overlay through mount(2), for kernels before
 * 6.8 (no "lowerdir+") and --legacy-mount. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "overlay.h"

/* The root's ".." is the only path that crosses into a mount stacked on
 * the root: it leads to that mount's root, by no name anyone else can
 * change. Returns an fd of it, checked to be of type magic, or -1. */
static int open_stacked_root(long magic, struct failure *f)
{
	int root = open("/..", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct statfs fs;
	if (root < 0 || fstatfs(root, &fs) < 0 || fs.f_type != magic) {
		int error = root < 0 ? errno : EXDEV;
		if (root >= 0)
			close(root);
		return fail(f, "mount overlay", "enter the new root", error);
	}
	return root;
}

/* --rm and --read-only: a tmpfs stacked on our root takes the changes;
 * names its upper and work directories as the overlay options will. */
static int name_tmpfs_upper(const struct layer_stack *s, char **names,
			    struct failure *f)
{
	struct stat top;
	if (fstat(s->layers[s->count - 1].fd, &top) < 0)
		return fail(f, "mount overlay", "top layer", errno);
	if (mount("tmpfs", "/", "tmpfs", MS_NODEV | MS_NOSUID, "mode=0700") < 0)
		return fail(f, "mount overlay", "tmpfs", errno);
	int tmpfs = open_stacked_root(TMPFS_MAGIC, f);
	if (tmpfs < 0 || prepare_tmpfs_upper(tmpfs, top.st_mode & 07777, f) < 0)
		return -1; /* tmpfs stays open: the names below refer to it */
	if (asprintf(&names[s->count], "%d/upper", tmpfs) < 0 ||
	    asprintf(&names[s->count + 1], "%d/work", tmpfs) < 0)
		return fail(f, "mount overlay", "prepare", ENOMEM);
	return 0;
}

int mount_overlay_legacy(const struct layer_stack *s, const struct writedir *w,
			 bool userns, struct failure *f)
{
	/* Each directory opened again in this namespace, and named by fd
	 * relative to /proc/self/fd: 500 layers then fit in the page
	 * mount(2) accepts, whatever their paths. */
	int *fds = reopen_directories(s, w, f);
	int count = s->count + (w ? 2 : 0);
	char **names = calloc((size_t)s->count + 2, sizeof(*names));
	struct string data = {0};
	int result = -1;
	if (!fds)
		goto out;
	if (!names) {
		fail(f, "mount overlay", "prepare", errno);
		goto out;
	}
	for (int i = 0; i < count; i++)
		if (asprintf(&names[i], "%d", fds[i]) < 0) {
			names[i] = NULL;
			fail(f, "mount overlay", "prepare", ENOMEM);
			goto out;
		}
	if (!w && name_tmpfs_upper(s, names, f) < 0)
		goto out;
	if (chdir("/proc/self/fd") < 0) {
		fail(f, "mount overlay", "/proc/self/fd", errno);
		goto out;
	}
	if (append_string(&data, "lowerdir=") < 0 ||
	    build_lowerdir(&data, names, s->count) < 0 ||
	    append_string(&data, ",upperdir=") < 0 ||
	    escape_directory(&data, names[s->count]) < 0 ||
	    append_string(&data, ",workdir=") < 0 ||
	    escape_directory(&data, names[s->count + 1]) < 0 ||
	    ((w ? w->userxattr : userns || s->marks == MARKS_USER) &&
	     append_string(&data, ",userxattr") < 0)) {
		fail(f, "mount overlay", "build options", errno);
		goto out;
	}
	if (data.length >= MOUNT_DATA_MAX) {
		fail(f, "mount overlay", "", 0);
		snprintf(f->detail, sizeof(f->detail),
			 "options are %zu bytes; mount(2) takes at most %d",
			 data.length, MOUNT_DATA_MAX - 1);
		add_hint(f, "use fewer layers, or a kernel with the new "
			    "mount API (6.8+) without --legacy-mount");
		goto out;
	}
	/* nodev, as in overlay.c. Stacked on our own root, as the new API
	 * path attaches it: mounting on WRITEDIR and then entering it by
	 * path would let a user who can rename WRITEDIR's entry send us
	 * into a host directory instead. */
	if (mount("overlay", "/", "overlay", MS_NODEV, data.data) < 0) {
		fail(f, "mount overlay", w->path, errno);
		hint_overlay_error(f);
		goto out;
	}
	int root = open_stacked_root(OVERLAYFS_SUPER_MAGIC, f);
	if (root >= 0) {
		result = fchdir(root) < 0 ? fail(f, "mount overlay",
						 "enter the new root", errno)
					  : check_writable(root, f);
		close(root);
	}
out:
	for (int i = 0; names && i < s->count + 2; i++)
		free(names[i]);
	free(names);
	close_directories(fds, count);
	free_string(&data);
	return result;
}
