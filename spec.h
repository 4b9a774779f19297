/* spec.h - one description of a container: what the command line, an
 * image's config and an OCI bundle's config.json (oci/bundle.c) fill
 * in, and what the setup executes. The setup never looks at where a
 * field came from. Modelled on the OCI runtime spec's config: root,
 * mounts, process (args, env, cwd, user, capabilities, rlimits),
 * hostname, namespaces, devices, masks, seccomp, hooks. */
#ifndef CONTAINER_FS_SPEC_H
#define CONTAINER_FS_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "capabilities.h"
#include "seccomp.h"
#include "utils.h"

/* How the container's writable layer is made. */
enum writable_layer {
	WRITABLE_WRITEDIR, /* a directory on the host: changes are kept */
	WRITABLE_TMPFS,	   /* a tmpfs private to the container (--rm,
			      --read-only): nothing on the host */
	WRITABLE_IN_PLACE, /* no overlay: root_directory itself is the
			      root, written in place (an OCI bundle) */
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
	/* A kernel filesystem a bundle names: proc, sysfs, tmpfs, devpts,
	 * mqueue, cgroup, cgroup2 (type), at any destination. */
	MOUNT_FILESYSTEM,
	/* /dev's default nodes (null, zero, full, random, urandom, tty),
	 * its links (ptmx, fd, stdin, stdout, stderr) and the devices the
	 * description lists, made in the /dev mounted before. */
	MOUNT_DEVICES,
};

struct mount_entry {
	enum mount_kind kind;
	char *source;	     /* host path (MOUNT_BIND), or NULL */
	char *destination;   /* absolute, in the container */
	unsigned long flags; /* MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC,
				MS_NOATIME, ... */
	char *data;	     /* filesystem options (tmpfs: "size=64m") */
	int source_fd;	     /* set by the parent: the source, opened */
	int tree_fd;	     /* or, as root, already cloned and sealed */
	char *type;	     /* MOUNT_FILESYSTEM: "proc", "tmpfs", ... */
	bool single;	     /* MOUNT_BIND: "bind", not recursive */
	bool copy_up;	     /* MOUNT_FILESYSTEM tmpfs: starts with a copy
				of what it covers ("tmpcopyup") */
	/* MS_SHARED, MS_SLAVE, MS_PRIVATE or MS_UNBINDABLE, with MS_REC
	 * for the whole tree; 0: private */
	unsigned long propagation;
};

/* A device node made in the container's /dev (or anywhere below /). */
struct device_node {
	char *path;  /* absolute, in the container */
	mode_t type; /* S_IFCHR, S_IFBLK or S_IFIFO */
	unsigned major, minor;
	mode_t mode; /* permission bits; 0666 unless given */
	uid_t uid;   /* 0 unless given */
	gid_t gid;
};

/* A namespace joined rather than made: setns(2) on path. */
struct namespace_join {
	int type; /* CLONE_NEWNET, CLONE_NEWIPC, ... */
	char *path;
};

/* One line of a user namespace's uid_map or gid_map. */
struct id_mapping {
	unsigned container, host, size;
};

/* A resource limit COMMAND starts with (setrlimit). */
struct resource_limit {
	int resource; /* RLIMIT_NOFILE, ... */
	unsigned long long soft, hard;
};

/* A kernel parameter set in the container's namespaces. */
struct sysctl {
	char *name; /* "net.ipv4.ip_forward" */
	char *value;
};

/* A cgroup interface file and what it is set to: a v2 one
 * ("memory.max") or a v1 one ("memory.limit_in_bytes"); field is the
 * config.json field it comes from, for messages. */
struct cgroup_setting {
	char *file;
	char *value;
	char *field;
};

/* A rule of a device cgroup (v1's devices.allow and devices.deny):
 * type 'a' (every device), 'c' or 'b'; major and minor -1 for any. */
struct device_rule {
	bool allow;
	char type;
	long long major, minor;
	char access[4]; /* some of "rwm" */
};

/* A program run at a point of the container's life, the container's
 * state (JSON) on its stdin (hooks.c). */
struct hook {
	char *path;
	char **args; /* NULL-terminated; args[0] is argv[0] */
	char **env;  /* NULL-terminated */
	int timeout; /* seconds; 0: none */
};

/* The points, as the OCI runtime spec names them. */
enum hook_stage {
	HOOK_PRESTART,	       /* runtime side, before pivot_root */
	HOOK_CREATE_RUNTIME,   /* runtime side, before pivot_root */
	HOOK_CREATE_CONTAINER, /* in the container, before pivot_root */
	HOOK_START_CONTAINER,  /* in the container, before COMMAND */
	HOOK_POSTSTART,	       /* runtime side, once COMMAND runs */
	HOOK_POSTSTOP,	       /* runtime side, once deleted */
	HOOK_STAGES,
};

struct hook_list {
	struct hook *hooks;
	size_t count;
};

enum network_mode { NETWORK_HOST, NETWORK_NONE };
enum userns_mode { USERNS_AUTO, USERNS_ON, USERNS_OFF };

struct container_spec {
	/* The root filesystem: layers bottom to top, and the writable one;
	 * or (WRITABLE_IN_PLACE) one directory, bound in place. */
	char **layers;
	int layer_count;
	enum writable_layer writable;
	char *writedir;	       /* WRITABLE_WRITEDIR only */
	char *overlay_workdir; /* --overlay-workdir, or NULL */
	char *root_directory;  /* WRITABLE_IN_PLACE only */
	bool read_only_root;   /* "/" read-only once set up */
	bool legacy_mount;     /* mount(2) instead of fsopen/fsconfig */
	/* The propagation of "/" and every mount below it, set before
	 * anything is mounted: MS_PRIVATE (the default) or MS_SLAVE,
	 * MS_SHARED, MS_UNBINDABLE, each with MS_REC. */
	unsigned long root_propagation;

	/* Mounts, in the order they are made. */
	struct mount_entry *mounts;
	size_t mount_count;

	/* The process. env holds NAME=VALUE strings, later ones winning;
	 * HOME fills in when it is unset, and with default_environment
	 * PATH, HOSTNAME, TERM and container too. */
	char **command; /* NULL-terminated */
	char **env;
	size_t env_count;
	bool default_environment;
	char *cwd;     /* absolute, or NULL for "/" */
	char *user;    /* USER[:GROUP], names or numbers, or NULL */
	char **groups; /* --group-add, names or numbers */
	size_t group_count;
	int umask; /* -1: the caller's */
	bool init; /* a built-in PID 1 runs COMMAND */
	struct resource_limit *limits;
	size_t limit_count;
	bool has_oom_score_adj;
	int oom_score_adj;
	/* The container gets a terminal of its own even when the caller
	 * has none on fds 0-2 (its size: rows, columns; 0 if unknown). */
	bool terminal;
	unsigned short terminal_rows, terminal_columns;
	int inherited_fds; /* fds 3 .. 3+N-1 reach COMMAND too */
	int personality;   /* -1: unchanged */

	/* Namespaces and identity. */
	char *hostname;	  /* NULL: the host's */
	char *domainname; /* NULL: unchanged */
	enum network_mode network;
	enum userns_mode userns;
	bool single_id; /* without root: map only the caller's own id */
	/* CLONE_NEW* flags of the namespaces made: mount, PID, UTS and IPC
	 * by default, network with NETWORK_NONE, user with userns. */
	int namespaces;
	struct namespace_join *joins; /* namespaces joined by path */
	size_t join_count;
	/* With a user namespace, its maps as given (none: the automatic
	 * ones of userns.c). */
	struct id_mapping *uid_mappings, *gid_mappings;
	size_t uid_mapping_count, gid_mapping_count;
	struct sysctl *sysctls;
	size_t sysctl_count;
	/* The cgroup the container runs in, and its limits as the files
	 * of each version (the host's cgroups decide which are written);
	 * NULL and none: the caller's (cgroups.c). */
	char *cgroup_path;
	struct cgroup_setting *cgroup_settings; /* v2 */
	size_t cgroup_setting_count;
	struct cgroup_setting *cgroup_v1_settings;
	size_t cgroup_v1_setting_count;
	/* linux.resources.devices in order, for a device cgroup (v1). */
	struct device_rule *device_rules;
	size_t device_rule_count;

	/* /dev: the devices MOUNT_DEVICES makes beyond the defaults. */
	struct device_node *devices;
	size_t device_count;
	/* The container may use only the devices MOUNT_DEVICES makes: they
	 * are mounts of their own, and every other mount (the root too) is
	 * nodev. What a device cgroup would do, without one (cgroups.c). */
	bool only_given_devices;

	/* Privileges: security defaults and what relaxes them. */
	struct capability_sets capabilities; /* what COMMAND keeps */
	/* The sets are exact (a bundle's): any user has them, and one this
	 * runtime cannot grant is an error, as with runc (engines ask only
	 * for what they have: podman's --privileged gives all of its own).
	 * Else (the command line) only root has capabilities, as with
	 * Docker, and those the runtime lacks are left out (--cap-add ALL
	 * means all it has). */
	bool exact_capabilities;
	bool allow_new_privs;	 /* no PR_SET_NO_NEW_PRIVS */
	bool seccomp_unconfined; /* no system call filter */
	/* A filter of the bundle's own instead of the built-in allowlist
	 * (seccomp.h); NULL: the built-in one. */
	struct seccomp_profile *seccomp_profile;
	char *apparmor_profile; /* NULL: none */
	bool unmask;		/* no masked or read-only paths */
	bool writable_sys;	/* /sys read-write (--privileged) */
	/* Paths (absolute, in the container) MOUNT_MASKS covers: read as
	 * empty, or read-only. Docker's /proc and /sys lists unless given. */
	char **masked_paths, **readonly_paths;
	size_t masked_count, readonly_count;

	/* The container's life (OCI): its name, bundle and annotations
	 * for the state hooks read, and the hooks themselves. */
	char *id;
	char *bundle;
	char **annotations;	 /* key, value, key, value, ... */
	size_t annotation_count; /* strings: twice the pairs */
	struct hook_list hooks[HOOK_STAGES];
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

/* Removes every mount entry (a bundle lists all of its own). */
void remove_mounts(struct container_spec *s);

/* Keeps (add) or drops capabilities in every set but ambient, as
 * --cap-add and --cap-drop do. */
void add_capabilities(struct container_spec *s, capability_mask mask);
void drop_capabilities(struct container_spec *s, capability_mask mask);

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
