/* userns_holder.h - a user namespace with the caller's subordinate
 * ranges, kept between runs by a holder process and joined by fd. */
#ifndef CONTAINER_FS_USERNS_HOLDER_H
#define CONTAINER_FS_USERNS_HOLDER_H

#include "userns.h"
#include "utils.h"

/* The holder's program name (argv[0]): main() runs userns_holder_main. */
extern const char userns_holder_name[];

/* A user namespace with maps m (SUBORDINATE) as an fd for a container
 * to join: the holder's, or a new one whose first process becomes the
 * holder (none with CONTAINER_FS_USERNS_IDLE=0, or when another
 * process holds the name). -1 with f filled, or -2, as open_userns. */
int held_userns(const struct id_maps *m, const char *step, struct failure *f);

/* The holder itself, exec'd by container-fs. Its exit status. */
int userns_holder_main(int argc, char **argv);

#endif
