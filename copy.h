/* copy.h - a directory's contents copied into another: what a bundle's
 * "tmpcopyup" tmpfs starts with (the image's /run, /tmp, ...). */
#ifndef CONTAINER_FS_COPY_H
#define CONTAINER_FS_COPY_H

/* Copies what directory from holds into directory to (both open
 * O_RDONLY|O_DIRECTORY): regular files with their contents,
 * directories (at most depth levels), symbolic links and FIFOs, each
 * with its mode and owner; device nodes and sockets are left out. 0, or
 * -1 with errno set. */
int copy_directory(int from, int to, int depth);

#endif
