/* source.c - where an image's blobs are, and a blob read as a stream
 * (see source.h).
 *
 * An archive is indexed once with the tar reader, seeking over the data:
 * a blob is then a byte range of the archive, read in place, never
 * copied out. A compressed layer goes through the system's gzip or zstd
 * (no library linked): its bytes are hashed and written to the child's
 * stdin, its output hashed and handed to the tar reader, in one poll
 * loop, so the decompressor and we run on two cores at once. */
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tar.h"

#define MAX_MEMBERS (100 * 1000)
#define MAX_HOPS    8
#define INPUT_SIZE  (256 * 1024)
#define PIPE_SIZE   (1024 * 1024)

volatile int import_interrupted;

/* An archive member's name, cleaned: "./a//b/" is "a/b". NULL for a
 * name with ".." (never looked up) or an empty one. */
static char *clean_member(const char *name)
{
	char *clean = malloc(strlen(name) + 1), *o = clean;
	if (!clean)
		return NULL;
	for (const char *p = name; *p;) {
		while (*p == '/')
			p++;
		size_t length = strcspn(p, "/");
		if (length == 2 && p[0] == '.' && p[1] == '.') {
			free(clean);
			return NULL;
		}
		if (length && !(length == 1 && p[0] == '.')) {
			if (o != clean)
				*o++ = '/';
			memcpy(o, p, length);
			o += length;
		}
		p += length;
	}
	*o = '\0';
	if (!clean[0]) {
		free(clean);
		return NULL;
	}
	return clean;
}

/* A symlink's target as a name from the archive's root: relative to
 * the link's directory, ".." taken within the archive. NULL if it
 * leads out of it. */
static char *resolve_symlink(const char *member, const char *target)
{
	size_t length = strlen(member) + strlen(target) + 2;
	char *path = malloc(length), *out = malloc(length);
	if (!path || !out) {
		free(path);
		free(out);
		return NULL;
	}
	const char *slash = strrchr(member, '/');
	if (target[0] == '/' || !slash)
		snprintf(path, length, "%s", target);
	else
		snprintf(path, length, "%.*s/%s", (int)(slash - member), member,
			 target);
	size_t used = 0;
	for (char *p = path; *p;) {
		while (*p == '/')
			p++;
		size_t n = strcspn(p, "/");
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (used == 0) {
				free(path);
				free(out);
				return NULL;
			}
			while (used > 0 && out[used - 1] != '/')
				used--;
			if (used > 0)
				used--;
		} else if (n && !(n == 1 && p[0] == '.')) {
			if (used)
				out[used++] = '/';
			memcpy(out + used, p, n);
			used += n;
		}
		p += n;
	}
	out[used] = '\0';
	free(path);
	return out;
}

static ssize_t read_file(void *context, void *buffer, size_t length)
{
	return read(*(int *)context, buffer, length);
}

static int skip_file(void *context, uint64_t length)
{
	return lseek(*(int *)context, (off_t)length, SEEK_CUR) < 0 ? -1 : 0;
}

static int refuse_source(struct image_source *s, const char *problem,
			 struct failure *f)
{
	char detail[600];
	snprintf(detail, sizeof(detail), "%.300s: %.250s", s->name, problem);
	return fail(f, "import", detail, 0);
}

static int add_member(struct image_source *s, const struct tar_entry *e,
		      size_t *capacity, struct failure *f)
{
	char *name = clean_member(e->name);
	if (!name)
		return 0;
	if (s->count == MAX_MEMBERS) {
		free(name);
		return refuse_source(s, "more files than any image archive has",
				     f);
	}
	if (s->count == *capacity) {
		*capacity = *capacity ? 2 * *capacity : 64;
		struct archive_member *grown =
		    realloc(s->members, *capacity * sizeof(*grown));
		if (!grown) {
			free(name);
			return fail(f, "import", "allocate", ENOMEM);
		}
		s->members = grown;
	}
	struct archive_member *m = &s->members[s->count++];
	*m = (struct archive_member){.name = name,
				     .directory = e->type == TAR_DIRECTORY,
				     .offset = e->data_offset,
				     .size = e->size};
	if (e->type == TAR_SYMLINK)
		m->link = resolve_symlink(name, e->link);
	else if (e->type == TAR_HARDLINK)
		m->link = clean_member(e->link);
	if ((e->type == TAR_SYMLINK || e->type == TAR_HARDLINK) && !m->link)
		m->link = strdup(""); /* leads nowhere we look */
	return m->link || (e->type != TAR_SYMLINK && e->type != TAR_HARDLINK)
		   ? 0
		   : fail(f, "import", "allocate", ENOMEM);
}

/* Lists the archive's members with where their data lies. */
static int index_archive(struct image_source *s, struct failure *f)
{
	struct tar_reader r;
	struct tar_entry e = {0};
	struct stat st;
	size_t capacity = 0;
	int got;
	tar_begin(&r, (struct tar_input){read_file, skip_file, &s->fd});
	while ((got = tar_next(&r, &e)) == 1)
		if (add_member(s, &e, &capacity, f) < 0) {
			tar_free_entry(&e);
			return -1;
		}
	if (got < 0) {
		char problem[600];
		snprintf(problem, sizeof(problem),
			 "not an image archive (tar: %s)", r.error);
		return refuse_source(s, problem, f);
	}
	if (fstat(s->fd, &st) < 0)
		return fail(f, "import", s->name, errno);
	for (size_t i = 0; i < s->count; i++)
		if (s->members[i].offset + s->members[i].size >
		    (uint64_t)st.st_size)
			return refuse_source(s, "truncated archive", f);
	return 0;
}

int open_source(struct image_source *s, const char *path, struct failure *f)
{
	struct stat st;
	unsigned char magic[4] = {0};
	*s = (struct image_source){.name = path};
	s->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0 || fstat(s->fd, &st) < 0)
		return fail(f, "import", path, errno);
	if (S_ISDIR(st.st_mode))
		return 0;
	if (!S_ISREG(st.st_mode))
		return refuse_source(s, "neither a directory nor an archive",
				     f);
	s->archive = true;
	if (pread(s->fd, magic, sizeof(magic), 0) < 0)
		return fail(f, "import", path, errno);
	if ((magic[0] == 0x1f && magic[1] == 0x8b) ||
	    memcmp(magic, "\x28\xb5\x2f\xfd", 4) == 0) {
		refuse_source(s, "a compressed archive", f);
		return add_hint(f, "decompress it first (gunzip, zstd -d): "
				   "image archives are plain tar files");
	}
	return index_archive(s, f);
}

void close_source(struct image_source *s)
{
	for (size_t i = 0; i < s->count; i++) {
		free(s->members[i].name);
		free(s->members[i].link);
	}
	free(s->members);
	if (s->fd >= 0)
		close(s->fd);
	*s = (struct image_source){.fd = -1};
}

static const struct archive_member *find_member(const struct image_source *s,
						const char *name)
{
	char *clean = clean_member(name);
	const struct archive_member *found = NULL;
	for (int hops = 0; clean && hops <= MAX_HOPS; hops++) {
		found = NULL;
		for (size_t i = 0; i < s->count && !found; i++)
			if (strcmp(s->members[i].name, clean) == 0)
				found = &s->members[i];
		if (!found || !found->link)
			break;
		free(clean);
		clean = strdup(found->link);
	}
	free(clean);
	return found && !found->link && !found->directory ? found : NULL;
}

bool source_has(const struct image_source *s, const char *name)
{
	struct blob b;
	struct failure f;
	if (open_blob(s, name, &b, &f) < 0)
		return false;
	close_blob(&b);
	return true;
}

int open_blob(const struct image_source *s, const char *name, struct blob *b,
	      struct failure *f)
{
	char detail[600];
	snprintf(detail, sizeof(detail), "%.300s: %.250s", s->name, name);
	*b = (struct blob){.fd = -1};
	if (s->archive) {
		const struct archive_member *m = find_member(s, name);
		if (!m)
			return fail(f, "import", detail, ENOENT);
		*b = (struct blob){s->fd, m->offset, m->size, false};
		return 0;
	}
	/* In a layout directory: beneath it, symlinks only within it. */
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC,
			       .resolve =
				   RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS};
	struct stat st;
	int fd = (int)syscall(SYS_openat2, s->fd, name, &how, sizeof(how));
	if (fd < 0)
		return fail(f, "import", detail,
			    errno == EXDEV ? ENOENT : errno);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(f, "import", detail, ENOENT);
	}
	*b = (struct blob){fd, 0, (uint64_t)st.st_size, true};
	return 0;
}

void close_blob(struct blob *b)
{
	if (b->own_fd && b->fd >= 0)
		close(b->fd);
	b->fd = -1;
}

void blob_name(const char *digest, char name[100])
{
	snprintf(name, 100, "blobs/sha256/%.64s", digest + 7);
}

static int refuse_digest(const char *name, const char *expected,
			 const char *got, struct failure *f)
{
	char detail[600];
	snprintf(detail, sizeof(detail),
		 "%.200s does not match its digest (expected %.80s, got "
		 "sha256:%.64s)",
		 name, expected, got);
	fail(f, "import", detail, 0);
	return add_hint(f, "the archive is damaged or was tampered with");
}

char *read_blob(const struct image_source *s, const char *name, uint64_t max,
		const char *digest, uint64_t size, size_t *length,
		struct failure *f)
{
	struct blob b;
	char detail[600];
	if (open_blob(s, name, &b, f) < 0)
		return NULL;
	snprintf(detail, sizeof(detail), "%.300s: %.250s", s->name, name);
	if (digest && b.size != size) {
		close_blob(&b);
		fail(f, "import", detail, 0);
		add_hint(f, "its size is not the one its descriptor gives");
		return NULL;
	}
	if (b.size > max) {
		close_blob(&b);
		fail(f, "import", detail, EFBIG);
		return NULL;
	}
	char *text = malloc(b.size + 1);
	ssize_t n = text ? pread(b.fd, text, b.size, (off_t)b.offset) : -1;
	int error = errno;
	close_blob(&b);
	if (n != (ssize_t)b.size) {
		free(text);
		fail(f, "import", detail, n < 0 ? error : EIO);
		return NULL;
	}
	text[b.size] = '\0';
	if (digest) {
		struct sha256 c;
		char hex[SHA256_HEX];
		sha256_init(&c);
		sha256_update(&c, text, b.size);
		sha256_final_hex(&c, hex);
		if (strcmp(hex, digest + 7) != 0) {
			free(text);
			refuse_digest(name, digest, hex, f);
			return NULL;
		}
	}
	*length = b.size;
	return text;
}

bool have_command(const char *name)
{
	const char *path = getenv("PATH");
	char candidate[PATH_MAX];
	if (!path)
		path = "/usr/bin:/bin";
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(candidate, sizeof(candidate), "%.*s/%s", (int)n, p,
			 name);
		if (n && access(candidate, X_OK) == 0)
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

static int stream_fail(struct blob_stream *st, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static int stream_fail(struct blob_stream *st, const char *format, ...)
{
	va_list args;
	if (!st->failed) {
		va_start(args, format);
		vsnprintf(st->error, sizeof(st->error), format, args);
		va_end(args);
	}
	st->failed = true;
	return -1;
}

/* Starts "gzip -dc" or "zstd -dc" between two pipes; its stderr goes to
 * a third, for its message if it fails. */
static int start_decompressor(struct blob_stream *st, struct failure *f)
{
	const char *program =
	    st->compression == COMPRESSION_ZSTD ? "zstd" : "gzip";
	char *const argv[] = {(char *)program, "-dcq", NULL};
	int in[2], out[2], errors[2];
	if (!have_command(program)) {
		fail(f, "import", "", 0);
		snprintf(f->detail, sizeof(f->detail),
			 "a layer is %s-compressed, and the %s command is "
			 "missing",
			 program, program);
		return add_hint(f, "install it, e.g. apt-get install %s",
				program);
	}
	if (pipe2(in, O_CLOEXEC) < 0)
		return fail(f, "import", "pipe", errno);
	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(errors, O_CLOEXEC) < 0)
		return fail(f, "import", "pipe", errno);
	/* Fewer, larger transfers between us and the decompressor. */
	fcntl(in[1], F_SETPIPE_SZ, PIPE_SIZE);
	fcntl(out[0], F_SETPIPE_SZ, PIPE_SIZE);
	posix_spawn_file_actions_t actions;
	posix_spawnattr_t attributes;
	sigset_t none, pipe_signal;
	sigemptyset(&none);
	sigemptyset(&pipe_signal);
	sigaddset(&pipe_signal, SIGPIPE);
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, in[0], 0);
	posix_spawn_file_actions_adddup2(&actions, out[1], 1);
	posix_spawn_file_actions_adddup2(&actions, errors[1], 2);
	posix_spawnattr_init(&attributes);
	posix_spawnattr_setsigmask(&attributes, &none);
	posix_spawnattr_setsigdefault(&attributes, &pipe_signal);
	posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK |
						  POSIX_SPAWN_SETSIGDEF);
	extern char **environ;
	int error = posix_spawnp(&st->child, program, &actions, &attributes,
				 argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	posix_spawnattr_destroy(&attributes);
	close(in[0]);
	close(out[1]);
	close(errors[1]);
	st->to_child = in[1];
	st->from_child = out[0];
	st->child_errors = errors[0];
	if (error) {
		st->child = -1;
		return fail(f, "import", program, error);
	}
	fcntl(st->to_child, F_SETFL, O_NONBLOCK);
	fcntl(st->child_errors, F_SETFL, O_NONBLOCK);
	return 0;
}

int open_stream(struct blob_stream *st, const struct blob *b,
		enum compression compression, struct failure *f)
{
	*st = (struct blob_stream){.blob = *b,
				   .compression = compression,
				   .child = -1,
				   .to_child = -1,
				   .from_child = -1,
				   .child_errors = -1};
	sha256_init(&st->compressed);
	sha256_init(&st->uncompressed);
	if (compression == COMPRESSION_NONE)
		return 0;
	st->input = malloc(INPUT_SIZE);
	if (!st->input)
		return fail(f, "import", "allocate", ENOMEM);
	if (start_decompressor(st, f) == 0)
		return 0;
	for (int *fd = &st->to_child; fd <= &st->child_errors; fd++)
		if (*fd >= 0)
			close(*fd);
	free(st->input);
	st->input = NULL;
	return -1;
}

/* Reads the next blob bytes (hashed) into buffer: what it read, 0 at
 * the blob's end, -1. */
static ssize_t read_blob_bytes(struct blob_stream *st, void *buffer,
			       size_t length)
{
	uint64_t left = st->blob.size - st->position;
	if (left == 0)
		return 0;
	if (length > left)
		length = left;
	ssize_t n = pread(st->blob.fd, buffer, length,
			  (off_t)(st->blob.offset + st->position));
	if (n < 0)
		return stream_fail(st, "read the blob: %s", strerror(errno));
	if (n == 0)
		return stream_fail(st, "the blob is shorter than its size");
	sha256_update(&st->compressed, buffer, (size_t)n);
	st->position += (uint64_t)n;
	if (st->progress)
		st->progress(st->progress_context, st->position);
	return n;
}

/* Feeds the child what it can take without blocking. */
static int feed_child(struct blob_stream *st)
{
	if (st->input_length == 0) {
		ssize_t n = read_blob_bytes(st, st->input, INPUT_SIZE);
		if (n < 0)
			return -1;
		if (n == 0) { /* all given: the child sees its end */
			close(st->to_child);
			st->to_child = -1;
			return 0;
		}
		st->input_start = 0;
		st->input_length = (size_t)n;
	}
	ssize_t n =
	    write(st->to_child, st->input + st->input_start, st->input_length);
	if (n < 0 && errno == EPIPE) { /* it stopped: its status says why */
		close(st->to_child);
		st->to_child = -1;
	} else if (n < 0 && errno != EAGAIN && errno != EINTR) {
		return stream_fail(st, "write to the decompressor: %s",
				   strerror(errno));
	} else if (n > 0) {
		st->input_start += (size_t)n;
		st->input_length -= (size_t)n;
	}
	return 0;
}

ssize_t stream_read(void *context, void *buffer, size_t length)
{
	struct blob_stream *st = context;
	if (import_interrupted)
		return stream_fail(st, "interrupted");
	if (st->failed)
		return -1;
	if (st->child < 0)
		return read_blob_bytes(st, buffer, length);
	for (;;) {
		struct pollfd fds[2] = {{st->from_child, POLLIN, 0},
					{st->to_child, POLLOUT, 0}};
		if (poll(fds, st->to_child >= 0 ? 2 : 1, -1) < 0) {
			if (errno != EINTR)
				return stream_fail(st, "poll: %s",
						   strerror(errno));
			if (import_interrupted)
				return stream_fail(st, "interrupted");
			continue;
		}
		if (st->to_child >= 0 && fds[1].revents && feed_child(st) < 0)
			return -1;
		if (!fds[0].revents)
			continue;
		ssize_t n = read(st->from_child, buffer, length);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return stream_fail(st, "read from the decompressor: %s",
					   strerror(errno));
		sha256_update(&st->uncompressed, buffer, (size_t)n);
		return n;
	}
}

/* The child's status; its message (the first line) in message. */
static int wait_child(struct blob_stream *st, char *message, size_t size)
{
	int status = 0;
	message[0] = '\0';
	if (st->child < 0)
		return 0;
	if (st->to_child >= 0)
		close(st->to_child);
	close(st->from_child);
	st->to_child = st->from_child = -1;
	while (waitpid(st->child, &status, 0) < 0 && errno == EINTR)
		;
	ssize_t n = read(st->child_errors, message, size - 1);
	message[n > 0 ? n : 0] = '\0';
	message[strcspn(message, "\n")] = '\0';
	close(st->child_errors);
	st->child = -1;
	return status;
}

int finish_stream(struct blob_stream *st, const char *blob_digest,
		  const char *diff_id, bool failed, struct failure *f)
{
	char scratch[64 * 1024], message[200], hex[SHA256_HEX];
	ssize_t n = 0;
	/* What the tar reader left (the end's padding) counts too. */
	if (!failed && !st->failed)
		while ((n = stream_read(st, scratch, sizeof(scratch))) > 0)
			;
	bool broken = failed || n < 0;
	if (broken && st->child >= 0)
		kill(st->child, SIGKILL);
	int status = wait_child(st, message, sizeof(message));
	/* The blob's digest over all its bytes, however far we got. */
	while (blob_digest && read_blob_bytes(st, scratch, sizeof(scratch)) > 0)
		;
	free(st->input);
	st->input = NULL;
	if (blob_digest) {
		struct sha256 copy = st->compressed;
		sha256_final_hex(&copy, hex);
		if (strcmp(hex, blob_digest + 7) != 0)
			return refuse_digest("a layer blob", blob_digest, hex,
					     f);
	}
	if (broken && failed)
		return -1;
	if (broken)
		return fail(f, "import", st->error, 0);
	if (status != 0) {
		fail(f, "import", "", 0);
		snprintf(f->detail, sizeof(f->detail),
			 "%s -dc failed on a layer: %.150s",
			 st->compression == COMPRESSION_ZSTD ? "zstd" : "gzip",
			 message[0] ? message : "(no message)");
		return add_hint(f, "the layer is not valid compressed data");
	}
	/* Uncompressed, the blob's bytes are the layer's. */
	sha256_final_hex(st->compression != COMPRESSION_NONE ? &st->uncompressed
							     : &st->compressed,
			 hex);
	if (diff_id && strcmp(hex, diff_id + 7) != 0)
		return refuse_digest("an uncompressed layer (its diff_id in "
				     "the config)",
				     diff_id, hex, f);
	return 0;
}
