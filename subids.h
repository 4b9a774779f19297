/* subids.h - subordinate ids: the ranges /etc/subuid and /etc/subgid give
 * a user. */
#ifndef CONTAINER_FS_SUBIDS_H
#define CONTAINER_FS_SUBIDS_H

#include <stddef.h>
#include <sys/types.h>

/* How many ids a container gets besides the caller's own (1..65536). */
#define CONTAINER_IDS 65536

/* The first id of the range user (a name, or NULL) or id has in file
 * (/etc/subuid or /etc/subgid) with at least CONTAINER_IDS ids, or -1. */
long find_subordinate_range(const char *file, const char *user,
			    unsigned long id);

/* The name of uid in /etc/passwd, in name, or NULL. By hand, not
 * getpwuid: the binary is static, and NSS modules cannot be loaded. */
const char *user_name(uid_t uid, char *name, size_t size);

#endif
