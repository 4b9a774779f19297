/* state.h - the OCI runtime's state directory: ROOT/ID/ holds
 * state.json (the container's pid and what `state` prints), a copy of
 * its config.json (for exec and delete) and, until it is started,
 * exec.fifo, where its first process waits. Files are written whole
 * (a temporary file renamed over), and start, kill, delete and exec
 * lock the directory. */
#ifndef CONTAINER_FS_OCI_STATE_H
#define CONTAINER_FS_OCI_STATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "spec.h"
#include "utils.h"

#define MAX_ID_LENGTH 1024

/* What state.json records. */
struct oci_state {
	char id[MAX_ID_LENGTH + 1];
	pid_t pid;		       /* 0 while creating */
	unsigned long long start_time; /* the pid's, in clock ticks after
					  boot: a pid reused is not it */
	char *bundle, *rootfs;
	char created[40];   /* RFC 3339, UTC */
	char **annotations; /* key, value, ... */
	size_t annotation_count;
	bool creating;
};

/* Whether id is one runc would take: [A-Za-z0-9_.+-], 1 to 1,024 bytes,
 * not "." or "..". */
bool valid_id(const char *id);

/* Opens the state root (made, mode 0700, if missing). Returns its fd,
 * or -1. */
int open_state_root(const char *root, struct failure *f);

/* Makes ROOT/ID, refusing an ID already there. Returns its fd, or -1. */
int make_container_directory(int root_fd, const char *id, struct failure *f);

/* Opens ROOT/ID, locked (flock, exclusive) when lock. Returns its fd, or
 * -1 (errno ENOENT: no such container). */
int open_container_directory(int root_fd, const char *id, bool lock,
			     struct failure *f);

/* Removes ROOT/ID and what it holds. */
void remove_container_directory(int root_fd, const char *id);

/* Writes a file of the directory whole: a temporary one renamed over
 * it. 0 or -1. */
int write_file_whole(int dir_fd, const char *name, const char *text,
		     size_t length, mode_t mode, struct failure *f);

/* Writes pid to the file at path (--pid-file), whole. 0 or -1. */
int write_pid_file(const char *path, pid_t pid, struct failure *f);

/* Writes state.json. 0 or -1. */
int write_state(int dir_fd, const struct oci_state *st, struct failure *f);

/* Reads state.json. 0 or -1. */
int read_state(int dir_fd, struct oci_state *st, struct failure *f);

void free_state(struct oci_state *st);

/* The state's pid and its start time from /proc: now. 0 or -1. */
int record_pid(struct oci_state *st, pid_t pid, struct failure *f);

/* "creating", "created", "running" or "stopped": the process alive (the
 * same one: start time checked; a zombie is stopped), and waiting at
 * exec.fifo or past it. */
const char *container_status(int dir_fd, const struct oci_state *st);

/* The state as `state` prints it (and hooks read it). */
int append_state_json(struct string *out, const struct oci_state *st,
		      const char *status);

/* The current time, RFC 3339 with nanoseconds, UTC. */
void rfc3339_now(char *out, size_t size);

#endif
