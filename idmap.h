/* idmap.h - the overlay of root's --userns: layers seen through idmapped
 * mounts. */
#ifndef CONTAINER_FS_IDMAP_H
#define CONTAINER_FS_IDMAP_H

#include <stdbool.h>

#include "layers.h"
#include "userns.h"
#include "utils.h"
#include "writedir.h"

/* Builds the overlay for root's --userns as a detached mount: each layer
 * idmapped to maps (what host root owns there appears owned by the
 * container's root), WRITEDIR as it is, mounted by us (real root, so
 * overlayfs keeps trusted.* marks, as in any root run). With legacy,
 * through mount(2). Returns the mount fd, or -1 with f filled; a kernel
 * that cannot (before 5.19) is refused in one line. */
int create_idmapped_overlay(const struct layer_stack *s,
			    const struct writedir *w,
			    const struct id_maps *maps, bool legacy,
			    struct failure *f);

#endif
