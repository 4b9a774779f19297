/* utils.c - string building, path escaping and the one error path. */
#include "utils.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Makes room for extra more bytes plus the NUL, doubling so that building
 * a long option string stays linear. */
static int reserve(struct string *s, size_t extra)
{
	size_t needed = s->length + extra + 1;
	if (needed < extra) {
		errno = ENOMEM;
		return -1;
	}
	if (needed <= s->capacity)
		return 0;
	size_t capacity = s->capacity ? s->capacity : 64;
	while (capacity < needed)
		capacity *= 2;
	char *data = realloc(s->data, capacity);
	if (!data)
		return -1;
	s->data = data;
	s->capacity = capacity;
	return 0;
}

int append_string(struct string *s, const char *text)
{
	size_t length = strlen(text);
	if (reserve(s, length) < 0)
		return -1;
	memcpy(s->data + s->length, text, length + 1);
	s->length += length;
	return 0;
}

int escape_directory(struct string *s, const char *path)
{
	/* Worst case every byte gains a backslash. */
	size_t length = strlen(path);
	if (length > (size_t)-1 / 2 || reserve(s, 2 * length) < 0) {
		errno = ENOMEM;
		return -1;
	}
	char *out = s->data + s->length;
	for (const char *p = path; *p; p++) {
		if (*p == '\\' || *p == ',' || *p == ':')
			*out++ = '\\';
		*out++ = *p;
	}
	*out = '\0';
	s->length = (size_t)(out - s->data);
	return 0;
}

void free_string(struct string *s)
{
	free(s->data);
	*s = (struct string){0};
}

int fail(struct failure *f, const char *step, const char *detail, int error)
{
	snprintf(f->step, sizeof(f->step), "%s", step);
	snprintf(f->detail, sizeof(f->detail), "%s", detail ? detail : "");
	f->hint[0] = '\0';
	f->error = error;
	f->status = EXIT_SETUP_FAILED;
	return -1;
}

int add_hint(struct failure *f, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	vsnprintf(f->hint, sizeof(f->hint), format, args);
	va_end(args);
	return -1;
}

void format_failure(const struct failure *f, char *out, size_t size)
{
	snprintf(out, size, "%s%s%s%s%s%s%s%s", f->step,
		 f->detail[0] ? ": " : "", f->detail, f->error ? ": " : "",
		 f->error ? strerror(f->error) : "",
		 f->hint[0] ? " (hint: " : "", f->hint, f->hint[0] ? ")" : "");
}

void print_failure(const struct failure *f)
{
	char line[sizeof(f->step) + sizeof(f->detail) + sizeof(f->hint) + 160];
	format_failure(f, line, sizeof(line));
	/* One fprintf, so the line reaches a shared stderr in one piece. */
	fprintf(stderr, "container-fs: %s\n", line);
}

void (*warning_sink)(const char *message);

void warn(const char *format, ...)
{
	char message[1024];
	va_list args;
	va_start(args, format);
	vsnprintf(message, sizeof(message), format, args);
	va_end(args);
	if (warning_sink)
		warning_sink(message);
	else
		fprintf(stderr, "container-fs: warning: %s\n", message);
}

int write_all(int fd, const void *buf, size_t length)
{
	const char *p = buf;
	while (length > 0) {
		ssize_t n = write(fd, p, length);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		length -= (size_t)n;
	}
	return 0;
}

bool path_is_within(const char *path, const char *ancestor)
{
	size_t length = strlen(ancestor);
	/* "/" contains everything; otherwise the match must end at a '/'. */
	if (length == 1 && ancestor[0] == '/')
		return true;
	return strncmp(path, ancestor, length) == 0 &&
	       (path[length] == '\0' || path[length] == '/');
}

/* SCM_RIGHTS of one int. */
union fd_control {
	struct cmsghdr header;
	char buffer[CMSG_SPACE(sizeof(int))];
};

int send_fd(int socket, int fd, const char *text)
{
	struct iovec data = {.iov_base = (void *)text,
			     .iov_len = strlen(text) + 1};
	union fd_control control;
	memset(&control, 0, sizeof(control));
	struct msghdr message = {.msg_iov = &data,
				 .msg_iovlen = 1,
				 .msg_control = control.buffer,
				 .msg_controllen = sizeof(control.buffer)};
	struct cmsghdr *header = CMSG_FIRSTHDR(&message);
	header->cmsg_level = SOL_SOCKET;
	header->cmsg_type = SCM_RIGHTS;
	header->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(header), &fd, sizeof(int));
	ssize_t n;
	while ((n = sendmsg(socket, &message, MSG_NOSIGNAL)) < 0 &&
	       errno == EINTR)
		;
	return n == (ssize_t)data.iov_len ? 0 : -1;
}

int receive_fd(int socket, int flags, char *text, size_t size)
{
	char byte;
	struct iovec data = {.iov_base = size ? text : &byte,
			     .iov_len = size ? size : 1};
	union fd_control control;
	struct msghdr message = {.msg_iov = &data,
				 .msg_iovlen = 1,
				 .msg_control = control.buffer,
				 .msg_controllen = sizeof(control.buffer)};
	ssize_t n;
	while ((n = recvmsg(socket, &message, flags | MSG_CMSG_CLOEXEC)) < 0 &&
	       errno == EINTR)
		;
	struct cmsghdr *header = n > 0 ? CMSG_FIRSTHDR(&message) : NULL;
	if (!header || header->cmsg_level != SOL_SOCKET ||
	    header->cmsg_type != SCM_RIGHTS ||
	    header->cmsg_len != CMSG_LEN(sizeof(int))) {
		if (n >= 0)
			errno = EPROTO;
		return -1;
	}
	int fd;
	memcpy(&fd, CMSG_DATA(header), sizeof(int));
	return fd;
}
