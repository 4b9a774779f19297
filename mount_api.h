/* mount_api.h - what the new mount API (Linux 5.2+: open_tree,
 * move_mount; 5.12+: mount_setattr) needs that glibc before 2.36 does
 * not declare, where <sys/mount.h> is what the file includes (glibc's
 * <sys/mount.h> and <linux/mount.h> clash before 2.36). */
#ifndef CONTAINER_FS_MOUNT_API_H
#define CONTAINER_FS_MOUNT_API_H

#include <fcntl.h>

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV  0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
#endif
#ifndef MOUNT_ATTR_IDMAP
#define MOUNT_ATTR_IDMAP 0x00100000
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE		1
#define OPEN_TREE_CLOEXEC	O_CLOEXEC
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

/* struct mount_attr of <linux/mount.h>, for mount_setattr. */
struct mount_attributes {
	unsigned long long attr_set, attr_clr, propagation, userns_fd;
};

#endif
