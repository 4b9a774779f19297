/* network.h - the container's network and names: --network none (a
 * namespace of its own with only lo, up), the hostname, and the
 * /etc/hosts and /etc/resolv.conf it gets. */
#ifndef CONTAINER_FS_NETWORK_H
#define CONTAINER_FS_NETWORK_H

#include <stdbool.h>

#include "spec.h"
#include "utils.h"

/* A hostname as RFC 1123 has it: labels of letters, digits and '-' (not
 * first or last), joined by '.', at most 64 bytes in all. */
bool valid_hostname(const char *name);

/* What the container's /etc/hosts and /etc/resolv.conf will hold. */
struct etc_files {
	char *hosts;
	char *resolv; /* NULL: the image's own stays */
};

/* In the parent, before any namespace: with the host's network,
 * /etc/resolv.conf is the host's and /etc/hosts the host's entries;
 * with none, the image's resolv.conf and a hosts file of its own. Both
 * times localhost and the container's hostname (hostname) resolve.
 * 0 or -1. */
int prepare_etc_files(const struct container_spec *s, const char *hostname,
		      struct etc_files *e, struct failure *f);

void free_etc_files(struct etc_files *e);

/* In the child, below root_fd (with the container's /dev mounted): binds
 * them read-only over the image's files, made in the writable layer if
 * the image lacks them. 0 or -1. */
int mount_etc_files(int root_fd, const struct etc_files *e, struct failure *f);

/* In the child, in its new network namespace: brings lo up (an ioctl,
 * no ip(8) needed). 0 or -1. */
int bring_up_loopback(struct failure *f);

#endif
