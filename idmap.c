/* idmap.c - the overlay of root's --userns: layers seen through idmapped
 * mounts.
 *
 * The container's root is host uid BASE (WRITEDIR's block), so files of
 * host root in a layer would be nobody's inside. An idmapped mount of
 * each layer, mapped with the container's ids, shows them owned by BASE,
 * which is 0 inside; WRITEDIR is not idmapped: what the container writes
 * belongs to BASE and up on the host, with no power there.
 *
 * We build the overlay ourselves, as real root: overlayfs then keeps
 * trusted.* marks, as in any root run, and the container, root only in
 * its namespace, could not idmap the layers itself. overlayfs takes a
 * layer only from a mount in the caller's mount namespace (kernels
 * before 6.15 refuse a detached one: "failed to clone lowerpath"), so a
 * short-lived helper, in a private mount namespace of its own, stacks
 * each idmapped layer on the layer's directory and builds the overlay
 * there; the detached overlay outlives the helper and its namespace. */
#include "idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mount_api.h"
#include "overlay.h"
#include "process.h"

/* What the helper is given and gives back, in memory it shares with us
 * (MAP_SHARED: also when the sanitizer build starts it as a copy). */
struct idmapped_build {
	const struct layer_stack *s;
	const struct writedir *w;
	int userns_fd;
	bool legacy;
	int overlay_fd; /* in our fd table: the helper shares it */
	struct failure f;
};

/* A failure of the idmapping itself: the kernel or the filesystem does
 * not support it. */
static int refuse_idmap(struct failure *f, const char *path, int error)
{
	struct utsname u;
	fail(f, "user namespace", path, error);
	return add_hint(f,
			"--userns as root shows every layer through an "
			"idmapped mount, which overlayfs takes from Linux "
			"5.19 on, on ext4, xfs, btrfs or tmpfs (this is %s); "
			"run without --userns, or without sudo",
			uname(&u) == 0 ? u.release : "?");
}

/* Stacks an idmapped clone of layer l on l's own directory, in this
 * (private) mount namespace: from now on l's path leads to the
 * idmapped view, which overlay.c then opens as it opens any layer. */
static int stack_idmapped_layer(const struct layer *l, int userns_fd,
				struct failure *f)
{
	struct mount_attributes idmap = {.attr_set = MOUNT_ATTR_IDMAP,
					 .userns_fd = (unsigned)userns_fd};
	/* open_tree clones only mounts of our namespace: by path again. */
	int target = reopen_directory(AT_FDCWD, l->path, l->fd);
	if (target < 0)
		return fail(f, "mount overlay", l->path, errno);
	int clone =
	    (int)syscall(SYS_open_tree, target, "",
			 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	int result = 0;
	if (clone < 0 || syscall(SYS_mount_setattr, clone, "", AT_EMPTY_PATH,
				 &idmap, sizeof(idmap)) < 0)
		result = refuse_idmap(f, l->path, errno);
	else if (syscall(SYS_move_mount, clone, "", target, "",
			 MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		result = fail(f, "mount overlay", l->path, errno);
	if (clone >= 0)
		close(clone);
	close(target);
	return result;
}

/* mount(2) mounts on a path: on this namespace's root, entered by
 * mount_overlay_legacy; a detached clone of it is what we keep. */
static int build_legacy(struct idmapped_build *b)
{
	if (mount_overlay_legacy(b->s, b->w, false, &b->f) < 0)
		return -1;
	int fd = (int)syscall(SYS_open_tree, AT_FDCWD, ".",
			      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (fd < 0)
		return fail(&b->f, "mount overlay", "detach", errno);
	return fd;
}

/* The helper: shares our memory and fd table, not our mount namespace. */
static int build_in_private_namespace(void *arg)
{
	struct idmapped_build *b = arg;
	b->overlay_fd = -1;
	/* Private before anything is mounted: on a systemd host "/" is
	 * shared, and the stacked layers would appear on the host. */
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		fail(&b->f, "mount overlay", "private mount namespace", errno);
		return 1;
	}
	for (int i = 0; i < b->s->count; i++)
		if (stack_idmapped_layer(&b->s->layers[i], b->userns_fd,
					 &b->f) < 0)
			return 1;
	int fd = b->legacy ? -2 : create_overlay_here(b->s, b->w, &b->f);
	/* mount(2) names no reason: before 5.19, EINVAL is overlayfs
	 * refusing idmapped layers ("dmesg" says so). */
	if (fd == -2 && (fd = build_legacy(b)) < 0 && b->f.error == EINVAL)
		refuse_idmap(&b->f, b->w->path, EINVAL);
	b->overlay_fd = fd;
	return fd < 0;
}

int create_idmapped_overlay(const struct layer_stack *s,
			    const struct writedir *w, int userns_fd,
			    bool legacy, struct failure *f)
{
	struct idmapped_build *b =
	    mmap(NULL, sizeof(*b), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (b == MAP_FAILED)
		return fail(f, "mount overlay", "prepare", errno);
	*b = (struct idmapped_build){.s = s,
				     .w = w,
				     .userns_fd = userns_fd,
				     .legacy = legacy,
				     .overlay_fd = -1};
	fail(&b->f, "mount overlay", "helper", EIO); /* if it dies */
	int result = -1;
	struct stack stack;
	pid_t pid = start_process(build_in_private_namespace, b,
				  CLONE_VM | CLONE_VFORK | CLONE_FILES,
				  1024 * 1024, &stack);
	if (pid < 0) {
		fail(f, "mount overlay", "clone", errno);
		goto out;
	}
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	free_stack(&stack);
	result = b->overlay_fd;
	if (result < 0)
		*f = b->f;
out:
	munmap(b, sizeof(*b));
	return result;
}
