/* writedir.c - WRITEDIR, its lock, its record, and the overlayfs work
 * directory.
 *
 * WRITEDIR and the directory it lies in may be shared with other local
 * users (a sticky /tmp): nothing here follows a symlink at WRITEDIR or
 * its lock, adopts a directory another user made, or resolves a
 * directory by path once it is open (the janitor.c end of a run checks
 * device and inode before it removes anything). */
#include "writedir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "janitor.h"
#include "layers.h"

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
	if (length - start > NAME_MAX || length >= PATH_MAX)
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

static int refuse_symlink(struct writedir *w, struct failure *f)
{
	fail(f, "writedir", w->name, 0);
	snprintf(f->detail, sizeof(f->detail), "%s is a symbolic link",
		 w->name);
	return add_hint(f, "give the directory itself: container-fs never "
			   "follows a symlink to WRITEDIR");
}

/* Refuses a WRITEDIR another user owns in a directory others may write
 * to: that user may have made it for us to fill (and kept a way in). */
static int check_owner(struct writedir *w, struct failure *f)
{
	struct stat parent;
	if (fstat(w->fd, &w->own) < 0 || fstat(w->parent_fd, &parent) < 0)
		return fail(f, "writedir", w->path, errno);
	bool others_write = (parent.st_mode & S_IWOTH) ||
			    ((parent.st_mode & S_IWGRP) &&
			     parent.st_gid != getegid() && parent.st_gid != 0);
	if (w->own.st_uid == geteuid() || !others_write)
		return 0;
	fail(f, "writedir", w->path, 0);
	snprintf(f->detail, sizeof(f->detail),
		 "%.4000s belongs to uid %u, in a directory others may write "
		 "to",
		 w->path, (unsigned)w->own.st_uid);
	return add_hint(f, "someone else may have made it for this run: use "
			   "a WRITEDIR of your own, in a directory only you "
			   "can write to");
}

/* Opens --workdir: it must exist; it is never made or removed by us. */
static int open_work_option(struct writedir *w, struct failure *f)
{
	w->work_fd = open(w->work_option,
			  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (w->work_fd < 0)
		return fail(f, "workdir", w->work_option, errno);
	w->work_path = path_of_fd(w->work_fd);
	return w->work_path ? 0 : fail(f, "workdir", w->work_option, errno);
}

int open_writedir(struct writedir *w, const char *name, const char *workdir,
		  struct failure *f)
{
	char parent[PATH_MAX];
	*w = WRITEDIR_INIT;
	w->name = name;
	w->work_option = workdir;
	if (workdir && open_work_option(w, f) < 0)
		return -1;
	if (split_path(name, parent, w->base, f) < 0)
		return -1;
	/* ".", ".." and "/" name no entry of a parent: open them as they
	 * are (a dot is never a symlink) and find the parent from there. */
	bool dots = !w->base[0] || strcmp(w->base, ".") == 0 ||
		    strcmp(w->base, "..") == 0;
	if (dots) {
		w->fd = open(name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (w->fd >= 0)
			w->parent_fd = openat(w->fd, "..",
					      O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (w->fd < 0 || w->parent_fd < 0)
			return fail(f, "writedir", name, errno);
		w->path = path_of_fd(w->fd);
		snprintf(w->base, sizeof(w->base), "%s",
			 w->path ? strrchr(w->path, '/') + 1 : "");
		return w->path ? check_owner(w, f)
			       : fail(f, "writedir", name, errno);
	}
	w->parent_fd = open(parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (w->parent_fd < 0) {
		fail(f, "writedir", name, errno);
		return add_hint(f, "WRITEDIR is created if missing, but its "
				   "parent directory must exist");
	}
	w->fd = openat(w->parent_fd, w->base,
		       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (w->fd >= 0) {
		w->path = path_of_fd(w->fd);
		return w->path ? check_owner(w, f)
			       : fail(f, "writedir", name, errno);
	}
	struct stat st;
	if ((errno == ELOOP || errno == ENOTDIR) &&
	    fstatat(w->parent_fd, w->base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode))
		return refuse_symlink(w, f);
	if (errno != ENOENT)
		return fail(f, "writedir", name, errno);

	/* Missing: it is made later, once every check has passed. */
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

/* Whether name in dir_fd is one of the mode-0 directories overlayfs
 * leaves in a work directory ("work", "index") holding nothing but its
 * own temporary entries ("#..."). One it cannot read (mode 0, without
 * root) is taken as overlayfs's: no one else makes such a thing. */
static bool is_overlay_leftover(int dir_fd, const char *name)
{
	struct stat st;
	if ((strcmp(name, "work") != 0 && strcmp(name, "index") != 0) ||
	    fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISDIR(st.st_mode) || (st.st_mode & 07777) != 0)
		return false;
	int fd = openat(dir_fd, name,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == EACCES;
	DIR *dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return false;
	}
	bool leftover = true;
	struct dirent *entry;
	while (leftover && (entry = readdir(dir)))
		leftover = entry->d_name[0] == '.' || entry->d_name[0] == '#';
	closedir(dir);
	return leftover;
}

/* overlayfs takes its work directory as its own and empties what it
 * finds in work/ there: a --workdir must be empty, or hold only what a
 * previous run left, or the user's files would be lost. */
static int check_workdir_contents(struct writedir *w, struct failure *f)
{
	if (!w->work_option)
		return 0;
	int fd = openat(w->work_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = fd < 0 ? NULL : fdopendir(fd);
	if (!dir) {
		if (fd >= 0)
			close(fd);
		return fail(f, "workdir", w->work_path, errno);
	}
	const char *found = NULL;
	char name[NAME_MAX + 1];
	struct dirent *entry;
	while (!found && (entry = readdir(dir))) {
		if (strcmp(entry->d_name, ".") == 0 ||
		    strcmp(entry->d_name, "..") == 0 ||
		    is_overlay_leftover(w->work_fd, entry->d_name))
			continue;
		snprintf(name, sizeof(name), "%s", entry->d_name);
		found = name;
	}
	closedir(dir);
	if (!found)
		return 0;
	fail(f, "workdir", w->work_path, 0);
	snprintf(f->detail, sizeof(f->detail),
		 "%.3900s is not empty (it holds %s)", w->work_path, found);
	return add_hint(f, "overlayfs empties its work directory: give an "
			   "empty one, which container-fs never removes");
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

/* The lock directory sits next to WRITEDIR and is named for WRITEDIR's
 * inode, so every run on one WRITEDIR, however it was spelled, meets
 * the same one (and so does `container-fs rm`). Names it; lock_writedir
 * makes it. With a work directory to check, also checks it is on
 * WRITEDIR's mount. */
static int name_lock(struct writedir *w, bool for_run, struct failure *f)
{
	struct statx upper;
	if (statx(w->fd, "", AT_EMPTY_PATH, STATX_INO | STATX_MNT_ID, &upper) <
	    0)
		return fail(f, "writedir", w->path, errno);
	if (for_run &&
	    check_same_mount(w, &upper,
			     w->work_option ? w->work_fd : w->parent_fd, f) < 0)
		return -1;
	snprintf(w->lock_name, sizeof(w->lock_name), ".container-fs-work.%llu",
		 (unsigned long long)upper.stx_ino);
	return 0;
}

/* Makes WRITEDIR, private to its owner (the container's root may leave
 * setuid files and device nodes in it), and checks the directory now
 * at that name is the one we made. */
static int create_writedir(struct writedir *w, struct failure *f)
{
	if (mkdirat(w->parent_fd, w->base, 0700) < 0)
		return fail(f, "writedir", w->path, errno);
	w->created = true;
	w->fd = openat(w->parent_fd, w->base,
		       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (w->fd < 0 || fstat(w->fd, &w->own) < 0)
		return fail(f, "writedir", w->path, errno);
	if (w->own.st_uid != geteuid())
		return fail(f, "writedir", w->path, EEXIST);
	return 0;
}

int prepare_writedir(struct writedir *w, struct failure *f)
{
	if (check_workdir(w, f) < 0 || check_filesystem(w, f) < 0 ||
	    check_workdir_contents(w, f) < 0)
		return -1;
	if (w->fd < 0 && create_writedir(w, f) < 0)
		return -1;
	return name_lock(w, true, f);
}

static int refuse_in_use(struct writedir *w, struct failure *f)
{
	fail(f, "writedir", w->path, 0);
	snprintf(f->detail, sizeof(f->detail),
		 "%s is in use by another container-fs", w->path);
	return add_hint(
	    f, w->removing ? "stop the container that uses it first"
			   : "give each running container its own WRITEDIR");
}

static int refuse_foreign_lock(struct writedir *w, const char *problem,
			       struct failure *f)
{
	fail(f, "writedir", w->path, 0);
	snprintf(f->detail, sizeof(f->detail), "%.3900s/../%s %s", w->path,
		 w->lock_name, problem);
	return add_hint(f, "container-fs did not make it: remove it, and keep "
			   "WRITEDIR in a directory only you can write to");
}

/* The lock directory, made fresh. One already there is ours only if it
 * is a directory we own (a killed run's, which the janitor could not
 * remove yet): then, once flocked, it is emptied and used. Anything
 * else was planted and is refused, never adopted. */
static int make_lock(struct writedir *w, struct failure *f)
{
	bool fresh = mkdirat(w->parent_fd, w->lock_name, 0700) == 0;
	if (!fresh && errno != EEXIST)
		goto failed;
	w->lock_fd = openat(w->parent_fd, w->lock_name,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (w->lock_fd < 0 && (errno == ELOOP || errno == ENOTDIR))
		return refuse_foreign_lock(w, "is not a directory", f);
	struct stat st;
	if (w->lock_fd < 0 || fstat(w->lock_fd, &st) < 0)
		goto failed;
	if (st.st_uid != geteuid())
		return refuse_foreign_lock(w, "belongs to another user", f);
	if (flock(w->lock_fd, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK
			   ? refuse_in_use(w, f)
			   : fail(f, "writedir", w->path, errno);
	if (!fresh) {
		empty_directory(w->lock_fd, 4);
		if (fchmod(w->lock_fd, 0700) < 0)
			goto failed;
	}
	tell_janitor_locked(w, (unsigned long long)st.st_ino);
	return 0;
failed:
	fail(f, "workdir", w->lock_name, errno);
	snprintf(f->detail, sizeof(f->detail), "%.3900s/../%s", w->path,
		 w->lock_name);
	return add_hint(f, "the directory containing WRITEDIR must be "
			   "writable");
}

/*
 * WRITEDIR's record: whether overlayfs keeps its marks (opaque
 * directories: deleted, then made again) in trusted.overlay.* (mounted
 * by root) or user.overlay.* (userxattr, as in a user namespace). A
 * mount of one kind does not see the other's marks, so mixing them
 * would bring deleted directories back. The first run records its kind;
 * root follows a user.* WRITEDIR (it may use user.* too), and a run
 * without root refuses a root one (it cannot read trusted.*).
 *
 * Root's --userns also records the block of host ids its container was
 * mapped to (the owners of everything it wrote), as
 * "1 userns=UID:GID:COUNT": the host uid and gid of the container's root,
 * and how many ids follow. Every later run of that WRITEDIR uses them.
 *
 * The record is an xattr in overlayfs's own namespace of the kind it
 * records: overlayfs hides those from the container and refuses to
 * change them, so the container, root over WRITEDIR, cannot rewrite it.
 * Root reads the trusted one first: a user.* one on a root WRITEDIR can
 * only have been forged from inside.
 */
#define RECORD_TRUSTED "trusted.overlay.container-fs"
#define RECORD_USER    "user.overlay.container-fs"
#define RECORD_VERSION "1"
/* Before the record: a plain xattr the container could change. Still
 * read once (and replaced), and still set on root WRITEDIRs, as a hint
 * to runs without root, which cannot read trusted.*. */
#define OLD_MARKS "user.container-fs.overlay-marks"

/* Reads xattr name into value; 1 if present, 0 if absent (or the
 * filesystem has no such xattrs), -1 on error. */
static int read_xattr(int fd, const char *name, char *value, size_t size)
{
	ssize_t n = fgetxattr(fd, name, value, size - 1);
	if (n < 0 && errno == ERANGE) /* longer than any we write */
		n = 0;
	if (n < 0)
		return errno == ENODATA || errno == EOPNOTSUPP ? 0 : -1;
	value[n] = '\0';
	return 1;
}

static void format_record(char *value, size_t size, const struct writedir *w)
{
	if (w->has_range)
		snprintf(value, size, RECORD_VERSION " userns=%lu:%lu:%lu",
			 w->range.uid, w->range.gid, w->range.count);
	else
		snprintf(value, size, RECORD_VERSION);
}

/* Reads a record's value strictly: "1", or (trusted only) "1 userns="
 * and a block that leaves out root and the invalid id 4294967295,
 * exactly as format_record writes it (no sign, space or leading zero
 * sscanf would let through). 0, or -1 for anything else. */
static int parse_record(const char *value, bool trusted, struct writedir *w)
{
	struct id_range r;
	char again[64];
	w->has_range = false;
	if (strcmp(value, RECORD_VERSION) == 0)
		return 0;
	if (!trusted ||
	    sscanf(value, RECORD_VERSION " userns=%lu:%lu:%lu", &r.uid, &r.gid,
		   &r.count) != 3 ||
	    r.count != CONTAINER_IDS || r.uid == 0 || r.gid == 0 ||
	    r.uid > 0xFFFFFFFFUL - CONTAINER_IDS ||
	    r.gid > 0xFFFFFFFFUL - CONTAINER_IDS)
		return -1;
	w->range = r;
	w->has_range = true;
	format_record(again, sizeof(again), w);
	if (strcmp(again, value) == 0)
		return 0;
	w->has_range = false;
	return -1;
}

static int refuse_record(struct writedir *w, const char *name,
			 const char *value, struct failure *f)
{
	fail(f, "writedir", w->path, 0);
	snprintf(f->detail, sizeof(f->detail), "%.3900s: unknown %s \"%.32s\"",
		 w->path, name, value);
	return -1;
}

static int refuse_root_writedir(struct writedir *w, struct failure *f)
{
	fail(f, "writedir", w->path, 0);
	snprintf(f->detail, sizeof(f->detail),
		 "%.3900s was written by container-fs as root", w->path);
	return add_hint(f, "its deleted directories are marked in trusted.* "
			   "xattrs, which only root outside a user namespace "
			   "can read: run with sudo (without --userns), or "
			   "use a new WRITEDIR");
}

static int write_record(struct writedir *w, bool user, struct failure *f)
{
	const char *name = user ? RECORD_USER : RECORD_TRUSTED;
	char value[64];
	format_record(value, sizeof(value), w);
	if (fsetxattr(w->fd, name, value, strlen(value), 0) < 0)
		return errno == EOPNOTSUPP && user
			   ? 0 /* nowhere to keep it (tmpfs before 6.6) */
			   : fail(f, "writedir", w->path, errno);
	if (user)
		return fremovexattr(w->fd, OLD_MARKS) == 0 ||
			       errno == ENODATA || errno == EOPNOTSUPP
			   ? 0
			   : fail(f, "writedir", w->path, errno);
	fsetxattr(w->fd, OLD_MARKS, "trusted", 7, 0); /* a hint: see above */
	return 0;
}

/* The layers' marks are read the same way as WRITEDIR's, or not at
 * all: an image imported without root needs userxattr, one imported
 * with root needs none. */
static int check_marks_agree(struct writedir *w, enum layer_marks marks,
			     struct failure *f)
{
	if ((marks == MARKS_USER && w->userxattr) ||
	    (marks == MARKS_TRUSTED && !w->userxattr) || marks == MARKS_ANY)
		return 0;
	fail(f, "writedir", w->path, 0);
	snprintf(f->detail, sizeof(f->detail),
		 "%.3800s keeps its marks in %s xattrs, and the image's "
		 "layers in %s ones",
		 w->path, w->userxattr ? "user.*" : "trusted.*",
		 w->userxattr ? "trusted.*" : "user.*");
	return add_hint(f, "one overlay reads one kind: use a new WRITEDIR "
			   "for this image");
}

int read_record(struct writedir *w, bool userns, struct failure *f)
{
	char value[64];
	int found = 0;
	w->recorded = w->has_record = w->has_range = false;
	/* Only root outside a user namespace reads trusted.*. */
	if (!userns &&
	    (found = read_xattr(w->fd, RECORD_TRUSTED, value, sizeof(value))))
		w->userxattr = false;
	else if (found >= 0 &&
		 (found = read_xattr(w->fd, RECORD_USER, value, sizeof(value))))
		w->userxattr = true;
	if (found < 0)
		return fail(f, "writedir", w->path, errno);
	if (found) {
		w->recorded = w->has_record = true;
		return parse_record(value, !w->userxattr, w) == 0
			   ? 0
			   : refuse_record(
				 w, w->userxattr ? RECORD_USER : RECORD_TRUSTED,
				 value, f);
	}
	/* No record yet: the old mark, or this run's kind. */
	w->userxattr = userns;
	found = read_xattr(w->fd, OLD_MARKS, value, sizeof(value));
	if (found < 0)
		return fail(f, "writedir", w->path, errno);
	w->recorded = found;
	if (found && strcmp(value, "user") == 0)
		w->userxattr = true;
	else if (found && strcmp(value, "trusted") == 0 && userns)
		return refuse_root_writedir(w, f);
	else if (found && strcmp(value, "trusted") == 0)
		w->userxattr = false;
	else if (found)
		return refuse_record(w, OLD_MARKS, value, f);
	return 0;
}

int record_writedir(struct writedir *w, struct failure *f)
{
	if (w->has_record)
		return 0;
	if (write_record(w, w->userxattr, f) < 0)
		return -1;
	w->has_record = true;
	return 0;
}

static int refuse_userns_change(struct writedir *w, const char *problem,
				const char *hint, struct failure *f)
{
	fail(f, "writedir", w->path, 0);
	snprintf(f->detail, sizeof(f->detail), "%.3900s %s", w->path, problem);
	return add_hint(f, "%s", hint);
}

int choose_writedir_range(struct writedir *w, bool userns, bool no_userns,
			  struct failure *f)
{
	if (w->has_range && no_userns)
		return refuse_userns_change(
		    w, "belongs to the container ids of an earlier --userns",
		    "its files belong to that block, not to the host's "
		    "root: run without --no-userns (the block is mapped "
		    "again), or use a new WRITEDIR",
		    f);
	if (w->has_range || !userns)
		return 0;
	/* Files written as the host's root would be nobody's inside. */
	if (w->recorded)
		return refuse_userns_change(
		    w, "was written without --userns",
		    "its files belong to host ids, which the container's "
		    "namespace does not map: run without --userns, or use a "
		    "new WRITEDIR",
		    f);
	if (choose_root_range(&w->range, f) < 0)
		return -1;
	w->has_range = true;
	return 0;
}

int lock_writedir_for_removal(struct writedir *w, struct failure *f)
{
	w->removing = true;
	if (name_lock(w, false, f) < 0 || make_lock(w, f) < 0)
		return -1;
	w->locked = true;
	return 0;
}

int lock_writedir(struct writedir *w, bool userns, enum layer_marks marks,
		  struct failure *f)
{
	if (make_lock(w, f) < 0)
		return -1;
	w->locked = true;
	/* Two runs given one --workdir for different WRITEDIRs would share
	 * overlayfs's work directory. */
	if (w->work_option && flock(w->work_fd, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK
			   ? refuse_in_use(w, f)
			   : fail(f, "workdir", w->path, errno);
	if (read_record(w, userns, f) < 0)
		return -1;
	/* A WRITEDIR used for the first time follows the layers: user.*
	 * marks for layers imported without root. */
	if (!w->recorded && marks == MARKS_USER)
		w->userxattr = true;
	return check_marks_agree(w, marks, f);
}

int open_writedir_for_run(struct writedir *w, int top_layer_fd,
			  struct failure *f)
{
	struct stat top;
	if (fstat(top_layer_fd, &top) < 0)
		return fail(f, "writedir", w->path, errno);
	/* Root's --userns: "/" is the container root's, host uid BASE, as
	 * everything it makes there (chown first: it may clear mode bits). */
	if (w->has_range &&
	    fchown(w->fd, (uid_t)w->range.uid, (gid_t)w->range.gid) < 0)
		return fail(f, "writedir", w->path, errno);
	if ((top.st_mode & 07777) == (w->own.st_mode & 07777) && !w->has_range)
		return 0;
	if (fchmod(w->fd, top.st_mode & 07777) < 0)
		return fail(f, "writedir", w->path, errno);
	return 0;
}

int overlay_workdir_fd(const struct writedir *w)
{
	return w->work_option ? w->work_fd : w->lock_fd;
}

void release_writedir(struct writedir *w, bool command_ran)
{
	if (w->locked)
		clean_up_writedir(w, w->fd, w->parent_fd, w->lock_fd,
				  w->created && !command_ran);
	else if (w->created && faccessat(w->parent_fd, w->lock_name, F_OK,
					 AT_SYMLINK_NOFOLLOW) < 0)
		/* Refused before the lock was ours: unless another run holds
		 * it (and may be using WRITEDIR), the empty WRITEDIR goes. */
		remove_directory(w->parent_fd, w->base, &w->own, 1);
	if (w->lock_fd >= 0)
		close(w->lock_fd);
	if (w->work_fd >= 0)
		close(w->work_fd);
	if (w->fd >= 0)
		close(w->fd);
	if (w->parent_fd >= 0)
		close(w->parent_fd);
	free(w->path);
	free(w->work_path);
}
