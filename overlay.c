/* overlay.c - the overlay filesystem: LAYERs under WRITEDIR. */
#include "overlay.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* upperdir or workdir: by fd where the layers went so (Linux 6.13+);
 * else by name, which the kernel unescapes even through fsconfig,
 * unlike "lowerdir+": escaped as in the option string. */
static int set_escaped(int fs_fd, const char *key, int fd, bool by_fd)
{
	char name[32];
	struct string value = {0};
	if (by_fd && sys_fsconfig(fs_fd, FSCONFIG_SET_FD, key, NULL, fd) == 0)
		return 0;
	if (by_fd) {
		struct failure ignored = {0};
		read_kernel_messages(fs_fd, &ignored);
	}
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

/* Where the changes go: the upper and work directories, whether
 * overlayfs keeps its marks in user.* xattrs, and a name for messages. */
struct upper {
	int upper_fd, work_fd;
	bool userxattr;
	const char *name;
};

/* One lower layer. From Linux 6.13 overlayfs takes a layer by fd
 * (FSCONFIG_SET_FD): nothing to look up again, 1.7 us a layer against
 * 7.6-9.7 for its /proc/self/fd name (measured here, 200 layers). An
 * older kernel refuses that ("Bad value"): from then on, and for this
 * layer again, its name; a real problem of the layer fails that way
 * too, and is reported from there. */
static int add_lower(int fs_fd, int fd, bool *by_fd)
{
	char name[32];
	if (*by_fd) {
		if (sys_fsconfig(fs_fd, FSCONFIG_SET_FD, "lowerdir+", NULL,
				 fd) == 0)
			return 0;
		struct failure ignored = {0};
		read_kernel_messages(fs_fd, &ignored);
		*by_fd = false;
	}
	name_of_fd(name, fd);
	return sys_fsconfig(fs_fd, FSCONFIG_SET_STRING, "lowerdir+", name, 0);
}

/* Whether fs_fd is a "legacy" context: overlayfs before Linux 6.5 had
 * no parameters of its own for fsconfig, which took any key into an
 * option string for the final mount to parse; "lowerdir+" was then
 * taken too, and refused only at FSCONFIG_CMD_CREATE, among any other
 * EINVAL. A key no filesystem has tells it apart, by what the kernel
 * does rather than its version (distributions backport): taken, this
 * is one; refused ("Unknown parameter", 6.5+), it is not. About 2 us a
 * launch (the call and the log's read); done first, it needs no second
 * context, and covers a refusal at any later step. */
static bool legacy_context(int fs_fd)
{
	if (sys_fsconfig(fs_fd, FSCONFIG_SET_FLAG, "container-fs-probe", NULL,
			 0) == 0)
		return true;
	struct failure ignored = {0};
	read_kernel_messages(fs_fd, &ignored);
	return false;
}

/* The overlay of the layers open at lower_fds (bottom to top) under u,
 * as a detached mount: its fd, -1, or -2 when the kernel lacks the API. */
static int build_overlay(const struct layer_stack *s, const int *lower_fds,
			 const struct upper *u, struct failure *f)
{
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
	if (legacy_context(fs_fd)) {
		close(fs_fd);
		return -2; /* before 6.5: mount(2) takes it all */
	}
	/* overlayfs takes the top layer first. */
	bool by_fd = true;
	for (int i = s->count - 1; i >= 0; i--) {
		if (add_lower(fs_fd, lower_fds[i], &by_fd) < 0) {
			/* (Reading the log sets errno: ENODATA at its end.) */
			int error = errno;
			fail(f, "mount overlay", s->layers[i].path, error);
			read_kernel_messages(fs_fd, f);
			if (i == s->count - 1 && error == EINVAL &&
			    strstr(f->hint, "nknown parameter")) {
				close(fs_fd);
				return -2; /* 6.5-6.7: no "lowerdir+" */
			}
			goto failed;
		}
	}
	if (set_escaped(fs_fd, "upperdir", u->upper_fd, by_fd) < 0) {
		fail(f, "mount overlay", u->name, errno);
		goto failed_with_log;
	}
	if (set_escaped(fs_fd, "workdir", u->work_fd, by_fd) < 0) {
		fail(f, "mount overlay", "workdir", errno);
		goto failed_with_log;
	}
	/* In a user namespace overlayfs may not use trusted.* xattrs:
	 * userxattr keeps its marks in user.overlay.*, and root follows a
	 * WRITEDIR marked that way (see prepare_writedir). */
	if (u->userxattr &&
	    sys_fsconfig(fs_fd, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0) {
		fail(f, "mount overlay", "userxattr", errno);
		goto failed_with_log;
	}
	if (sys_fsconfig(fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		fail(f, "mount overlay", u->name, errno);
		goto failed_with_log;
	}
	/* nodev: no device cgroup guards the container, so a node made
	 * with CAP_MKNOD, or shipped in a layer, must not open. */
	int mount_fd = sys_fsmount(fs_fd, FSMOUNT_CLOEXEC, MOUNT_ATTR_NODEV);
	if (mount_fd < 0) {
		fail(f, "mount overlay", u->name, errno);
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

int make_tmpfs_upper(const struct layer_stack *s, int *tmpfs_fd,
		     struct failure *f)
{
	struct stat top;
	if (fstat(s->layers[s->count - 1].fd, &top) < 0)
		return fail(f, "mount overlay", "top layer", errno);
	int fs_fd = sys_fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs_fd < 0)
		return errno == ENOSYS
			   ? -2
			   : fail(f, "mount overlay", "tmpfs", errno);
	*tmpfs_fd = -1;
	if (sys_fsconfig(fs_fd, FSCONFIG_SET_STRING, "mode", "0700", 0) == 0 &&
	    sys_fsconfig(fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
		*tmpfs_fd = sys_fsmount(fs_fd, FSMOUNT_CLOEXEC,
					MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID);
	int error = errno;
	close(fs_fd);
	if (*tmpfs_fd < 0)
		return fail(f, "mount overlay", "tmpfs", error);
	return prepare_tmpfs_upper(*tmpfs_fd, top.st_mode & 07777, f);
}

int prepare_tmpfs_upper(int tmpfs_fd, mode_t root_mode, struct failure *f)
{
	/* "/" gets the top layer's mode, as from a WRITEDIR during a run;
	 * mkdirat's mode is cut by our umask, fchmodat's is not. */
	if ((mkdirat(tmpfs_fd, "upper", 0700) < 0 && errno != EEXIST) ||
	    fchmodat(tmpfs_fd, "upper", root_mode, 0) < 0 ||
	    (mkdirat(tmpfs_fd, "work", 0700) < 0 && errno != EEXIST))
		return fail(f, "mount overlay", "tmpfs", errno);
	return 0;
}

/* WRITEDIR's fds stay WRITEDIR's; the tmpfs's were opened for this. */
static void close_upper(struct upper *u, const struct writedir *w)
{
	if (w)
		return;
	if (u->upper_fd >= 0)
		close(u->upper_fd);
	if (u->work_fd >= 0)
		close(u->work_fd);
}

/* The upper side on the tmpfs at tmpfs_fd, or WRITEDIR (w). */
static int open_upper(int tmpfs_fd, const struct writedir *w, bool userns,
		      struct upper *u, struct failure *f)
{
	if (w) {
		*u = (struct upper){w->fd, overlay_workdir_fd(w), w->userxattr,
				    w->path};
		return 0;
	}
	*u = (struct upper){-1, -1, userns, "tmpfs"};
	u->upper_fd = openat(tmpfs_fd, "upper",
			     O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	u->work_fd = openat(tmpfs_fd, "work",
			    O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (u->upper_fd >= 0 && u->work_fd >= 0)
		return 0;
	int error = errno;
	close_upper(u, w);
	return fail(f, "mount overlay", "tmpfs", error);
}

int create_overlay(const struct layer_stack *s, const struct writedir *w,
		   struct failure *f)
{
	int tmpfs_fd = -1;
	if (!w) {
		int made = make_tmpfs_upper(s, &tmpfs_fd, f);
		if (made < 0)
			return made;
	}
	struct upper u;
	int *lower_fds = malloc(sizeof(*lower_fds) * (size_t)(s->count + 1));
	int result = -1;
	if (!lower_fds)
		fail(f, "mount overlay", "prepare", errno);
	else if (open_upper(tmpfs_fd, w, s->marks == MARKS_USER, &u, f) == 0) {
		for (int i = 0; i < s->count; i++)
			lower_fds[i] = s->layers[i].fd;
		result = build_overlay(s, lower_fds, &u, f);
		close_upper(&u, w);
	}
	free(lower_fds);
	if (tmpfs_fd >= 0)
		close(tmpfs_fd);
	return result;
}

int create_overlay_here(const struct layer_stack *s, const struct writedir *w,
			struct failure *f)
{
	int tmpfs_fd = -1;
	if (!w) {
		int made = make_tmpfs_upper(s, &tmpfs_fd, f);
		if (made < 0)
			return made;
	}
	int *fds = reopen_directories(s, w, f);
	int result = -1;
	struct upper u;
	if (fds && w) {
		u = (struct upper){fds[s->count], fds[s->count + 1],
				   w->userxattr, w->path};
		result = build_overlay(s, fds, &u, f);
	} else if (fds && open_upper(tmpfs_fd, NULL,
				     /* root's --userns reads trusted.* */
				     s->marks != MARKS_TRUSTED, &u, f) == 0) {
		result = build_overlay(s, fds, &u, f);
		close_upper(&u, NULL);
	}
	close_directories(fds, s->count + (w ? 2 : 0));
	if (tmpfs_fd >= 0)
		close(tmpfs_fd);
	return result;
}

int *reopen_directories(const struct layer_stack *s, const struct writedir *w,
			struct failure *f)
{
	int *fds = malloc(sizeof(*fds) * (size_t)(s->count + 2));
	if (!fds) {
		fail(f, "mount overlay", "prepare", errno);
		return NULL;
	}
	int n = 0;
	for (; n < s->count; n++) {
		fds[n] = reopen_directory(AT_FDCWD, s->layers[n].path,
					  s->layers[n].fd);
		if (fds[n] < 0) {
			fail(f, "mount overlay", s->layers[n].path, errno);
			goto failed;
		}
	}
	if (!w)
		return fds;
	fds[n] = reopen_directory(AT_FDCWD, w->path, w->fd);
	if (fds[n] < 0) {
		fail(f, "mount overlay", w->path, errno);
		goto failed;
	}
	n++;
	if (w->work_option) {
		fds[n] = reopen_directory(AT_FDCWD, w->work_path, w->work_fd);
	} else {
		/* The managed workdir through WRITEDIR's parent: its own path
		 * can pass PATH_MAX when WRITEDIR's is just below it. */
		int parent_fd =
		    openat(fds[n - 1], "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		fds[n] =
		    parent_fd < 0
			? -1
			: reopen_directory(parent_fd, w->lock_name, w->lock_fd);
		if (parent_fd >= 0)
			close(parent_fd);
	}
	if (fds[n] < 0) {
		fail(f, "mount overlay", "workdir", errno);
		goto failed;
	}
	return fds;
failed:
	close_directories(fds, n);
	return NULL;
}

void close_directories(int *fds, int count)
{
	for (int i = 0; fds && i < count; i++)
		close(fds[i]);
	free(fds);
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
