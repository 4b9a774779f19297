/* unpack.c - one layer's tar stream into a directory, with its
 * whiteouts in overlayfs's own form (see unpack.h).
 *
 * Every name is cleaned first: leading slashes dropped, "." components
 * dropped, ".." refused. Its parent is then opened with openat2 and
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS below the layer directory, so
 * neither an absolute name nor a symlink the archive made earlier
 * ("a -> /etc", then "a/passwd") can lead outside it; the entry itself
 * is made in that parent by name, never following a symlink (O_NOFOLLOW,
 * AT_SYMLINK_NOFOLLOW). A layer made from an overlay's upper directory
 * never needs a path through a symlink of its own, so real images pass.
 *
 * Directories are made 0700 and get their own mode and mtime once the
 * whole layer is in (deepest first): a read-only directory must still
 * take its entries, and each entry made changes its mtime. */
#include "unpack.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "../janitor.h"

#define COPY_BUFFER	     (256 * 1024)
#define XATTR_WHITEOUT	     "user.overlay.whiteout"
#define XATTR_OPAQUE_TRUSTED "trusted.overlay.opaque"
#define XATTR_OPAQUE_USER    "user.overlay.opaque"

/* A directory's own metadata, applied once the layer is complete. */
struct deferred {
	char *path; /* cleaned, relative to the layer ("" is its root) */
	mode_t mode;
	int64_t mtime;
	unsigned depth;
	size_t order;
};

struct unpack {
	struct tar_reader *reader;
	int layer_fd;
	enum whiteout_form form;
	bool root;
	struct unpack_counts *counts;
	bool trusted_marks, user_marks;
	struct failure *f;

	/* The parent directory of the last entry, kept open: a layer lists
	 * a directory's entries together. */
	char *parent_path;
	int parent_fd;

	struct deferred *dirs;
	size_t dir_count, dir_capacity;
	char *buffer;
};

static int refuse_entry(struct unpack *u, const char *name, const char *problem,
			int error)
{
	char detail[600];
	snprintf(detail, sizeof(detail), "%.300s: %.250s", name, problem);
	return fail(u->f, "import", detail, error);
}

/* The name cleaned into out: no leading "/", no "." or empty
 * components, no trailing "/"; "" for the layer's root. Refuses "..". */
static int clean_name(struct unpack *u, const char *name, char **out,
		      unsigned *depth)
{
	/* One byte more: split_last may shift a name without '/' right. */
	char *clean = malloc(strlen(name) + 2), *o = clean;
	if (!clean)
		return fail(u->f, "import", "allocate", ENOMEM);
	*depth = 0;
	for (const char *p = name; *p;) {
		while (*p == '/')
			p++;
		size_t length = strcspn(p, "/");
		if (length == 0 || (length == 1 && p[0] == '.')) {
			p += length;
			continue;
		}
		if (length == 2 && p[0] == '.' && p[1] == '.') {
			free(clean);
			return refuse_entry(u, name,
					    "a '..' component (the archive "
					    "would write outside the layer)",
					    0);
		}
		if (o != clean)
			*o++ = '/';
		memcpy(o, p, length);
		o += length;
		p += length;
		if (++*depth > UNPACK_MAX_DEPTH) {
			free(clean);
			return refuse_entry(u, name, "nested too deep", 0);
		}
	}
	*o = '\0';
	*out = clean;
	return 0;
}

static long sys_openat2(int dir_fd, const char *path, int flags)
{
	struct open_how how = {
	    .flags = (unsigned long long)(flags | O_CLOEXEC),
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
		       RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	return syscall(SYS_openat2, dir_fd, path, &how, sizeof(how));
}

/* Makes the missing directories of path (relative, cleaned), each 0700
 * (applied modes come with their own entries; one the archive never
 * lists stays 0755), and opens the last. */
static int make_parents(struct unpack *u, const char *path, const char *name)
{
	char *copy = strdup(path);
	if (!copy)
		return fail(u->f, "import", "allocate", ENOMEM);
	int fd = -1;
	for (char *slash = copy;; slash++) {
		slash = strchr(slash, '/');
		if (slash)
			*slash = '\0';
		if (mkdirat(u->layer_fd, copy, 0755) < 0 && errno != EEXIST)
			break;
		if (!slash) {
			fd = (int)sys_openat2(u->layer_fd, copy,
					      O_RDONLY | O_DIRECTORY);
			break;
		}
		*slash = '/';
	}
	int error = errno;
	free(copy);
	if (fd < 0)
		return refuse_entry(u, name, "cannot make its directory",
				    error);
	return fd;
}

/* Opens the directory path (cleaned; "" is the layer) for entry name,
 * beneath the layer and through no symlink; made if missing. */
static int open_parent(struct unpack *u, const char *path, const char *name)
{
	if (u->parent_path && strcmp(u->parent_path, path) == 0)
		return u->parent_fd;
	if (u->parent_fd >= 0 && u->parent_fd != u->layer_fd)
		close(u->parent_fd);
	free(u->parent_path);
	u->parent_path = NULL;
	u->parent_fd = -1;
	int fd = path[0] ? (int)sys_openat2(u->layer_fd, path,
					    O_RDONLY | O_DIRECTORY)
			 : u->layer_fd;
	if (fd < 0 && errno == ENOENT)
		fd = make_parents(u, path, name);
	else if (fd < 0 && (errno == ELOOP || errno == EXDEV))
		return refuse_entry(u, name,
				    "its path passes through a symbolic link "
				    "(the archive would write outside the "
				    "layer)",
				    0);
	else if (fd < 0)
		return refuse_entry(u, name, "its directory", errno);
	if (fd < 0)
		return -1;
	u->parent_path = strdup(path);
	if (!u->parent_path) {
		if (fd != u->layer_fd)
			close(fd);
		return fail(u->f, "import", "allocate", ENOMEM);
	}
	u->parent_fd = fd;
	return fd;
}

/* Splits a cleaned, non-empty path into its parent and last component
 * (in place: path becomes the parent). */
static char *split_last(char *path)
{
	char *slash = strrchr(path, '/');
	if (!slash) {
		memmove(path + 1, path, strlen(path) + 1);
		path[0] = '\0';
		return path + 1;
	}
	*slash = '\0';
	return slash + 1;
}

/* Whether name in dir_fd is a whiteout this layer made. */
static bool is_whiteout(int dir_fd, const char *name, const struct stat *st)
{
	if (S_ISCHR(st->st_mode))
		return major(st->st_rdev) == 0 && minor(st->st_rdev) == 0;
	if (!S_ISREG(st->st_mode) || st->st_size != 0)
		return false;
	int fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool marked = fgetxattr(fd, XATTR_WHITEOUT, NULL, 0) >= 0;
	close(fd);
	return marked;
}

/* Sets the opaque mark on the directory open at fd, in this import's
 * form; value "y" (opaque) or "x" (holds whiteouts; never replaces a
 * "y", which hides all below anyway). */
static int mark_directory(struct unpack *u, int fd, const char *value,
			  const char *name)
{
	bool trusted = u->form == WHITEOUT_TRUSTED;
	const char *key = trusted ? XATTR_OPAQUE_TRUSTED : XATTR_OPAQUE_USER;
	char old[2];
	if (value[0] == 'x' && fgetxattr(fd, key, old, 1) == 1 && old[0] == 'y')
		return 0;
	if (fsetxattr(fd, key, value, 1, 0) < 0)
		return refuse_entry(u, name, "cannot mark its directory",
				    errno);
	if (trusted)
		u->trusted_marks = true;
	else
		u->user_marks = true;
	return 0;
}

static int mark_opaque_at(struct unpack *u, int dir_fd, const char *base,
			  const char *name)
{
	int fd = openat(dir_fd, base,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return refuse_entry(u, name, "open", errno);
	int result = mark_directory(u, fd, "y", name);
	close(fd);
	u->counts->opaque_dirs += result == 0;
	return result;
}

/* Makes the way clear for a new entry at base: a whiteout there gives
 * way (a directory then hides what lies below: *opaque), an earlier
 * entry of the same name is replaced, and an existing directory stays
 * for a new directory. Returns 1 when a directory is there to keep. */
static int clear_way(struct unpack *u, int dir_fd, const char *base,
		     bool new_directory, bool *opaque, const char *name)
{
	struct stat st;
	*opaque = false;
	if (fstatat(dir_fd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0
				       : refuse_entry(u, name, "stat", errno);
	if (S_ISDIR(st.st_mode)) {
		if (new_directory)
			return 1;
		int fd =
		    openat(dir_fd, base,
			   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0) {
			empty_directory(fd, UNPACK_MAX_DEPTH + 2);
			close(fd);
		}
		if (unlinkat(dir_fd, base, AT_REMOVEDIR) < 0)
			return refuse_entry(u, name, "replace a directory",
					    errno);
		return 0;
	}
	*opaque = new_directory && is_whiteout(dir_fd, base, &st);
	if (unlinkat(dir_fd, base, 0) < 0)
		return refuse_entry(u, name, "replace", errno);
	return 0;
}

/* ".wh.NAME": NAME of the layers below is deleted. The OCI rule that a
 * whiteout hides only what lies below holds: a directory NAME of this
 * layer becomes opaque instead, a file NAME of it stays. */
static int make_whiteout(struct unpack *u, int dir_fd, const char *target,
			 const char *name)
{
	struct stat st;
	if (!target[0] || strcmp(target, ".") == 0 || strcmp(target, "..") == 0)
		return refuse_entry(u, name, "a whiteout of no valid name", 0);
	if (fstatat(dir_fd, target, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return S_ISDIR(st.st_mode)
			   ? mark_opaque_at(u, dir_fd, target, name)
			   : 0;
	if (errno != ENOENT)
		return refuse_entry(u, name, "stat", errno);
	u->counts->whiteouts++;
	if (u->form != WHITEOUT_USER_XATTR) {
		if (mknodat(dir_fd, target, S_IFCHR | 0, makedev(0, 0)) < 0)
			return refuse_entry(u, name, "make the whiteout",
					    errno);
		return 0;
	}
	/* Writable by us: setting user.* xattrs needs write permission. */
	int fd =
	    openat(dir_fd, target,
		   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return refuse_entry(u, name, "make the whiteout", errno);
	int result = fsetxattr(fd, XATTR_WHITEOUT, "y", 1, 0);
	int error = errno;
	close(fd);
	if (result < 0)
		return refuse_entry(u, name, "mark the whiteout", error);
	u->user_marks = true;
	return mark_directory(u, dir_fd, "x", name);
}

/* Whether the xattr may be set: overlayfs's own are never taken from an
 * archive (they would forge whiteouts, opaque marks or redirects), and
 * without root only user.* can be. */
static bool xattr_allowed(const struct unpack *u, const char *key)
{
	if (strncmp(key, "trusted.overlay.", 16) == 0 ||
	    strncmp(key, "user.overlay.", 13) == 0)
		return false;
	return u->root || strncmp(key, "user.", 5) == 0;
}

static int set_xattrs(struct unpack *u, int fd, const struct tar_entry *e)
{
	for (size_t i = 0; i < e->xattr_count; i++) {
		const struct tar_xattr *x = &e->xattrs[i];
		if (xattr_allowed(u, x->name) &&
		    fsetxattr(fd, x->name, x->value, x->length, 0) == 0)
			continue;
		/* Ours to skip, or the filesystem's (security.selinux
		 * without SELinux): counted, not fatal. */
		if (xattr_allowed(u, x->name) && errno != EOPNOTSUPP &&
		    errno != EPERM)
			return refuse_entry(u, e->name, x->name, errno);
		u->counts->xattrs_skipped++;
	}
	return 0;
}

/* Root keeps setuid and setgid; without root they go, as the files are
 * the caller's (a setuid file of ours would be setuid to us). */
static mode_t entry_mode(const struct unpack *u, mode_t mode)
{
	return u->root ? mode : mode & ~(mode_t)(S_ISUID | S_ISGID);
}

static struct timespec *times_of(int64_t mtime, struct timespec t[2])
{
	t[0] = t[1] = (struct timespec){.tv_sec = (time_t)mtime};
	return t;
}

static int copy_data(struct unpack *u, int fd, const struct tar_entry *e)
{
	ssize_t n;
	while ((n = tar_read(u->reader, u->buffer, COPY_BUFFER)) > 0) {
		if (write_all(fd, u->buffer, (size_t)n) < 0)
			return refuse_entry(u, e->name, "write", errno);
		u->counts->bytes += (uint64_t)n;
	}
	if (n < 0)
		return refuse_entry(u, e->name, u->reader->error, 0);
	return 0;
}

static int make_file(struct unpack *u, int dir_fd, const char *base,
		     const struct tar_entry *e)
{
	struct timespec t[2];
	int fd =
	    openat(dir_fd, base,
		   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return refuse_entry(u, e->name, "create", errno);
	/* chown before chmod and the xattrs: it clears setuid bits and
	 * file capabilities. */
	int result = copy_data(u, fd, e);
	if (result == 0 && ((u->root && fchown(fd, e->uid, e->gid) < 0) ||
			    fchmod(fd, entry_mode(u, e->mode)) < 0))
		result = refuse_entry(u, e->name, "set owner and mode", errno);
	if (result == 0)
		result = set_xattrs(u, fd, e);
	if (result == 0 && futimens(fd, times_of(e->mtime, t)) < 0)
		result = refuse_entry(u, e->name, "set mtime", errno);
	close(fd);
	return result;
}

static int defer_directory(struct unpack *u, const char *path, unsigned depth,
			   const struct tar_entry *e)
{
	if (u->dir_count == u->dir_capacity) {
		size_t grown = u->dir_capacity ? 2 * u->dir_capacity : 64;
		struct deferred *dirs = realloc(u->dirs, grown * sizeof(*dirs));
		if (!dirs)
			return fail(u->f, "import", "allocate", ENOMEM);
		u->dirs = dirs;
		u->dir_capacity = grown;
	}
	struct deferred *d = &u->dirs[u->dir_count];
	*d = (struct deferred){strdup(path), entry_mode(u, e->mode), e->mtime,
			       depth, u->dir_count};
	if (!d->path)
		return fail(u->f, "import", "allocate", ENOMEM);
	u->dir_count++;
	return 0;
}

static int make_directory(struct unpack *u, int dir_fd, const char *base,
			  const char *path, unsigned depth,
			  const struct tar_entry *e, bool opaque)
{
	int fd = base[0] ? -1 : u->layer_fd; /* "" is the layer itself */
	if (fd < 0 && mkdirat(dir_fd, base, 0700) < 0 && errno != EEXIST)
		return refuse_entry(u, e->name, "mkdir", errno);
	if (fd < 0)
		fd = openat(dir_fd, base,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return refuse_entry(u, e->name, "open", errno);
	int result = 0;
	if (u->root && fchown(fd, e->uid, e->gid) < 0)
		result = refuse_entry(u, e->name, "chown", errno);
	if (result == 0)
		result = set_xattrs(u, fd, e);
	if (result == 0 && opaque) {
		result = mark_directory(u, fd, "y", e->name);
		u->counts->opaque_dirs++;
	}
	if (fd != u->layer_fd)
		close(fd);
	return result < 0 ? -1 : defer_directory(u, path, depth, e);
}

/* Symlinks, hard links, devices and FIFOs: no data, no xattrs kept
 * (user.* cannot be set on a symlink, nor ours on a device). */
static int make_special(struct unpack *u, int dir_fd, const char *base,
			const struct tar_entry *e)
{
	struct timespec t[2];
	int result;
	switch (e->type) {
	case TAR_SYMLINK:
		result = symlinkat(e->link, dir_fd, base);
		break;
	case TAR_FIFO:
		result = mknodat(dir_fd, base, S_IFIFO | 0600, 0);
		break;
	default:
		result =
		    mknodat(dir_fd, base,
			    (e->type == TAR_CHAR ? S_IFCHR : S_IFBLK) | 0600,
			    makedev(e->major, e->minor));
	}
	if (result < 0)
		return refuse_entry(u, e->name, "create", errno);
	u->counts->xattrs_skipped += (unsigned)e->xattr_count;
	if (u->root &&
	    fchownat(dir_fd, base, e->uid, e->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return refuse_entry(u, e->name, "chown", errno);
	/* A symlink's own mode means nothing; the others are nodes we just
	 * made in our private directory. */
	if (e->type != TAR_SYMLINK &&
	    fchmodat(dir_fd, base, entry_mode(u, e->mode), 0) < 0)
		return refuse_entry(u, e->name, "chmod", errno);
	if (utimensat(dir_fd, base, times_of(e->mtime, t),
		      AT_SYMLINK_NOFOLLOW) < 0)
		return refuse_entry(u, e->name, "set mtime", errno);
	return 0;
}

/* A hard link: its target is a name of this layer, cleaned and resolved
 * like any entry's (never through a symlink, never outside). */
static int make_hardlink(struct unpack *u, int dir_fd, const char *base,
			 const struct tar_entry *e)
{
	char *target;
	unsigned depth;
	if (clean_name(u, e->link, &target, &depth) < 0)
		return -1;
	if (!target[0]) {
		free(target);
		return refuse_entry(u, e->name, "a hard link to the layer", 0);
	}
	char *target_base = split_last(target);
	int target_dir = target[0] ? (int)sys_openat2(u->layer_fd, target,
						      O_PATH | O_DIRECTORY)
				   : u->layer_fd;
	int result = 0;
	if (target_dir < 0 && (errno == ELOOP || errno == EXDEV))
		result = refuse_entry(u, e->name,
				      "a hard link through a symbolic link", 0);
	else if (target_dir < 0 && errno == ENOENT)
		result = refuse_entry(
		    u, e->name, "a hard link to a name not in this layer", 0);
	else if (target_dir < 0)
		result = refuse_entry(u, e->name, "a hard link", errno);
	else if (linkat(target_dir, target_base, dir_fd, base, 0) < 0)
		result = refuse_entry(u, e->name,
				      errno == ENOENT
					  ? "a hard link to a name not in "
					    "this layer"
					  : "link",
				      errno == ENOENT ? 0 : errno);
	if (target_dir >= 0 && target_dir != u->layer_fd)
		close(target_dir);
	free(target);
	return result;
}

static int unpack_entry(struct unpack *u, const struct tar_entry *e)
{
	char *path;
	unsigned depth;
	if (clean_name(u, e->name, &path, &depth) < 0)
		return -1;
	int result = -1;
	if (!path[0]) { /* "./": the layer's root itself */
		result =
		    e->type == TAR_DIRECTORY
			? make_directory(u, u->layer_fd, "", "", 0, e, false)
			: refuse_entry(u, e->name,
				       "not a directory, at the root", 0);
		free(path);
		return result;
	}
	char *full = strdup(path);
	char *base = split_last(path);
	int dir_fd = full ? open_parent(u, path, e->name) : -1;
	bool opaque;
	if (!full)
		fail(u->f, "import", "allocate", ENOMEM);
	else if (dir_fd < 0)
		;
	else if (strcmp(base, ".wh..wh..opq") == 0) {
		result = mark_directory(u, dir_fd, "y", e->name);
		u->counts->opaque_dirs += result == 0;
	} else if (strncmp(base, ".wh..wh.", 8) == 0)
		result = 0; /* aufs's own bookkeeping: no file of the image */
	else if (strncmp(base, ".wh.", 4) == 0)
		result = make_whiteout(u, dir_fd, base + 4, e->name);
	else if (!u->root &&
		 (e->type == TAR_CHAR || e->type == TAR_BLOCK_DEVICE)) {
		u->counts->devices_skipped++;
		result = 0;
	} else {
		result = clear_way(u, dir_fd, base, e->type == TAR_DIRECTORY,
				   &opaque, e->name);
		if (result == 1 || (result == 0 && e->type == TAR_DIRECTORY))
			result = make_directory(u, dir_fd, base, full, depth, e,
						opaque);
		else if (result == 0 && e->type == TAR_FILE)
			result = make_file(u, dir_fd, base, e);
		else if (result == 0 && e->type == TAR_HARDLINK)
			result = make_hardlink(u, dir_fd, base, e);
		else if (result == 0)
			result = make_special(u, dir_fd, base, e);
	}
	free(full);
	free(path);
	return result;
}

/* Deepest first, then in the archive's order (a later entry for the
 * same directory wins). */
static int compare_deferred(const void *a, const void *b)
{
	const struct deferred *x = a, *y = b;
	if (x->depth != y->depth)
		return x->depth > y->depth ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int finish_directories(struct unpack *u)
{
	struct timespec t[2];
	if (u->dir_count)
		qsort(u->dirs, u->dir_count, sizeof(*u->dirs),
		      compare_deferred);
	for (size_t i = 0; i < u->dir_count; i++) {
		const struct deferred *d = &u->dirs[i];
		int fd = d->path[0] ? (int)sys_openat2(u->layer_fd, d->path,
						       O_RDONLY | O_DIRECTORY)
				    : u->layer_fd;
		if (fd < 0)
			continue; /* replaced by a later entry */
		int result = fchmod(fd, d->mode) < 0 ||
				     futimens(fd, times_of(d->mtime, t)) < 0
				 ? -1
				 : 0;
		int error = errno;
		if (fd != u->layer_fd)
			close(fd);
		if (result < 0)
			return refuse_entry(u, d->path[0] ? d->path : "/",
					    "set mode and mtime", error);
	}
	return 0;
}

int unpack_layer(struct tar_reader *r, int layer_fd, enum whiteout_form form,
		 bool root, struct unpack_counts *counts,
		 enum layer_marks *marks, struct failure *f)
{
	struct unpack u = {.reader = r,
			   .layer_fd = layer_fd,
			   .form = form,
			   .root = root,
			   .counts = counts,
			   .f = f,
			   .parent_fd = -1,
			   .buffer = malloc(COPY_BUFFER)};
	struct tar_entry e = {0};
	int result = u.buffer ? 0 : fail(f, "import", "allocate", ENOMEM);
	int got;
	while (result == 0 && (got = tar_next(r, &e)) != 0) {
		if (got < 0) {
			result = fail(f, "import", r->error, 0);
			break;
		}
		counts->entries++;
		result = unpack_entry(&u, &e);
	}
	if (result == 0)
		result = finish_directories(&u);
	*marks = u.trusted_marks ? MARKS_TRUSTED
		 : u.user_marks	 ? MARKS_USER
				 : MARKS_ANY;
	tar_free_entry(&e);
	if (u.parent_fd >= 0 && u.parent_fd != layer_fd)
		close(u.parent_fd);
	free(u.parent_path);
	for (size_t i = 0; i < u.dir_count; i++)
		free(u.dirs[i].path);
	free(u.dirs);
	free(u.buffer);
	return result;
}

int write_layer_record(int layer_fd, enum layer_marks marks, bool root,
		       struct failure *f)
{
	const char *value = layer_marks_value(marks);
	/* Root writes both: the trusted one no container can forge, and the
	 * user one that a run without root can read. */
	if ((root && fsetxattr(layer_fd, LAYER_RECORD_TRUSTED, value,
			       strlen(value), 0) < 0) ||
	    (fsetxattr(layer_fd, LAYER_RECORD_USER, value, strlen(value), 0) <
		 0 &&
	     !(root && errno == EOPNOTSUPP)))
		return fail(f, "import", "record the layer's marks", errno);
	return 0;
}
