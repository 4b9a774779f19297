/* prepare.c - the parent's part before the container starts: the user
 * namespace and its maps, the root's parts (layers and WRITEDIR, or a
 * directory in place), the volume sources, what the child will need
 * from the host, the overlay, the signals and the terminal; and what
 * releases them. The child's setup is container.c's. */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "apparmor.h"
#include "capabilities.h"
#include "container.h"
#include "idmap.h"
#include "janitor.h"
#include "layers.h"
#include "mounts.h"
#include "network.h"
#include "overlay.h"
#include "subids.h"
#include "userns.h"
#include "userns_holder.h"

static const struct writedir *writedir_of(const struct container *c)
{
	return c->spec.writable == WRITABLE_WRITEDIR ? &c->writedir : NULL;
}

/* Without root (or as root of a user namespace other than the host's),
 * a user namespace is the only way; with root, only on request
 * (--userns, or a bundle's user namespace), or for a WRITEDIR an
 * earlier --userns used (see choose_id_range). */
static int choose_userns(struct container *c, struct failure *f)
{
	struct container_spec *s = &c->spec;
	c->root = is_host_root();
	/* A bundle without a user namespace of its own, given to us as
	 * root of another one (rootless podman's): the container stays in
	 * it, as with runc, and we act as its root. */
	if (!c->root && s->bundle && s->userns == USERNS_OFF &&
	    geteuid() == 0 && has_capability(CAP_SYS_ADMIN))
		c->root = c->nested_root = true;
	if (s->userns == USERNS_OFF && !c->root) {
		fail(f, "arguments", "--no-userns needs root", EPERM);
		return add_hint(f, "run with sudo, outside any user namespace, "
				   "or without --no-userns");
	}
	if (s->single_id && c->root) {
		fail(f, "arguments", "--single-id is for runs without root", 0);
		return add_hint(f, "as root, --userns maps the container to a "
				   "block of unprivileged ids of its own");
	}
	c->userns =
	    s->userns == USERNS_ON || (s->userns == USERNS_AUTO && !c->root);
	if (c->userns && check_userns_kernel(f) < 0)
		return -1;
	if (!c->userns || c->root)
		return 0;
	return plan_id_maps(&c->maps, s->single_id, f) < 0 ||
		       (c->userns_idle = userns_idle_seconds(f)) < 0
		   ? -1
		   : 0;
}
/* Root's user namespace maps the container to a block of unprivileged
 * ids: the one WRITEDIR's record names (everything the container wrote
 * is theirs), or a new one for --userns. A WRITEDIR with a block runs in
 * it even without --userns: its files mean nothing to the host's root.
 * Without WRITEDIR (--rm, --read-only) --userns picks a block for this
 * run alone. A bundle gives its maps itself. */
static int choose_id_range(struct container *c, struct failure *f)
{
	struct writedir *w = &c->writedir;
	if (!c->root || c->spec.uid_mapping_count)
		return 0;
	if (c->spec.writable != WRITABLE_WRITEDIR) {
		if (!c->userns)
			return 0;
		struct id_range range;
		if (choose_root_range(&range, f) < 0)
			return -1;
		plan_range_maps(&c->maps, &range);
		return 0;
	}
	if (choose_writedir_range(w, c->userns, c->spec.userns == USERNS_OFF,
				  f) < 0)
		return -1;
	if (!w->has_range)
		return 0;
	if (!c->userns && check_userns_kernel(f) < 0)
		return -1;
	c->userns = true;
	plan_range_maps(&c->maps, &w->range);
	return 0;
}
/* Root builds the overlay itself (through idmapped layers for its user
 * namespace); without root only the child, in its own user namespace,
 * may mount: it builds the overlay there. */
static int build_overlay_as_root(struct container *c, struct failure *f)
{
	const struct writedir *w = writedir_of(c);
	if (c->root && c->userns) {
		/* The container joins this namespace too. */
		c->userns_fd = open_userns(&c->maps, "user namespace", f);
		if (c->userns_fd < 0)
			return -1;
		c->overlay_fd = create_idmapped_overlay(
		    &c->layers, w, c->userns_fd, c->spec.legacy_mount, f);
		/* A tmpfs "/" of --rm is made by root: the container's root
		 * is its block's first id. */
		if (c->overlay_fd >= 0 && !w &&
		    fchownat(c->overlay_fd, "", (uid_t)c->maps.uid_start,
			     (gid_t)c->maps.gid_start, AT_EMPTY_PATH) < 0)
			return fail(f, "mount overlay", "tmpfs", errno);
	} else if (c->root && !c->spec.legacy_mount)
		c->overlay_fd = create_overlay(&c->layers, w, f);
	else
		return 0; /* mount(2) or without root: in the child */
	return c->overlay_fd == -1 ? -1 : 0;
}
/* WRITEDIR: opened, checked against the layers, locked, and given the
 * top layer's mode for the run (see writedir.h). */
static int prepare_writedir_for_run(struct container *c, struct failure *f)
{
	struct writedir *w = &c->writedir;
	if (open_writedir(w, c->spec.writedir, c->spec.overlay_workdir, f) <
		0 ||
	    check_overlaps(&c->layers, w->path, w->work_path, f) < 0 ||
	    (c->userns && check_caller_access(&c->layers, w, f) < 0) ||
	    prepare_writedir(w, f) < 0)
		return -1;
	/* The janitor too may have to give WRITEDIR back from inside. */
	if (c->userns && c->maps.kind == IDS_SUBORDINATE)
		w->maps = &c->maps;
	return start_janitor(w, f) < 0 ||
		       lock_writedir(w, c->userns && !c->root, c->layers.marks,
				     f) < 0 ||
		       choose_id_range(c, f) < 0 ||
		       open_writedir_for_run(
			   w, c->layers.layers[c->layers.count - 1].fd, f) < 0
		   ? -1
		   : 0;
}
/* The root filesystem's parts: the layers, and WRITEDIR or (--rm,
 * --read-only) nothing on the host at all; or a directory in place,
 * opened (and as root cloned) now, so a path swapped later changes
 * nothing. */
static int open_root_parts(struct container *c, struct failure *f)
{
	if (c->spec.writable == WRITABLE_IN_PLACE) {
		c->root_tree_fd =
		    open_tree_of(c->spec.root_directory, !c->userns);
		if (c->root_tree_fd < 0)
			return fail(f, "root", c->spec.root_directory, errno);
		return 0;
	}
	if (open_layers(&c->layers, c->spec.layers, c->spec.layer_count, f) <
		0 ||
	    read_layer_marks(&c->layers, c->userns && !c->root, f) < 0)
		return -1;
	if (c->spec.writable == WRITABLE_WRITEDIR)
		return prepare_writedir_for_run(c, f);
	if (choose_id_range(c, f) < 0)
		return -1;
	return c->userns && !c->root ? check_caller_access(&c->layers, NULL, f)
				     : 0;
}

static bool has_mount(const struct container_spec *s, enum mount_kind kind)
{
	for (size_t i = 0; i < s->mount_count; i++)
		if (s->mounts[i].kind == kind)
			return true;
	return false;
}

/* What the child will need from the host, read now: the hostname it
 * keeps or gets, the host's name files, the caller's TERM, whether
 * AppArmor is on. */
static int gather_host_facts(struct container *c, struct failure *f)
{
	struct utsname host;
	if (c->spec.hostname)
		snprintf(c->hostname, sizeof(c->hostname), "%s",
			 c->spec.hostname);
	else if (uname(&host) == 0)
		snprintf(c->hostname, sizeof(c->hostname), "%s", host.nodename);
	c->term = getenv("TERM");
	c->apparmor = c->spec.apparmor_profile && apparmor_enabled();
	if (!has_mount(&c->spec, MOUNT_FILES))
		return 0;
	return prepare_etc_files(&c->spec, c->hostname, &c->etc, f);
}

void init_container(struct container *c)
{
	c->console_socket = c->start_fifo = -1;
	c->overlay_fd = c->root_tree_fd = c->root_fd = -1;
	c->report_pipe[0] = c->report_pipe[1] = -1;
	c->go_pipe[0] = c->go_pipe[1] = -1;
	c->pid_pipe[0] = c->pid_pipe[1] = c->userns_fd = -1;
	c->report_fd = c->fd_directory = -1;
	c->writedir = WRITEDIR_INIT;
	c->terminal.master = c->terminal.signal_fd = -1;
	c->terminal.socket[0] = c->terminal.socket[1] = -1;
	c->terminal.console_socket = -1;
	c->pid = -1;
}

int prepare_container(struct container *c, struct failure *f)
{
	struct container_spec *s = &c->spec;
	c->terminal.console_socket = c->console_socket;
	if (choose_userns(c, f) < 0 || open_root_parts(c, f) < 0 ||
	    open_volume_sources(s, c->root && !c->userns, f) < 0 ||
	    gather_host_facts(c, f) < 0)
		return -1;
	if (s->writable != WRITABLE_IN_PLACE &&
	    (build_overlay_as_root(c, f) < 0 ||
	     (writedir_of(c) && record_writedir(&c->writedir, f) < 0)))
		return -1;
	return block_signals(c, f) < 0 ||
		       open_terminal(&c->terminal, &c->forwarded, f) < 0
		   ? -1
		   : 0;
}

void release_container(struct container *c)
{
	close_terminal(&c->terminal);
	int *fds[] = {&c->overlay_fd,	  &c->root_tree_fd,   &c->userns_fd,
		      &c->report_pipe[0], &c->report_pipe[1], &c->go_pipe[0],
		      &c->go_pipe[1]};
	for (size_t i = 0; i < sizeof(fds) / sizeof(*fds); i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
	release_writedir(&c->writedir, c->command_ran);
	stop_janitor(&c->writedir);
	close_volume_sources(&c->spec);
	free_etc_files(&c->etc);
	close_layers(&c->layers);
	free_id_maps(&c->maps);
	free_spec(&c->spec);
}
