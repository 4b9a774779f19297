/* writedir.c - WRITEDIR, its lock, and the overlayfs work directory. */
#include "writedir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "layers.h"
#include "process.h"

/* Splits name into its parent directory and last component, ignoring
 * trailing slashes: "a/b/" gives "a" and "b", "b" gives "." and "b". */
static int split_path(const char *name, char *parent, char *base,
		      struct failure *f)
{
	size_t length = strlen(name);
	while (length > 1 && name[length - 1] == '/')
		length--;
	size_t start = length;
	while (start > 0 && name[start - 1] != '/')
		start--;
	if (length - start > NAME_MAX)
		return fail(f, "writedir", name, ENAMETOOLONG);
	memcpy(base, name + start, length - start);
	base[length - start] = '\0';
	if (start == 0)
		strcpy(parent, ".");
	else if (start == 1)
		strcpy(parent, "/");
	else {
		memcpy(parent, name, start - 1);
		parent[start - 1] = '\0';
	}
	return 0;
}

int open_writedir(struct writedir *w, const char *name, const char *workdir,
		  struct failure *f)
{
	*w = (struct writedir){.name = name,
			       .fd = -1,
			       .parent_fd = -1,
			       .work_fd = -1,
			       .janitor_pipe = -1,
			       .janitor_pid = -1};
	w->work_option = workdir;
	if (workdir) {
		w->work_fd = open(workdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (w->work_fd < 0)
			return fail(f, "workdir", workdir, errno);
		w->work_path = path_of_fd(w->work_fd);
		if (!w->work_path)
			return fail(f, "workdir", workdir, errno);
	}

	w->fd = open(name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w->fd >= 0) {
		w->path = path_of_fd(w->fd);
		return w->path ? 0 : fail(f, "writedir", name, errno);
	}
	if (errno != ENOENT || strlen(name) >= PATH_MAX)
		return fail(f, "writedir", name, errno);

	/* Missing: it is made later, once every check has passed. */
	char parent[PATH_MAX];
	if (split_path(name, parent, w->base, f) < 0)
		return -1;
	w->parent_fd = open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (w->parent_fd < 0) {
		fail(f, "writedir", name, errno);
		return add_hint(f, "WRITEDIR is created if missing, but its "
				   "parent directory must exist");
	}
	char *parent_path = path_of_fd(w->parent_fd);
	if (!parent_path)
		return fail(f, "writedir", name, errno);
	const char *slash = strcmp(parent_path, "/") == 0 ? "" : "/";
	if (asprintf(&w->path, "%s%s%s", parent_path, slash, w->base) < 0)
		w->path = NULL;
	free(parent_path);
	return w->path ? 0 : fail(f, "writedir", name, ENOMEM);
}

/* overlayfs cannot put its upper layer on another overlay, and a
 * read-only filesystem would only fail later, after a half setup. */
static int check_filesystem(struct writedir *w, struct failure *f)
{
	struct statfs fs;
	if (fstatfs(w->fd >= 0 ? w->fd : w->parent_fd, &fs) < 0)
		return fail(f, "writedir", w->name, errno);
	if (fs.f_type == OVERLAYFS_SUPER_MAGIC) {
		fail(f, "writedir", w->path, 0);
		snprintf(f->detail, sizeof(f->detail), "%s is on overlayfs",
			 w->path);
		return add_hint(f, "overlayfs cannot write to another overlay; "
				   "put WRITEDIR on ext4, xfs, btrfs or tmpfs");
	}
	if (fs.f_flags & ST_RDONLY)
		return fail(f, "writedir", w->path, EROFS);
	return 0;
}

static int check_workdir(struct writedir *w, struct failure *f)
{
	if (!w->work_option)
		return 0;
	if (strcmp(w->work_path, w->path) == 0 ||
	    path_is_within(w->work_path, w->path) ||
	    path_is_within(w->path, w->work_path)) {
		fail(f, "workdir", w->work_path, 0);
		return add_hint(f, "overlayfs needs the workdir and WRITEDIR "
				   "to be separate directories, side by side");
	}
	return 0;
}

/* overlayfs wants the workdir on the very mount WRITEDIR is on, and
 * says so only in the kernel log: check here, and name the fix. */
static int check_same_mount(struct writedir *w, const struct statx *upper,
			    int other_fd, struct failure *f)
{
	struct statx other;
	if (statx(other_fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &other) < 0)
		return fail(f, "workdir", w->path, errno);
	if (!(upper->stx_mask & other.stx_mask & STATX_MNT_ID) ||
	    upper->stx_mnt_id == other.stx_mnt_id)
		return 0; /* same mount, or a kernel too old to tell (< 5.8) */
	if (w->work_option) {
		fail(f, "workdir", w->work_path, 0);
		snprintf(f->detail, sizeof(f->detail),
			 "%s is not on the same mount as WRITEDIR %s",
			 w->work_path, w->path);
		return add_hint(f, "overlayfs needs both on one mount");
	}
	fail(f, "writedir", w->path, 0);
	snprintf(f->detail, sizeof(f->detail), "%s is the root of a mount",
		 w->path);
	return add_hint(f,
			"overlayfs needs a workdir on the same mount but "
			"outside WRITEDIR: use a subdirectory of it as "
			"WRITEDIR, e.g. %.200s/upper",
			w->path);
}

/* The managed workdir sits next to WRITEDIR and is named for WRITEDIR's
 * inode, so one left behind by a killed run is found and reused by the
 * next run on the same WRITEDIR. Names it; create_workdir makes it. */
static int name_workdir(struct writedir *w, struct failure *f)
{
	struct statx upper;
	if (statx(w->fd, "", AT_EMPTY_PATH, STATX_INO | STATX_MNT_ID, &upper) <
	    0)
		return fail(f, "writedir", w->path, errno);
	if (w->work_option)
		return check_same_mount(w, &upper, w->work_fd, f);
	if (w->parent_fd < 0) {
		w->parent_fd =
		    openat(w->fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (w->parent_fd < 0)
			return fail(f, "workdir", w->path, errno);
	}
	if (check_same_mount(w, &upper, w->parent_fd, f) < 0)
		return -1;
	snprintf(w->work_name, sizeof(w->work_name), ".container-fs-work.%llu",
		 (unsigned long long)upper.stx_ino);
	return 0;
}

int create_workdir(struct writedir *w, struct failure *f)
{
	if (w->work_option)
		return 0;
	if (mkdirat(w->parent_fd, w->work_name, 0700) < 0 && errno != EEXIST)
		goto failed;
	w->work_fd = openat(w->parent_fd, w->work_name,
			    O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (w->work_fd >= 0)
		return 0;
failed:
	fail(f, "workdir", w->work_name, errno);
	snprintf(f->detail, sizeof(f->detail), "%s/../%s", w->path,
		 w->work_name);
	return add_hint(f, "the directory containing WRITEDIR must be "
			   "writable, or give --workdir");
}

/*
 * overlayfs marks an opaque directory (one deleted and made again, hiding
 * the layers' copy) with an xattr: trusted.overlay.opaque when mounted by
 * root, user.overlay.opaque with userxattr, as in a user namespace. A
 * mount of one kind does not see the other's marks, so a WRITEDIR used
 * first without root and then with sudo, or the other way round, would
 * bring deleted directories back. The first run records the kind on
 * WRITEDIR; root follows it (it may use user.* too), and a run without
 * root refuses a WRITEDIR marked by root (it cannot read trusted.*).
 */
#define MARKS_XATTR "user.container-fs.overlay-marks"

static int choose_overlay_marks(struct writedir *w, bool userns,
				struct failure *f)
{
	char kind[16];
	ssize_t n = fgetxattr(w->fd, MARKS_XATTR, kind, sizeof(kind) - 1);
	w->userxattr = userns;
	/* Without user.* xattrs (tmpfs before 6.6, some network
	 * filesystems) nothing can be recorded; a user namespace cannot
	 * mount an overlay there anyway. */
	if (n < 0 && errno == EOPNOTSUPP)
		return 0;
	if (n < 0 && errno == ENODATA) { /* the first run records its kind */
		const char *ours = userns ? "user" : "trusted";
		if (fsetxattr(w->fd, MARKS_XATTR, ours, strlen(ours),
			      XATTR_CREATE) < 0)
			return fail(f, "writedir", w->path, errno);
		return 0;
	}
	if (n < 0 && errno != ERANGE) /* ERANGE: longer than any we know */
		return fail(f, "writedir", w->path, errno);
	kind[n < 0 ? 0 : n] = '\0';
	if (strcmp(kind, "user") == 0) {
		w->userxattr = true;
		return 0;
	}
	if (strcmp(kind, "trusted") == 0 && !userns)
		return 0;
	fail(f, "writedir", w->path, 0);
	if (strcmp(kind, "trusted") != 0) {
		snprintf(f->detail, sizeof(f->detail),
			 "%.3900s: unknown %s \"%s\"", w->path, MARKS_XATTR,
			 kind);
		return -1;
	}
	snprintf(f->detail, sizeof(f->detail),
		 "%.3900s was written by container-fs as root", w->path);
	return add_hint(f, "its deleted directories are marked in trusted.* "
			   "xattrs, which only root outside a user namespace "
			   "can read: run with sudo (without --userns), or "
			   "use a new WRITEDIR");
}

int prepare_writedir(struct writedir *w, bool userns, struct failure *f)
{
	if (check_workdir(w, f) < 0 || check_filesystem(w, f) < 0)
		return -1;
	if (w->fd < 0) {
		if (mkdirat(w->parent_fd, w->base, 0755) < 0)
			return fail(f, "writedir", w->path, errno);
		w->created = true;
		w->fd = openat(w->parent_fd, w->base,
			       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (w->fd < 0)
			return fail(f, "writedir", w->path, errno);
	}
	/* The lock lives on our open file: the kernel drops it when we and
	 * the container are gone, however we end. */
	if (flock(w->fd, LOCK_EX | LOCK_NB) < 0) {
		fail(f, "writedir", w->path, 0);
		snprintf(f->detail, sizeof(f->detail),
			 "%s is in use by another container-fs", w->path);
		return add_hint(f, "give each running container its own "
				   "WRITEDIR");
	}
	if (choose_overlay_marks(w, userns, f) < 0)
		return -1;
	return name_workdir(w, f);
}

/* Removes name below parent, recursing at most depth levels: our own
 * directories only ever hold overlayfs's few work entries. Reads them
 * with getdents64 into a buffer on the stack, not with opendir: the
 * janitor runs this in memory it shares with a process that may have
 * been killed in the middle of malloc. */
static void remove_tree(int parent, const char *name, int depth)
{
	if (unlinkat(parent, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
		return;
	if (errno == ENOTDIR) {
		unlinkat(parent, name, 0);
		return;
	}
	if ((errno != ENOTEMPTY && errno != EEXIST) || depth == 0)
		return;
	int fd = openat(parent, name,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	/* overlayfs makes work/work with mode 0: without root (rootless)
	 * we must give ourselves the right to read it first. */
	if (fd < 0 && errno == EACCES &&
	    fchmodat(parent, name, 0700, AT_SYMLINK_NOFOLLOW) == 0)
		fd = openat(parent, name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	char buffer[1024] __attribute__((aligned(8)));
	ssize_t length;
	while ((length = getdents64(fd, buffer, sizeof(buffer))) > 0) {
		for (ssize_t at = 0; at < length;) {
			struct dirent64 *entry = (void *)(buffer + at);
			at += entry->d_reclen;
			if (strcmp(entry->d_name, ".") != 0 &&
			    strcmp(entry->d_name, "..") != 0)
				remove_tree(fd, entry->d_name, depth - 1);
		}
	}
	close(fd);
	unlinkat(parent, name, AT_REMOVEDIR);
}

/* The janitor's whole life. It shares our memory (CLONE_VM) and reads
 * only fields of w that are set before it starts and never change, and
 * it calls nothing that allocates. Its fds: 0 the pipe, 1 its own open
 * file of WRITEDIR (a lock on the parent's would be the parent's lock),
 * 2 the directory holding the workdir; nothing else, not even the
 * terminal. */
static int run_janitor(void *arg)
{
	const struct writedir *w = arg;
	const char *created = w->created ? w->base : NULL;
	/* Ctrl-C or a kill of our process group must not stop it. */
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	int lock_fd = openat(w->fd, ".", O_RDONLY | O_DIRECTORY);
	if (lock_fd < 0 || dup2(w->janitor_reader, 0) < 0 ||
	    dup2(lock_fd, 1) < 0 || dup2(w->parent_fd, 2) < 0 ||
	    syscall(SYS_close_range, 3, ~0U, 0) < 0)
		_exit(1);
	/* container-fs writes 'r' once COMMAND runs (its WRITEDIR is then
	 * the user's to keep), and 'd' once it has cleaned up itself. */
	char byte = 0;
	ssize_t n;
	while ((n = read(0, &byte, 1)) == 1 || (n < 0 && errno == EINTR)) {
		if (n == 1 && byte == 'd')
			_exit(0);
		if (n == 1 && byte == 'r')
			created = NULL;
	}
	/* container-fs died. Its container holds the lock until it execs
	 * or dies; a later run holds it while it uses the workdir. */
	if (flock(1, LOCK_EX) < 0)
		_exit(1);
	remove_tree(2, w->work_name, 4);
	/* A WRITEDIR this run created for a COMMAND that never ran: rmdir
	 * removes it only while empty, and only if the name is still our
	 * directory. */
	struct stat ours, named;
	if (created && fstat(1, &ours) == 0 &&
	    fstatat(2, created, &named, AT_SYMLINK_NOFOLLOW) == 0 &&
	    ours.st_dev == named.st_dev && ours.st_ino == named.st_ino)
		unlinkat(2, created, AT_REMOVEDIR);
	_exit(0);
}

int start_janitor(struct writedir *w, struct failure *f)
{
	if (!w->work_name[0])
		return 0; /* --workdir: the user's, not ours to remove */
	int pipe_fds[2];
	if (pipe2(pipe_fds, O_CLOEXEC) < 0)
		return fail(f, "janitor", "pipe", errno);
	w->janitor_reader = pipe_fds[0];
	/* Sharing memory makes it cheap to start: nothing is copied. */
	pid_t pid = start_process(run_janitor, w, CLONE_VM, 64 * 1024,
				  &w->janitor_stack);
	close(pipe_fds[0]);
	if (pid < 0) {
		close(pipe_fds[1]);
		return fail(f, "janitor", "clone", errno);
	}
	w->janitor_pipe = pipe_fds[1];
	w->janitor_pid = pid;
	return 0;
}

void tell_janitor_command_ran(struct writedir *w)
{
	if (w->janitor_pid >= 0)
		write_all(w->janitor_pipe, "r", 1);
}

void stop_janitor(struct writedir *w)
{
	if (w->janitor_pid < 0)
		return;
	write_all(w->janitor_pipe, "d", 1);
	close(w->janitor_pipe);
	waitpid(w->janitor_pid, NULL, 0);
	free_stack(&w->janitor_stack);
}

void release_writedir(struct writedir *w, bool command_ran)
{
	if (w->work_name[0])
		remove_tree(w->parent_fd, w->work_name, 4);
	if (w->created && !command_ran)
		remove_tree(w->parent_fd, w->base, 4);
	if (w->work_fd >= 0)
		close(w->work_fd);
	if (w->fd >= 0)
		close(w->fd);
	if (w->parent_fd >= 0)
		close(w->parent_fd);
	free(w->path);
	free(w->work_path);
}
