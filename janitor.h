/* janitor.h - removing what a run made (the work directory, a WRITEDIR
 * COMMAND never ran in) and giving WRITEDIR back its own mode and owner,
 * by container-fs itself or, if it is killed, by the janitor. */
#ifndef CONTAINER_FS_JANITOR_H
#define CONTAINER_FS_JANITOR_H

#include <stdbool.h>
#include <sys/stat.h>

#include "utils.h"
#include "writedir.h"

/* Removes everything in the directory open at fd (O_RDONLY), recursing
 * at most depth levels; entries it cannot remove stay. Never follows a
 * symlink, never allocates (the janitor calls it). */
void empty_directory(int fd, int depth);

/* Removes name in parent_fd, but only while it is still the directory
 * that was expected (same device and inode): a name swapped meanwhile
 * for something else is left alone. Empties it through its own fd
 * first, up to depth levels. */
void remove_directory(int parent_fd, const char *name,
		      const struct stat *expected, int depth);

/* Removes everything in the directory open at fd (not the directory
 * itself), path its name for messages: every entry, however deep (up to
 * the fds we may open), never through a symlink or into another mount.
 * Mode-0 directories are opened with chmod. Returns 0, or -1 with f
 * naming the first entry it could not remove (it goes on with the
 * rest). Allocates: not for the janitor. */
int empty_tree(int fd, const char *path, struct failure *f);

/* The end of a run, for container-fs and the janitor alike, holding the
 * lock (lock_fd, flocked): WRITEDIR gets its own mode and owner back
 * (from w->maps's namespace if the container gave "/" to a subordinate
 * id),
 * with remove_created a WRITEDIR this run created is removed, and last
 * the lock directory. writedir_fd and parent_fd are the caller's fds of
 * WRITEDIR and its parent. */
void clean_up_writedir(const struct writedir *w, int writedir_fd, int parent_fd,
		       int lock_fd, bool remove_created);

/* Starts the janitor: a small process that cleans up (as above) if
 * container-fs itself is killed, SIGKILL included. It waits on a pipe
 * and then for the workdir's lock, so it never touches a workdir
 * another run is using. 0 or -1. */
int start_janitor(struct writedir *w, struct failure *f);

/* Tells the janitor the lock is ours (the lock directory's inode): it
 * then cleans up as we would if we die. */
void tell_janitor_locked(struct writedir *w, unsigned long long lock_ino);

/* Tells the janitor COMMAND runs: a WRITEDIR this run created is kept
 * even if container-fs is killed. */
void tell_janitor_command_ran(struct writedir *w);

/* Tells the janitor all is cleaned up and reaps it. */
void stop_janitor(struct writedir *w);

#endif
