/* layers.h - the read-only LAYERs: opening, naming and checking them. */
#ifndef CONTAINER_FS_LAYERS_H
#define CONTAINER_FS_LAYERS_H

#include <stdbool.h>

#include "utils.h"

/* overlayfs stacks at most this many lower layers (OVL_MAX_STACK). */
#define MAX_LAYERS 500

/* What a layer's overlay marks (whiteouts, opaque directories) need
 * from the overlay. container-fs import records it on each layer it
 * makes, as an xattr in overlayfs's own namespace of the kind it
 * describes (overlayfs hides those from the container and will not let
 * it change them); a root import records it in user.* too, for runs
 * without root, which cannot read trusted.*. */
enum layer_marks {
	MARKS_ANY,     /* none that depend on how the overlay is mounted */
	MARKS_TRUSTED, /* trusted.overlay.*: mounted without userxattr */
	MARKS_USER,    /* user.overlay.*: mounted with userxattr */
};
#define LAYER_RECORD_TRUSTED "trusted.overlay.container-fs.layer"
#define LAYER_RECORD_USER    "user.overlay.container-fs.layer"

/* The record's value for marks, and back (-1: unknown). */
const char *layer_marks_value(enum layer_marks marks);
int parse_layer_marks(const char *value);

struct layer {
	const char *name; /* as the user gave it, for messages */
	char *path;	  /* canonical absolute path */
	int fd;		  /* O_PATH directory, close-on-exec */
};

/* Bottom to top, in command-line order. */
struct layer_stack {
	struct layer *layers;
	int count;
	enum layer_marks marks; /* what all their marks need together */
};

/* Opens every layer; each must exist and be a directory. Opening with
 * O_PATH never blocks, so a FIFO or socket is refused, not waited on.
 * Returns 0, or -1 with f filled. */
int open_layers(struct layer_stack *s, char **names, int count,
		struct failure *f);

/* Reads each layer's record (see enum layer_marks) into s->marks. A
 * stack needing both kinds is refused, and trusted marks in a user
 * namespace (userns), which cannot read them: deleted files would come
 * back. 0 or -1. */
int read_layer_marks(struct layer_stack *s, bool userns, struct failure *f);

/* Refuses a layer given twice, and a WRITEDIR or workdir that is, lies
 * inside or contains a layer (overlayfs would refuse later, less
 * clearly, or worse, a layer would change). workdir may be NULL. */
int check_overlaps(const struct layer_stack *s, const char *writedir,
		   const char *workdir, struct failure *f);

void close_layers(struct layer_stack *s);

/* The canonical path of the directory open at fd, read back from
 * /proc/self/fd: one syscall instead of realpath's walk. Returns a
 * malloc'd string, or NULL with errno set. */
char *path_of_fd(int fd);

/* Opens path (below dir_fd) again in this mount namespace, O_PATH, and
 * checks it is still the directory open at expected_fd (same device and
 * inode): a path swapped since the parent checked it is refused
 * (ESTALE). Returns the fd, or -1 with errno set. */
int reopen_directory(int dir_fd, const char *path, int expected_fd);

#endif
