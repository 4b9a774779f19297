/* tar.h - a strict, bounded, streaming tar reader: ustar, pax extended
 * headers (path, linkpath, size, uid, gid, mtime, SCHILY.xattr.*) and
 * GNU long names and links. It only parses: what an entry's name means
 * on disk is unpack.c's business. Everything in an archive is hostile
 * until checked: each field is bounded, and the first problem ends the
 * archive with a one-line reason. */
#ifndef CONTAINER_FS_IMAGE_TAR_H
#define CONTAINER_FS_IMAGE_TAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TAR_BLOCK 512
/* Bounds on what an entry may carry: a pax header or GNU long name
 * larger than this, more xattrs, or a larger xattr value is refused. */
#define TAR_MAX_META   (1024 * 1024)
#define TAR_MAX_XATTRS 128
#define TAR_MAX_XATTR  (64 * 1024) /* the kernel's XATTR_SIZE_MAX */
#define TAR_MAX_SIZE   (1ULL << 62)

/* Where the bytes come from: read() returns what it read (0 at the end)
 * or -1 (the input keeps its own reason; r->error then says "read"). */
struct tar_input {
	ssize_t (*read)(void *context, void *buffer, size_t length);
	/* Optional: skips length bytes (a seekable file need not read the
	 * data it only indexes); 0 or -1. */
	int (*skip)(void *context, uint64_t length);
	void *context;
};

enum tar_type {
	TAR_FILE,
	TAR_HARDLINK,
	TAR_SYMLINK,
	TAR_CHAR,
	TAR_BLOCK_DEVICE,
	TAR_DIRECTORY,
	TAR_FIFO,
};

struct tar_xattr {
	char *name;
	char *value; /* value bytes, NUL-terminated for convenience */
	size_t length;
};

struct tar_entry {
	enum tar_type type;
	char *name;    /* as the archive says it, never empty or with NUL */
	char *link;    /* hard or symbolic link target, or NULL */
	uint64_t size; /* data bytes; 0 for all but TAR_FILE */
	mode_t mode;   /* permission bits, setuid, setgid and sticky */
	uid_t uid;
	gid_t gid;
	int64_t mtime;
	unsigned major, minor; /* devices */
	struct tar_xattr *xattrs;
	size_t xattr_count;
	uint64_t data_offset; /* where the data starts in the input */
};

struct tar_reader {
	struct tar_input input;
	uint64_t offset;    /* bytes consumed from the input */
	uint64_t remaining; /* data bytes of the current entry still unread */
	uint64_t padding;   /* then this many bytes to the next block */
	bool ended;	    /* the end-of-archive marker was read */
	char error[512];
};

void tar_begin(struct tar_reader *r, struct tar_input input);

/* The next entry into *e (freed and refilled; zero it before the first
 * call). Skips what is left of the previous entry's data. Returns 1 for
 * an entry, 0 at the end-of-archive marker, -1 with r->error. */
int tar_next(struct tar_reader *r, struct tar_entry *e);

/* Reads up to length bytes of the current entry's data: what it read, 0
 * once all is read, -1 with r->error (a stream ending early). */
ssize_t tar_read(struct tar_reader *r, void *buffer, size_t length);

void tar_free_entry(struct tar_entry *e);

#endif
