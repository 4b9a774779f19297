/* utils.h - string building, path escaping and the one error path. */
#ifndef CONTAINER_FS_UTILS_H
#define CONTAINER_FS_UTILS_H

#include <stdbool.h>
#include <stddef.h>

/* Exit statuses of container-fs itself, as docker and podman use them. */
#define EXIT_SETUP_FAILED   125
#define EXIT_CANNOT_EXECUTE 126
#define EXIT_NOT_FOUND	    127

/* A growable, always NUL-terminated string. Zero-initialise before use. */
struct string {
	char *data;
	size_t length;
	size_t capacity;
};

/* Appends text to s, growing it as needed. Returns 0, or -1 with errno
 * ENOMEM (s is left as it was). */
int append_string(struct string *s, const char *text);

/* Appends path to s with a backslash before each '\', ',' and ':', the
 * characters overlayfs splits its option string on. Returns 0 or -1. */
int escape_directory(struct string *s, const char *path);

void free_string(struct string *s);

/*
 * The one error path. A failing step fills a struct failure and returns -1;
 * in the container the struct travels to the parent over a close-on-exec
 * pipe, so the user always sees the error from container-fs itself, as one
 * line: "container-fs: <step>: <detail>: <strerror> (hint: <hint>)".
 * Fixed-size fields let it cross the pipe as plain bytes.
 */
struct failure {
	char step[32];
	char detail[4200]; /* room for a PATH_MAX path and a few words */
	char hint[512];
	int error;  /* errno, or 0 when strerror adds nothing */
	int status; /* exit status container-fs ends with */
};

/* Records a failure of step on detail with error (an errno value or 0);
 * the exit status is 125. Returns -1 so a step can `return fail(...)`. */
int fail(struct failure *f, const char *step, const char *detail, int error);

/* Adds a hint (printf-style) to a recorded failure. Returns -1. */
int add_hint(struct failure *f, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints the failure as one line on stderr. */
void print_failure(const struct failure *f);

/* The failure's line without the "container-fs: " before it, into out
 * (size bytes, always NUL-terminated). */
void format_failure(const struct failure *f, char *out, size_t size);

/* A warning: something asked for is not done, and the run goes on.
 * One line on stderr ("container-fs: warning: ..."), unless a front
 * end sends warnings elsewhere (the OCI runtime's log) with
 * warning_sink. */
void warn(const char *format, ...) __attribute__((format(printf, 1, 2)));
extern void (*warning_sink)(const char *message);

/* write(2) all of buf, retrying short writes and EINTR. 0 or -1. */
int write_all(int fd, const void *buf, size_t length);

/* Sends fd over a unix socket (SCM_RIGHTS) with text, NUL included, as
 * the message (runc's console socket protocol sends the pty's name). 0
 * or -1 with errno set. */
int send_fd(int socket, int fd, const char *text);

/* The one fd of a message on socket (recvmsg with flags, the fd
 * close-on-exec), its text into text (size bytes, may be 0), or -1 with
 * errno set (EPROTO: a message without exactly one fd). */
int receive_fd(int socket, int flags, char *text, size_t size);

/* Whether path equals ancestor or lies below it; both must be canonical. */
bool path_is_within(const char *path, const char *ancestor);

#endif
