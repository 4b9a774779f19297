/* overlay_legacy.c - the overlay through mount(2), for kernels before
 * 6.8 (no "lowerdir+") and --legacy-mount. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "overlay.h"

/* Opens path in our own mount namespace and returns its fd as a string,
 * or NULL. */
static char *reopen(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);
	char *name = NULL;
	if (fd >= 0 && asprintf(&name, "%d", fd) < 0)
		name = NULL;
	return name;
}

/* Opens the workdir again here: --workdir by its path; the managed one
 * through WRITEDIR's parent, as its own path can pass PATH_MAX when
 * WRITEDIR's is just below it. Returns its fd as a string, or NULL. */
static char *reopen_workdir(const struct writedir *w)
{
	if (w->work_option)
		return reopen(w->work_path, O_PATH | O_DIRECTORY);
	const char *slash = strrchr(w->path, '/');
	char *parent =
	    strndup(w->path, slash == w->path ? 1 : (size_t)(slash - w->path));
	int parent_fd =
	    parent ? open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
	int fd = parent_fd < 0
		     ? -1
		     : openat(parent_fd, w->work_name,
			      O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	char *name = NULL;
	if (fd >= 0 && asprintf(&name, "%d", fd) < 0)
		name = NULL;
	free(parent);
	return name;
}

int mount_overlay_legacy(const struct layer_stack *s, const struct writedir *w,
			 struct failure *f)
{
	/* overlayfs refuses directories opened in another mount namespace
	 * ("failed to clone upperpath"), so open each again here, and name
	 * it by fd relative to /proc/self/fd: 500 layers then fit in the
	 * page mount(2) accepts, whatever their paths. */
	char **names = calloc((size_t)s->count + 2, sizeof(*names));
	struct string data = {0};
	int result = -1;
	if (!names) {
		fail(f, "mount overlay", "prepare", errno);
		goto out;
	}
	for (int i = 0; i <= s->count; i++) {
		const char *path = i < s->count ? s->layers[i].path : w->path;
		names[i] = reopen(path, O_PATH | O_DIRECTORY);
		if (!names[i]) {
			fail(f, "mount overlay", path, errno);
			goto out;
		}
	}
	names[s->count + 1] = reopen_workdir(w);
	if (!names[s->count + 1]) {
		fail(f, "mount overlay", "workdir", errno);
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
	    escape_directory(&data, names[s->count + 1]) < 0) {
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
	/* nodev, as in overlay.c. */
	if (mount("overlay", names[s->count], "overlay", MS_NODEV, data.data) <
	    0) {
		fail(f, "mount overlay", w->path, errno);
		hint_overlay_error(f);
		goto out;
	}
	/* The path crosses into the overlay just mounted on WRITEDIR. */
	if (chdir(w->path) < 0) {
		fail(f, "mount overlay", w->path, errno);
		goto out;
	}
	int root = open(".", O_PATH | O_CLOEXEC);
	result = root < 0 ? fail(f, "mount overlay", w->path, errno)
			  : check_writable(root, f);
out:
	for (int i = 0; names && i < s->count + 2; i++)
		free(names[i]);
	free(names);
	free_string(&data);
	return result;
}
