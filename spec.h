/* spec.h - one description of a container: what the command line (and
 * later an image's config and an OCI bundle's config.json) fills in,
 * and what the setup executes. The setup never looks at where a field
 * came from. Modelled on the OCI runtime spec's config: root, mounts,
 * process (args, env, cwd, user), hostname, namespaces. */
#ifndef CONTAINER_FS_SPEC_H
#define CONTAINER_FS_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "capabilities.h"
#include "utils.h"

/* How the container's writable layer is made. */
enum writable_layer {
	WRITABLE_WRITEDIR, /* a directory on the host: changes are kept */
	WRITABLE_TMPFS,	   /* a tmpfs private to the container (--rm,
			      --read-only): nothing on the host */
};

/* What a mount entry mounts. */
enum mount_kind {
	MOUNT_PROC,  /* a fresh procfs */
	MOUNT_DEV,   /* the built-in /dev: tmpfs, six nodes, devpts, ... */
	MOUNT_SYS,   /* sysfs, read-only unless writable_sys */
	MOUNT_MASKS, /* Docker's masked and read-only /proc and /sys paths */
	MOUNT_FILES, /* /etc/hosts and /etc/resolv.conf, made by us */
	MOUNT_BIND,  /* a host file or directory (-v) */
	MOUNT_TMPFS, /* a fresh tmpfs (--tmpfs) */
};

struct mount_entry {
	enum mount_kind kind;
	char *source;	     /* host path (MOUNT_BIND), or NULL */
	char *destination;   /* absolute, in the container */
	unsigned long flags; /* MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC */
	char *data;	     /* filesystem options (tmpfs: "size=64m") */
	int source_fd;	     /* set by the parent: the source, opened */
};

enum network_mode { NETWORK_HOST, NETWORK_NONE };
enum userns_mode { USERNS_AUTO, USERNS_ON, USERNS_OFF };

struct container_spec {
	/* The root filesystem: layers bottom to top, and the writable one. */
	char **layers;
	int layer_count;
	enum writable_layer writable;
	char *writedir;	       /* WRITABLE_WRITEDIR only */
	char *overlay_workdir; /* --overlay-workdir, or NULL */
	bool read_only_root;   /* "/" read-only once set up */
	bool legacy_mount;     /* mount(2) instead of fsopen/fsconfig */

	/* Mounts, in the order they are made. */
	struct mount_entry *mounts;
	size_t mount_count;

	/* The process. env holds NAME=VALUE strings, later ones winning;
	 * defaults (PATH, HOME, HOSTNAME, TERM, container) fill the names
	 * it leaves unset. */
	char **command; /* NULL-terminated */
	char **env;
	size_t env_count;
	char *cwd;     /* absolute, or NULL for "/" */
	char *user;    /* USER[:GROUP], names or numbers, or NULL */
	char **groups; /* --group-add, names or numbers */
	size_t group_count;
	bool init; /* a built-in PID 1 runs COMMAND */

	/* Namespaces and identity. */
	char *hostname; /* NULL: the host's */
	enum network_mode network;
	enum userns_mode userns;
	bool single_id; /* without root: map only the caller's own id */

	/* Privileges: security defaults and what relaxes them. */
	capability_mask capabilities; /* what COMMAND keeps */
	bool allow_new_privs;	      /* no PR_SET_NO_NEW_PRIVS */
	bool seccomp_unconfined;      /* no system call filter */
	bool unmask;		      /* no masked or read-only /proc paths */
	bool writable_sys;	      /* /sys read-write (--privileged) */
};

/* An empty description with the secure defaults: Docker's capabilities,
 * the host's network, /proc, /dev, /sys and the masks as its first
 * mounts. 0 or -1 (ENOMEM). */
int init_spec(struct container_spec *s, struct failure *f);

/* Appends a mount entry (strings copied; source and data may be NULL).
 * 0 or -1 with f filled. */
int add_mount(struct container_spec *s, enum mount_kind kind,
	      const char *source, const char *destination, unsigned long flags,
	      const char *data, struct failure *f);

/* The index of the first mount that is not one of the built-in ones
 * init_spec adds: where mounts the caller gives begin. */
size_t first_mount_given(const struct container_spec *s);

/* Moves the last mount entry to position (shifting the rest up). */
void move_last_mount(struct container_spec *s, size_t position);

/* Sets NAME=VALUE in env (replacing an earlier NAME). 0 or -1. */
int set_env(struct container_spec *s, const char *name_value,
	    struct failure *f);

/* Appends a string to a NULL-terminated list (copied). 0 or -1. */
int append_list(char ***list, size_t *count, const char *text,
		struct failure *f);

/* Whether a container path is valid for a mount destination: absolute,
 * no "." or ".." component, not "/" itself. */
bool valid_container_path(const char *path);

/* Checks what no single option can: two mounts on one destination, a
 * destination under /proc or /sys, and option combinations. 0 or -1. */
int check_spec(const struct container_spec *s, struct failure *f);

void free_spec(struct container_spec *s);

#endif
