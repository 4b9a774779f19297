/* janitor.c - removing what a run made (the lock and work directory, a
 * WRITEDIR COMMAND never ran in) and giving WRITEDIR back its own mode
 * and owner: by container-fs at the end of a run or, if it is killed,
 * by the janitor.
 *
 * Everything here may run in the janitor, which shares memory with a
 * process that may have died in the middle of malloc: no allocation, no
 * stdio, directories read with getdents64 into the stack. */
#include "janitor.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "process.h"
#include "userns.h"

#define WRITEDIR_DEPTH 16 /* mount points and volume targets setup made */
#define LOCK_DEPTH     4  /* overlayfs's work/work and index */

/* Removes name in parent: a file at once, a directory once emptied. */
static void remove_entry(int parent, const char *name, int depth)
{
	/* A directory of ours without write permission (an imported
	 * layer's read-only directory, without root): give it back. */
	int result = unlinkat(parent, name, 0);
	if (result < 0 && errno == EACCES && fchmod(parent, 0700) == 0)
		result = unlinkat(parent, name, 0);
	if (result == 0 || errno == ENOENT ||
	    (errno != EISDIR && errno != EPERM) || depth < 0)
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
	empty_directory(fd, depth);
	close(fd);
	unlinkat(parent, name, AT_REMOVEDIR);
}

void empty_directory(int fd, int depth)
{
	char buffer[1024] __attribute__((aligned(8)));
	ssize_t length;
	if (lseek(fd, 0, SEEK_SET) < 0)
		return;
	while ((length = getdents64(fd, buffer, sizeof(buffer))) > 0) {
		for (ssize_t at = 0; at < length;) {
			struct dirent64 *entry = (void *)(buffer + at);
			at += entry->d_reclen;
			if (strcmp(entry->d_name, ".") != 0 &&
			    strcmp(entry->d_name, "..") != 0)
				remove_entry(fd, entry->d_name, depth - 1);
		}
	}
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

void remove_directory(int parent_fd, const char *name,
		      const struct stat *expected, int depth)
{
	struct stat st;
	if (fstatat(parent_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !same_file(&st, expected))
		return;
	if (depth > 1) {
		int fd =
		    openat(parent_fd, name,
			   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return;
		if (fstat(fd, &st) == 0 && same_file(&st, expected))
			empty_directory(fd, depth);
		close(fd);
	}
	unlinkat(parent_fd, name, AT_REMOVEDIR);
}

/* WRITEDIR's owner and mode, to give back from inside a namespace. */
struct owner_and_mode {
	int fd;
	long uid, gid; /* as that namespace sees them */
	mode_t mode;
};

static int restore_inside(void *arg, struct failure *f)
{
	const struct owner_and_mode *o = arg;
	if (fchown(o->fd, (uid_t)o->uid, (gid_t)o->gid) < 0 ||
	    fchmod(o->fd, o->mode) < 0)
		return fail(f, "writedir", "give back its owner", errno);
	return 0;
}

/* The container's root may have changed "/" (chmod, chown): WRITEDIR
 * gets the mode and owner it had before the run. Owner first: chown
 * may clear mode bits. Without root, a container that chowned "/" to
 * one of our subordinate ids left it out of our reach: from a user
 * namespace with the same maps, where we are root over those ids, it
 * is ours again. */
static void restore_writedir(const struct writedir *w, int writedir_fd)
{
	struct stat now;
	if (fstat(writedir_fd, &now) < 0 || !same_file(&now, &w->own))
		return;
	bool restored = true;
	if (now.st_uid != w->own.st_uid || now.st_gid != w->own.st_gid)
		restored =
		    fchown(writedir_fd, w->own.st_uid, w->own.st_gid) == 0;
	restored = restored && fchmod(writedir_fd, w->own.st_mode & 07777) == 0;
	if (restored || !w->maps)
		return;
	struct owner_and_mode o = {.fd = writedir_fd,
				   .uid = uid_inside(w->maps, w->own.st_uid),
				   .gid = gid_inside(w->maps, w->own.st_gid),
				   .mode = w->own.st_mode & 07777};
	struct failure f;
	if (o.uid >= 0 && o.gid >= 0)
		run_in_userns(w->maps, restore_inside, &o, &f);
}

void clean_up_writedir(const struct writedir *w, int writedir_fd, int parent_fd,
		       int lock_fd, bool remove_created)
{
	struct stat lock;
	if (remove_created)
		remove_directory(parent_fd, w->base, &w->own, WRITEDIR_DEPTH);
	else
		restore_writedir(w, writedir_fd);
	if (fstat(lock_fd, &lock) == 0)
		remove_directory(parent_fd, w->lock_name, &lock, LOCK_DEPTH);
}

/* Opens name in dir_fd, a directory of the same mount: never through a
 * symlink, never into another filesystem mounted there. */
static int open_subdirectory(int dir_fd, const char *name)
{
	struct open_how how = {
	    .flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
		       RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	int fd = (int)syscall(SYS_openat2, dir_fd, name, &how, sizeof(how));
	/* overlayfs makes work/work with mode 0, and so may a container. */
	if (fd < 0 && errno == EACCES &&
	    fchmodat(dir_fd, name, 0700, AT_SYMLINK_NOFOLLOW) == 0)
		fd = (int)syscall(SYS_openat2, dir_fd, name, &how, sizeof(how));
	return fd;
}

/* Notes the first entry that could not be removed. */
static void note_failure(struct failure *f, int *result, struct string *path,
			 const char *name, int error)
{
	if (*result < 0)
		return;
	*result = -1;
	fail(f, "rm", path->data, error);
	snprintf(f->detail, sizeof(f->detail), "%.3900s/%.255s", path->data,
		 name);
	if (error == EXDEV)
		add_hint(f, "it is a mount point: unmount it first");
}

/* Empties the directory read through dir, path its name for messages;
 * depth is bounded by the fds we may open (one a level). */
static int empty_tree_at(DIR *dir, struct string *path, struct failure *f)
{
	int fd = dirfd(dir), result = 0;
	struct dirent *entry;
	while ((entry = readdir(dir))) {
		const char *name = entry->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
		    unlinkat(fd, name, 0) == 0 || errno == ENOENT)
			continue;
		if (errno != EISDIR && entry->d_type != DT_DIR) {
			note_failure(f, &result, path, name, errno);
			continue;
		}
		int sub = open_subdirectory(fd, name);
		DIR *subdir = sub < 0 ? NULL : fdopendir(sub);
		if (!subdir) {
			note_failure(f, &result, path, name, errno);
			if (sub >= 0)
				close(sub);
			continue;
		}
		size_t length = path->length;
		if (append_string(path, "/") < 0 ||
		    append_string(path, name) < 0) {
			closedir(subdir);
			note_failure(f, &result, path, name, ENOMEM);
			continue;
		}
		if (empty_tree_at(subdir, path, f) < 0)
			result = -1;
		closedir(subdir);
		path->length = length;
		path->data[length] = '\0';
		if (unlinkat(fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
			note_failure(f, &result, path, name, errno);
	}
	return result;
}

int empty_tree(int fd, const char *path, struct failure *f)
{
	struct string name = {0};
	int own = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = own < 0 ? NULL : fdopendir(own);
	int result;
	if (!dir || append_string(&name, path) < 0)
		result = fail(f, "rm", path, errno);
	else
		result = empty_tree_at(dir, &name, f);
	if (dir)
		closedir(dir);
	else if (own >= 0)
		close(own);
	free_string(&name);
	return result;
}

/* Takes WRITEDIR's lock as a run does, waiting for whoever holds it
 * (our own container, until it execs or dies, or a later run). Returns
 * the lock directory's fd, flocked and still in place, or -1. */
static int wait_for_lock(const struct writedir *w, int parent_fd)
{
	for (int tries = 0; tries < 100; tries++) {
		int fd =
		    openat(parent_fd, w->lock_name,
			   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT &&
		    mkdirat(parent_fd, w->lock_name, 0700) == 0)
			continue;
		if (fd < 0)
			return -1;
		struct stat held, named;
		if (fstat(fd, &held) < 0 || held.st_uid != geteuid() ||
		    flock(fd, LOCK_EX) < 0) {
			close(fd);
			return -1;
		}
		/* Removed by the run that held it: take the next one. */
		if (fstatat(parent_fd, w->lock_name, &named,
			    AT_SYMLINK_NOFOLLOW) == 0 &&
		    same_file(&named, &held))
			return fd;
		close(fd);
	}
	return -1;
}

/* The janitor's whole life. It shares our memory (CLONE_VM), reads
 * fields of w that are set before it starts and never change (and
 * what the pipe tells it), and calls nothing that allocates. Its
 * fds: 0 the pipe, 1 WRITEDIR, 2 the directory holding it and the lock;
 * nothing else, not even the terminal. */
static int run_janitor(void *arg)
{
	const struct writedir *w = arg;
	bool remove_created = w->created;
	/* Ctrl-C or a kill of our process group must not stop it. */
	sigset_t all;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	if (dup2(w->janitor_reader, 0) < 0 || dup2(w->fd, 1) < 0 ||
	    dup2(w->parent_fd, 2) < 0 ||
	    syscall(SYS_close_range, 3, ~0U, 0) < 0)
		_exit(1);
	/* container-fs writes 'l' and the lock directory's inode once the
	 * lock is its own, 'r' once COMMAND runs (its WRITEDIR is then the
	 * user's to keep), and 'd' once it has cleaned up itself. Told, not
	 * read from the memory we share: the sanitizer build starts us as a
	 * copy, which sees nothing written after the start. */
	char message[1 + sizeof(unsigned long long)];
	unsigned long long lock_ino = 0;
	ssize_t n;
	while ((n = read(0, message, 1)) == 1 || (n < 0 && errno == EINTR)) {
		if (n == 1 && message[0] == 'd')
			_exit(0);
		if (n == 1 && message[0] == 'r')
			remove_created = false;
		/* The rest came in the same write (9 bytes: one piece). */
		if (n == 1 && message[0] == 'l' &&
		    read(0, message + 1, sizeof(lock_ino)) ==
			(ssize_t)sizeof(lock_ino))
			memcpy(&lock_ino, message + 1, sizeof(lock_ino));
	}
	/* container-fs died. */
	int lock_fd = wait_for_lock(w, 2);
	if (lock_fd < 0)
		_exit(1);
	struct stat lock;
	if (fstat(lock_fd, &lock) == 0 &&
	    (unsigned long long)lock.st_ino == lock_ino) {
		clean_up_writedir(w, 1, 2, lock_fd, remove_created);
		_exit(0);
	}
	/* Killed before it held the lock, so another run may have used
	 * WRITEDIR since: a WRITEDIR made for this run goes only if still
	 * empty. The lock directory is ours now (made or emptied). */
	if (remove_created)
		remove_directory(2, w->base, &w->own, 1);
	remove_directory(2, w->lock_name, &lock, LOCK_DEPTH);
	_exit(0);
}

int start_janitor(struct writedir *w, struct failure *f)
{
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

void tell_janitor_locked(struct writedir *w, unsigned long long lock_ino)
{
	char message[1 + sizeof(lock_ino)] = {'l'};
	memcpy(message + 1, &lock_ino, sizeof(lock_ino));
	if (w->janitor_pid >= 0)
		write_all(w->janitor_pipe, message, sizeof(message));
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
