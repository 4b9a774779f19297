/* remove.c - `container-fs rm WRITEDIR...`: removing WRITEDIRs, files of
 * the container's other users included.
 *
 * Without root, files a container made as one of its other users (an
 * adduser, then su) belong to our subordinate ids on the host, and
 * plain rm cannot remove them. As `podman unshare` does, the removal
 * then runs in a user namespace with the maps of a run, where we are
 * root over every one of those ids. Everything else is a run's: the
 * same lock, the same record, the same refusals. */
#include "remove.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "janitor.h"
#include "userns.h"
#include "utils.h"
#include "writedir.h"

struct removal {
	const struct writedir *w;
	const struct id_maps *maps; /* NULL: remove as we are */
};

static int empty_writedir(void *arg, struct failure *f)
{
	const struct removal *r = arg;
	return empty_tree(r->w->fd, r->w->path, f);
}

static int refuse(struct writedir *w, const char *problem, const char *hint,
		  struct failure *f)
{
	fail(f, "rm", w->path, 0);
	snprintf(f->detail, sizeof(f->detail), "%.3900s %s", w->path, problem);
	return hint ? add_hint(f, "%s", hint) : -1;
}

/* WRITEDIR itself, once empty: only while its name still leads to the
 * directory we emptied (device and inode), never through a symlink. */
static int remove_emptied(struct writedir *w, struct failure *f)
{
	struct stat named;
	if (fstatat(w->parent_fd, w->base, &named, AT_SYMLINK_NOFOLLOW) < 0)
		return fail(f, "rm", w->path, errno);
	if (named.st_dev != w->own.st_dev || named.st_ino != w->own.st_ino)
		return refuse(w, "was replaced while it was emptied", NULL, f);
	if (unlinkat(w->parent_fd, w->base, AT_REMOVEDIR) < 0)
		return fail(f, "rm", w->path, errno);
	return 0;
}

static int remove_writedir(const char *name, bool root,
			   const struct id_maps *maps, struct failure *f)
{
	struct writedir w;
	struct removal r = {.w = &w, .maps = maps};
	int result = -1;
	if (open_writedir(&w, name, NULL, f) < 0)
		goto out;
	if (w.fd < 0) {
		fail(f, "rm", w.path, ENOENT);
		goto out;
	}
	/* Only what a run marked as its own: not a layer, not a home. */
	if (read_record(&w, !root, f) < 0)
		goto out;
	if (!w.has_record) {
		refuse(&w, "is not a WRITEDIR container-fs made",
		       "it has no record of a run (the xattr "
		       "trusted.overlay.container-fs or "
		       "user.overlay.container-fs); remove it yourself",
		       f);
		goto out;
	}
	if (lock_writedir_for_removal(&w, f) < 0)
		goto out;
	if ((maps ? run_in_userns(maps, empty_writedir, &r, f)
		  : empty_writedir(&r, f)) < 0 ||
	    remove_emptied(&w, f) < 0)
		goto out;
	result = 0;
out:
	/* Drops the lock and removes its directory. */
	release_writedir(&w, true);
	return result;
}

/* A deep tree takes one fd a level: allow as many as we may. */
static void raise_fd_limit(void)
{
	struct rlimit limit;
	if (getrlimit(RLIMIT_NOFILE, &limit) == 0 &&
	    limit.rlim_cur < limit.rlim_max) {
		limit.rlim_cur = limit.rlim_max;
		setrlimit(RLIMIT_NOFILE, &limit);
	}
}

int remove_writedirs(char **names, int count)
{
	struct id_maps maps = {0};
	struct failure f;
	bool root = is_host_root();
	int failed = 0;
	raise_fd_limit();
	/* The maps a run would use; only subordinate ids need them. */
	if (!root && plan_id_maps(&maps, false, &f) < 0) {
		print_failure(&f);
		return EXIT_SETUP_FAILED;
	}
	bool inside = !root && maps.kind == IDS_SUBORDINATE && !maps.fallback;
	for (int i = 0; i < count; i++)
		if (remove_writedir(names[i], root, inside ? &maps : NULL, &f) <
		    0) {
			print_failure(&f);
			failed++;
		}
	free_id_maps(&maps);
	return failed ? EXIT_SETUP_FAILED : 0;
}
