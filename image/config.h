/* config.h - an imported image's config into the container's
 * description: the same struct container_spec the command line fills. */
#ifndef CONTAINER_FS_IMAGE_CONFIG_H
#define CONTAINER_FS_IMAGE_CONFIG_H

#include "../spec.h"
#include "../utils.h"

/* Fills s from the image container-fs import made at dir: its layers
 * (each directory in dir/layers, bottom first) go below the LAYERs given; its
 * Env is set first (the command line's -e and the rest then win); WorkingDir
 * and User apply unless -w and -u were given; the command is Entrypoint + Cmd,
 * where a COMMAND given (s->command) replaces Cmd and entrypoint (non-NULL:
 * --entrypoint PROG, "" for none) replaces Entrypoint and drops Cmd, as with
 * Docker. Volumes, ExposedPorts, Healthcheck and the rest are ignored. 0, or -1
 * with f filled (naming the config field). */
int apply_image(struct container_spec *s, const char *dir,
		const char *entrypoint, struct failure *f);

#endif
