/* remove.h - `container-fs rm WRITEDIR...`: removing WRITEDIRs, files of
 * the container's other users included. */
#ifndef CONTAINER_FS_REMOVE_H
#define CONTAINER_FS_REMOVE_H

/* Removes each WRITEDIR in names (and its lock directory), taking its
 * lock as a run does: one in use, one container-fs did not make (no
 * record: a layer, any other directory), a symlink or a missing one is
 * refused with one line. Without root and with subordinate ids, the
 * removal runs in a user namespace with the same maps as a run, so
 * files of the container's other users go too. Returns the exit
 * status: 0 when all were removed, 125 otherwise. */
int remove_writedirs(char **names, int count);

#endif
