/* layers.h - the read-only LAYERs: opening, naming and checking them. */
#ifndef CONTAINER_FS_LAYERS_H
#define CONTAINER_FS_LAYERS_H

#include "utils.h"

/* overlayfs stacks at most this many lower layers (OVL_MAX_STACK). */
#define MAX_LAYERS 500

struct layer {
	const char *name; /* as the user gave it, for messages */
	char *path;	  /* canonical absolute path */
	int fd;		  /* O_PATH directory, close-on-exec */
};

/* Bottom to top, in command-line order. */
struct layer_stack {
	struct layer *layers;
	int count;
};

/* Opens every layer; each must exist and be a directory. Opening with
 * O_PATH never blocks, so a FIFO or socket is refused, not waited on.
 * Returns 0, or -1 with f filled. */
int open_layers(struct layer_stack *s, char **names, int count,
		struct failure *f);

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

#endif
