/* overlay_legacy.c - the overlay through mount(2), for kernels before
 * 6.8 (no "lowerdir+") and --legacy-mount. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "overlay.h"

int mount_overlay_legacy(const struct layer_stack *s, const struct writedir *w,
			 struct failure *f)
{
	/* Each directory opened again in this namespace, and named by fd
	 * relative to /proc/self/fd: 500 layers then fit in the page
	 * mount(2) accepts, whatever their paths. */
	int *fds = reopen_directories(s, w, f);
	char **names = calloc((size_t)s->count + 2, sizeof(*names));
	struct string data = {0};
	int result = -1;
	if (!fds)
		goto out;
	if (!names) {
		fail(f, "mount overlay", "prepare", errno);
		goto out;
	}
	for (int i = 0; i < s->count + 2; i++)
		if (asprintf(&names[i], "%d", fds[i]) < 0) {
			names[i] = NULL;
			fail(f, "mount overlay", "prepare", ENOMEM);
			goto out;
		}
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
	    (w->userxattr && append_string(&data, ",userxattr") < 0)) {
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
	/* The root's ".." is the only path that crosses into a mount
	 * stacked on the root: it leads to the overlay's root, by no name
	 * anyone else can change. */
	int root = open("/..", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct statfs fs;
	if (root < 0 || fstatfs(root, &fs) < 0) {
		fail(f, "mount overlay", "enter the new root", errno);
	} else if (fs.f_type != OVERLAYFS_SUPER_MAGIC) {
		fail(f, "mount overlay", "enter the new root", EXDEV);
	} else if (fchdir(root) < 0) {
		fail(f, "mount overlay", "enter the new root", errno);
	} else {
		result = check_writable(root, f);
	}
	if (root >= 0)
		close(root);
out:
	for (int i = 0; names && i < s->count + 2; i++)
		free(names[i]);
	free(names);
	close_directories(fds, s->count + 2);
	free_string(&data);
	return result;
}
