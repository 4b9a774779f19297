/* userns_holder.h - a user namespace with the caller's subordinate
 * ranges, kept between runs by a holder process and joined by fd. */
#ifndef CONTAINER_FS_USERNS_HOLDER_H
#define CONTAINER_FS_USERNS_HOLDER_H

#include "userns.h"
#include "utils.h"

/* The holder's program name (argv[0]): main() runs userns_holder_main. */
extern const char userns_holder_name[];

/* How long a holder stays idle: CONTAINER_FS_USERNS_IDLE's seconds, or
 * the default; -1 with f filled if it is not a number of seconds. */
long userns_idle_seconds(struct failure *f);

/* A user namespace with maps m (SUBORDINATE) as an fd for a container
 * to join: the holder's, or a new one whose first process becomes the
 * holder, staying idle seconds (none with 0, or when another process
 * listens on its name). -1 with f filled, or -2, as open_userns. */
int held_userns(const struct id_maps *m, long idle, const char *step,
		struct failure *f);

/* The holder itself, exec'd by container-fs. Its exit status. */
int userns_holder_main(int argc, char **argv);

#endif
