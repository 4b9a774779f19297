/* source.h - where an image's blobs are: an OCI layout directory, or an
 * archive (a tar of an OCI layout, or docker save's), indexed once and
 * read in place. And a blob read as a stream: decompressed by the
 * system's gzip or zstd through pipes, hashed on the way in and out. */
#ifndef CONTAINER_FS_IMAGE_SOURCE_H
#define CONTAINER_FS_IMAGE_SOURCE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../utils.h"
#include "manifest.h"
#include "sha256.h"

struct archive_member {
	char *name; /* cleaned: no "./", no leading "/" */
	char *link; /* a symlink's target (cleaned, from the archive's
		       root) or a hard link's; NULL for a file */
	bool directory;
	uint64_t offset, size;
};

struct image_source {
	const char *name; /* as the user gave it, for messages */
	int fd;		  /* the layout directory, or the archive file */
	bool archive;
	struct archive_member *members;
	size_t count;
};

/* A blob: size bytes at offset in fd (the archive, or a file of the
 * layout, then owned). */
struct blob {
	int fd;
	uint64_t offset, size;
	bool own_fd;
};

int open_source(struct image_source *s, const char *path, struct failure *f);
void close_source(struct image_source *s);

/* Whether the source holds a regular file name (following links). */
bool source_has(const struct image_source *s, const char *name);

/* Finds name; 0, or -1 with f filled. */
int open_blob(const struct image_source *s, const char *name, struct blob *b,
	      struct failure *f);
void close_blob(struct blob *b);

/* Reads the whole of name (at most max bytes), checked against digest
 * and size when digest is not NULL. Returns a malloc'd, NUL-terminated
 * copy, or NULL with f filled. */
char *read_blob(const struct image_source *s, const char *name, uint64_t max,
		const char *digest, uint64_t size, size_t *length,
		struct failure *f);

/* The blob file name of a digest in an OCI layout. */
void blob_name(const char *digest, char name[100]);

/* A blob read as a stream of its uncompressed bytes. */
struct blob_stream {
	struct blob blob;
	uint64_t position; /* blob bytes read so far */
	enum compression compression;
	struct sha256 compressed, uncompressed;
	pid_t child; /* gzip -dc or zstd -dc, or -1 */
	int to_child, from_child, child_errors;
	char *input; /* blob bytes read, not yet given to the child */
	size_t input_start, input_length;
	bool failed;
	char error[300];
	/* Called now and then with the blob bytes read (progress). */
	void (*progress)(void *context, uint64_t position);
	void *progress_context;
};

/* Starts the stream; compression NONE reads the blob as it is. For the
 * others, the program must exist: a missing zstd is a clear error. 0 or
 * -1. */
int open_stream(struct blob_stream *st, const struct blob *b,
		enum compression compression, struct failure *f);

/* The tar reader's input: reads uncompressed bytes. */
ssize_t stream_read(void *context, void *buffer, size_t length);

/* Reads what is left, waits for the child, and checks the blob's digest
 * (if blob_digest is not NULL) and the uncompressed bytes' (diff_id).
 * With failed set (the layer could not be read), still checks the
 * digests, so a tampered blob is reported as such. 0 or -1. */
int finish_stream(struct blob_stream *st, const char *blob_digest,
		  const char *diff_id, bool failed, struct failure *f);

/* Whether the command (gzip, zstd) is in PATH. */
bool have_command(const char *name);

/* Set by a signal handler: the stream stops with "interrupted". */
extern volatile int import_interrupted;

#endif
