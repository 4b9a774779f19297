/* container.c - the child's side of the run: its setup
 * (setup_container reads top to bottom, one step per line, in the order
 * the kernel needs them); the parent's preparation before it is
 * prepare.c's, its start and the wait start.c's. The description (spec.h)
 * is the only input; the command line (container-fs.c) and the OCI
 * runtime (oci/runtime.c) fill it and call the steps of container.h.
 *
 * The parent checks and opens everything that can fail on bad input,
 * locks WRITEDIR and builds the overlay (or clones a root written in
 * place); the child, cloned into its new namespaces and a session of
 * its own, attaches it, makes the mounts the description lists in
 * order, switches root, becomes the user it names and execs COMMAND,
 * as PID 1 of its PID namespace. With a start FIFO (OCI create) it
 * waits there before exec until `start` opens it.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "apparmor.h"
#include "capabilities.h"
#include "cgroups.h"
#include "container.h"
#include "devices.h"
#include "environment.h"
#include "hooks.h"
#include "identity.h"
#include "idmap.h"
#include "init.h"
#include "janitor.h"
#include "kernelfs.h"
#include "layers.h"
#include "masks.h"
#include "mounts.h"
#include "namespaces.h"
#include "network.h"
#include "overlay.h"
#include "process.h"
#include "process_limits.h"
#include "seccomp.h"
#include "spec.h"
#include "subids.h"
#include "terminal.h"
#include "userns.h"
#include "utils.h"
#include "writedir.h"

/* The stack limit our caller set (ulimit -s), given back to COMMAND. */
static struct rlimit caller_stack;

/* The child dies with the parent, even a parent killed by SIGKILL. The
 * parent may already be gone before prctl: then the pipe we write our
 * report to has no reader left, and we stop here. */
static int die_with_parent(struct container *c, struct failure *f)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return fail(f, "prctl", "PR_SET_PDEATHSIG", errno);
	close(c->report_pipe[0]);
	c->report_fd = c->report_pipe[1];
	if (c->parent_steps)
		close(c->go_pipe[1]);
	struct timespec none = {0};
	fd_set readers;
	FD_ZERO(&readers);
	FD_SET(c->report_pipe[1], &readers);
	/* A pipe's write end polls as "readable" (error) once the reader
	 * has gone. */
	if (pselect(c->report_pipe[1] + 1, &readers, NULL, NULL, &none, NULL) >
	    0)
		_exit(EXIT_SETUP_FAILED);
	return 0;
}

/* Out of the caller's session and process group, first thing: a kill(0)
 * inside reaches no process of the caller's (its shell, container-fs,
 * the janitor), and the caller's terminal is no controlling terminal in
 * here (/dev/tty cannot open it). setsid cannot fail: a cloned child
 * leads no process group. */
static int leave_caller_session(struct failure *f)
{
	if (setsid() < 0)
		return fail(f, "setsid", "leave the caller's session", errno);
	return 0;
}

/* Our pid as the host sees it, for the state hooks read: the host's
 * /proc is still ours to read here (getpid says 1 in a new PID
 * namespace). With a start FIFO, our fd directory there too: it opens
 * the FIFO for writing later, whatever /proc the container has. */
static int find_host_pid(struct container *c, struct failure *f)
{
	char link[32];
	ssize_t n = readlink("/proc/self", link, sizeof(link) - 1);
	if (n <= 0)
		return fail(f, "setup", "/proc/self", errno);
	link[n] = '\0';
	c->host_pid = (pid_t)atoi(link);
	if (c->start_fifo >= 0) {
		c->fd_directory =
		    open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (c->fd_directory < 0)
			return fail(f, "setup", "/proc/self/fd", errno);
	}
	return 0;
}

/* Root's user namespace maps its block (or a bundle's maps), not host
 * root, whom we still are: without this we would be nobody inside (and
 * make no file). The host's supplementary groups go too: unmapped, they
 * would still grant their access on the host's files we see (/sys,
 * /dev). */
static int become_namespace_root(struct failure *f)
{
	if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 ||
	    setresuid(0, 0, 0) < 0)
		return fail(f, "user namespace", "become its root", errno);
	return 0;
}

/* In a new user namespace we are nobody until it has id maps: our own
 * id alone we map ourselves; in a namespace we joined, root's block
 * does not map host root, whom we still are: we become its root. */
static int set_id_maps(struct container *c, struct failure *f)
{
	if (maps_itself(c))
		return map_own_id(&c->maps, f);
	if (!joins_userns(c) || !c->root)
		return 0;
	c->became_root = true;
	return become_namespace_root(f);
}

static int make_cgroup_namespace(const struct container *c, struct failure *f)
{
	if (late_cgroup_namespace(&c->spec) && unshare(CLONE_NEWCGROUP) < 0)
		return fail(f, "create namespaces", "cgroup", errno);
	return 0;
}

/* The parent has things to do before we go on (a bundle's id maps, our
 * cgroup, hooks): it sends one byte when done, or closes the pipe. */
static int wait_for_parent(struct container *c, struct failure *f)
{
	if (!c->parent_steps)
		return 0;
	char byte;
	ssize_t n;
	while ((n = read(c->go_pipe[0], &byte, 1)) < 0 && errno == EINTR)
		;
	if (n != 1)
		_exit(EXIT_SETUP_FAILED); /* the parent reports why */
	if (!c->userns || !c->root || c->became_root)
		return 0;
	c->became_root = true;
	return become_namespace_root(f);
}

/* Mount propagation is shared on systemd hosts: without this every mount
 * below would also appear on the host. */
static int make_mounts_private(struct container *c, struct failure *f)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0)
		return 0;
	fail(f, "make / private", "/", errno);
	/* The first privileged step: in a user namespace an EPERM here
	 * means the system withholds its capabilities (AppArmor). */
	return c->userns && f->error == EPERM ? hint_userns_disabled(f) : -1;
}

static const struct writedir *writedir_of(const struct container *c)
{
	return c->spec.writable == WRITABLE_WRITEDIR ? &c->writedir : NULL;
}

/* A root written in place: the parent's clone of the directory's mount
 * tree, or (in a user namespace, where only we may clone it) the
 * directory found again and checked to be the one the parent opened.
 * Made private at once: a clone of a host's shared mount would pass
 * the container's mounts on to the host. */
static int mount_root_in_place(struct container *c, struct failure *f)
{
	int tree = c->root_tree_fd;
	if (c->userns)
		tree = clone_same_tree(c->spec.root_directory, c->root_tree_fd);
	if (tree < 0)
		return fail(f, "mount root", c->spec.root_directory, errno);
	int result = attach_overlay(tree, f);
	if (c->userns)
		close(tree);
	if (result == 0 &&
	    mount(NULL, ".", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		result = fail(f, "mount root", c->spec.root_directory, errno);
	/* Only the devices the container is given open (devices.c): not a
	 * node an image brings, nor one it makes. */
	if (result == 0 && c->spec.only_given_devices) {
		int here = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
		result = here < 0 ? fail(f, "mount root", ".", errno)
				  : set_mount_flags(here, MS_NODEV, true,
						    "mount root",
						    c->spec.root_directory, f);
		if (here >= 0)
			close(here);
	}
	return result;
}

/* Leaves the working directory at the root's top, and root_fd on it:
 * every later step resolves its paths below that fd. */
static int mount_root(struct container *c, struct failure *f)
{
	int result;
	bool here = c->userns && !c->root && !c->spec.legacy_mount;
	if (c->spec.writable == WRITABLE_IN_PLACE)
		result = mount_root_in_place(c, f);
	else {
		/* Ours in a variable of our own: c may be the parent's
		 * memory (CLONE_VM), and c->overlay_fd the parent's to
		 * close. */
		int overlay_fd =
		    here ? create_overlay_here(&c->layers, writedir_of(c), f)
			 : c->overlay_fd;
		if (overlay_fd >= 0)
			result = attach_overlay(overlay_fd, f);
		else if (overlay_fd == -1 && here)
			result = -1;
		else
			result =
			    mount_overlay_legacy(&c->layers, writedir_of(c),
						 c->userns && !c->root, f);
	}
	if (result < 0)
		return -1;
	c->root_fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->root_fd < 0)
		return fail(f, "mount root", "open the new root", errno);
	return 0;
}

/* The description's mounts, in its order: the kernel's filesystems and
 * the masks, /etc/hosts and resolv.conf, then volumes and tmpfs as the
 * command line gave them (so "-v a:/x -v b:/x/y" works); or a bundle's
 * list, then its devices and masks. */
static int mount_all(struct container *c, struct failure *f)
{
	const struct container_spec *s = &c->spec;
	/* A user namespace may mount sysfs only with a network namespace of
	 * its own: with the host's, the host's /sys is bound instead. */
	bool in_userns = c->userns || c->nested_root;
	bool bind_sys = in_userns && !(s->namespaces & CLONE_NEWNET) &&
			s->network == NETWORK_HOST;
	for (size_t i = 0; i < s->mount_count; i++) {
		const struct mount_entry *m = &s->mounts[i];
		int result;
		switch (m->kind) {
		case MOUNT_PROC:
			result = mount_proc(c->root_fd, m->source != NULL, f);
			break;
		case MOUNT_DEV:
			result = setup_dev(
			    c->root_fd,
			    !c->userns || has_group_inside(&c->maps, TTY_GROUP),
			    f);
			break;
		case MOUNT_SYS:
			result =
			    mount_sys(c->root_fd, s->writable_sys, bind_sys, f);
			break;
		case MOUNT_MASKS:
			result = s->unmask ? 0 : mask_paths(c->root_fd, s, f);
			break;
		case MOUNT_FILES:
			result = mount_etc_files(c->root_fd, &c->etc, f);
			break;
		case MOUNT_DEVICES:
			result = make_devices(c->root_fd, s, in_userns, f);
			break;
		default:
			result = mount_entry(c->root_fd, s, m, f);
		}
		if (result < 0)
			return -1;
	}
	return 0;
}

/* -w DIR is made in the writable layer if the image lacks it, as
 * Docker does; COMMAND enters it in prepare_exec, as its user. */
static int make_working_directory(struct container *c, struct failure *f)
{
	return c->spec.cwd ? make_in_root(c->root_fd, c->spec.cwd, S_IFDIR,
					  "workdir", f)
			   : 0;
}

/* The mounts are made: the parent runs the prestart and createRuntime
 * hooks (in the host's namespaces) while we wait, then we run the
 * createContainer hooks here, in the container's, before pivot_root. */
static int run_create_hooks(struct container *c, struct failure *f)
{
	const struct container_spec *s = &c->spec;
	if (s->hooks[HOOK_PRESTART].count ||
	    s->hooks[HOOK_CREATE_RUNTIME].count) {
		struct report r = {.kind = REPORT_HOOKS};
		if (write_all(c->report_fd, &r, sizeof(r)) < 0)
			_exit(EXIT_SETUP_FAILED);
		wait_for_parent(c, f);
	}
	return run_hooks(s, HOOK_CREATE_CONTAINER, c->host_pid, "creating",
			 false, f);
}

/* --read-only: once every mount point is made, "/" itself is. */
static int seal_root(struct container *c, struct failure *f)
{
	return c->spec.read_only_root
		   ? remount_read_only(c->root_fd, "read-only root", "/", f)
		   : 0;
}

/* A bundle's rootfsPropagation, for "/" as the container sees it. */
static int set_root_propagation(struct container *c, struct failure *f)
{
	unsigned long propagation = c->spec.root_propagation;
	if (propagation == (MS_REC | MS_PRIVATE))
		return 0; /* as mount_root left it */
	if (mount(NULL, "/", NULL, propagation, NULL) < 0)
		return fail(f, "root propagation", "/", errno);
	return 0;
}

/* The UTS namespace is new: only a name given changes it. */
static int set_hostname(struct container *c, struct failure *f)
{
	const struct container_spec *s = &c->spec;
	if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
		return fail(f, "hostname", s->hostname, errno);
	if (s->domainname &&
	    setdomainname(s->domainname, strlen(s->domainname)) < 0)
		return fail(f, "domainname", s->domainname, errno);
	return 0;
}

/* A network namespace of our own has only lo, and down. */
static int set_up_network(struct container *c, struct failure *f)
{
	return c->spec.network == NETWORK_NONE ? bring_up_loopback(f) : 0;
}

/* Created, not started: tell the parent we are ready, and wait at the
 * FIFO until `start` opens it; from then on a failure is reported
 * there, and the FIFO closes when COMMAND is exec'd. COMMAND is looked
 * up first, so `create` reports a missing one. */
static int wait_for_start(struct container *c, struct failure *f)
{
	if (c->start_fifo < 0)
		return 0;
	if (find_command(&c->spec, f) < 0)
		return -1;
	struct report r = {.kind = REPORT_READY};
	if (c->detached && prctl(PR_SET_PDEATHSIG, 0) < 0)
		return fail(f, "prctl", "PR_SET_PDEATHSIG", errno);
	if (write_all(c->report_fd, &r, sizeof(r)) < 0)
		_exit(EXIT_SETUP_FAILED);
	close(c->report_fd);
	c->report_fd = -1;
	char name[16];
	snprintf(name, sizeof(name), "%d", c->start_fifo);
	int fd;
	while ((fd = openat(c->fd_directory, name, O_WRONLY | O_CLOEXEC)) < 0 &&
	       errno == EINTR)
		;
	if (fd < 0)
		_exit(EXIT_SETUP_FAILED); /* nobody to tell */
	close(c->start_fifo);
	close(c->fd_directory);
	c->report_fd = fd;
	if (write_all(fd, "", 1) < 0)
		_exit(EXIT_SETUP_FAILED);
	return run_hooks(&c->spec, HOOK_START_CONTAINER, c->host_pid, "created",
			 false, f);
}

/* The container's pty becomes its user's, as a login's terminal does,
 * so the user may reopen it (/dev/pts/N) and change its modes. */
static int give_terminal(struct container *c, struct failure *f)
{
	for (int fd = 0; fd < 3 && c->identity.uid != 0; fd++)
		if (c->terminal.on[fd] &&
		    fchown(fd, c->identity.uid, (gid_t)-1) < 0)
			return fail(f, "terminal", "chown", errno);
	return 0;
}

/* The last steps with full privilege, in the only order that works:
 * no_new_privs, the bounding set, then the user (which needs CAP_SETUID
 * and CAP_SETGID; KEEPCAPS keeps the permitted set across it), then the
 * capability sets: the description's for root, or for any user if it
 * says so; else none, as with Docker. The seccomp filter comes later,
 * as late as can be (seal_privileges); without no_new_privs the kernel
 * asks CAP_SYS_ADMIN of whoever installs it, so that is kept in the
 * effective set until then. */
static int restrict_privileges(struct container *c, struct failure *f)
{
	const struct container_spec *s = &c->spec;
	struct capability_sets keep = s->capabilities;
	bool keeps = c->identity.uid == 0 || s->exact_capabilities;
	if (!s->allow_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail(f, "no_new_privs", "prctl", errno);
	c->filter_pending = !s->seccomp_unconfined;
	if (limit_bounding_set(&keep, s->exact_capabilities, f) < 0 ||
	    give_terminal(c, f) < 0 || prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 ||
	    switch_identity(&c->identity, f) < 0)
		return -1;
	if (!keeps)
		keep = (struct capability_sets){0};
	c->final_capabilities = keep;
	capability_mask admin = (capability_mask)1 << CAP_SYS_ADMIN;
	c->capabilities_pending = c->filter_pending && s->allow_new_privs &&
				  !(keep.effective & admin);
	if (c->capabilities_pending) {
		keep.effective |= admin;
		keep.permitted |= admin;
		keep.ambient = 0;
	}
	return set_capabilities(&keep, f);
}

/* The seccomp filter, then (if CAP_SYS_ADMIN was kept for it) the
 * final capability sets: after the filter only capset and prctl run
 * before exec, which a bundle's profile allows when it lets COMMAND
 * run at all. */
static int seal_privileges(struct container *c, struct failure *f)
{
	const struct container_spec *s = &c->spec;
	if (c->filter_pending && install_seccomp(s->capabilities.bounding,
						 s->seccomp_profile, f) < 0)
		return -1;
	c->filter_pending = false;
	if (c->capabilities_pending &&
	    set_capabilities(&c->final_capabilities, f) < 0)
		return -1;
	c->capabilities_pending = false;
	return 0;
}

/* With --init this process stays PID 1 and a child runs COMMAND; the
 * filter holds for both. */
static int start_pid_1(struct container *c, struct failure *f)
{
	if (!c->spec.init)
		return 0;
	return seal_privileges(c, f) < 0 ? -1 : start_init(f);
}

/* COMMAND gets the caller's signal mask back, its own environment, its
 * working directory (entered as its user, who must be allowed to), and
 * no file descriptor beyond 0-2 (close-on-exec for all, the caller's
 * leaks too) but those it is to inherit. */
static int prepare_exec(struct container *c, struct failure *f)
{
	extern char **environ;
	const struct container_spec *s = &c->spec;
	const char *cwd = s->cwd ? s->cwd : "/";
	if (sigprocmask(SIG_SETMASK, &c->original_mask, NULL) < 0)
		return fail(f, "exec", "restore signal mask", errno);
	char **env =
	    build_environment(s, c->hostname, c->identity.home, c->term, f);
	if (!env)
		return -1;
	environ = env; /* execvp searches this PATH */
	if (chdir(cwd) < 0)
		return fail(f, "workdir", cwd, errno);
	if (syscall(SYS_close_range, 3 + s->inherited_fds, ~0U,
		    CLOSE_RANGE_CLOEXEC) < 0)
		return fail(f, "exec", "close_range", errno);
	if (s->umask >= 0)
		umask((mode_t)s->umask);
	return set_apparmor_profile(s, c->apparmor, f);
}

static int run_command(struct container *c, struct failure *f)
{
	char **command = c->spec.command;
	/* The caller's stack limit, last: a small one (ulimit -s 16) would
	 * stop any step after it that needs more stack than that (the
	 * seccomp filter's build; under ASan every step, on the stack we
	 * were copied from). */
	if (!has_limit(&c->spec, RLIMIT_STACK) &&
	    setrlimit(RLIMIT_STACK, &caller_stack) < 0)
		return fail(f, "exec", "restore the stack limit", errno);
	execvp(command[0], command);
	fail(f, "exec", command[0], errno);
	f->status = errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXECUTE;
	if (errno == ENOENT)
		add_hint(f,
			 "not found in the container's PATH or at that path");
	return -1;
}

/*
 * The container's setup, in the order the kernel needs it. Runs in the
 * child, already in its new namespaces; returns only on failure.
 */
static int setup_container(struct container *c, struct failure *f)
{
	if (die_with_parent(c, f) < 0 || leave_caller_session(f) < 0 ||
	    find_host_pid(c, f) < 0 || set_id_maps(c, f) < 0 ||
	    join_namespaces(&c->spec, f) < 0 || wait_for_parent(c, f) < 0 ||
	    make_cgroup_namespace(c, f) < 0 || set_sysctls(&c->spec, f) < 0 ||
	    make_mounts_private(c, f) < 0 || mount_root(c, f) < 0 ||
	    mount_all(c, f) < 0 ||
	    create_terminal(&c->terminal, c->root_fd, f) < 0 ||
	    make_working_directory(c, f) < 0 || run_create_hooks(c, f) < 0 ||
	    seal_root(c, f) < 0 || switch_root(c->root_fd, f) < 0 ||
	    set_root_propagation(c, f) < 0 || set_hostname(c, f) < 0 ||
	    set_up_network(c, f) < 0 ||
	    resolve_identity(&c->spec, &c->identity, f) < 0 ||
	    wait_for_start(c, f) < 0 || set_limits(&c->spec, f) < 0 ||
	    restrict_privileges(c, f) < 0 || start_pid_1(c, f) < 0 ||
	    take_terminal(&c->terminal, f) < 0 || prepare_exec(c, f) < 0 ||
	    seal_privileges(c, f) < 0)
		return -1;
	return run_command(c, f);
}

int exec_in_container(struct container *c, struct failure *f)
{
	c->report_fd = c->report_pipe[1];
	if (leave_caller_session(f) < 0 ||
	    create_exec_terminal(&c->terminal, f) < 0 ||
	    resolve_identity(&c->spec, &c->identity, f) < 0 ||
	    set_limits(&c->spec, f) < 0 || restrict_privileges(c, f) < 0 ||
	    take_terminal(&c->terminal, f) < 0 || prepare_exec(c, f) < 0 ||
	    seal_privileges(c, f) < 0)
		return -1;
	return run_command(c, f);
}

/* The child: its only way out is exec, or a report to the parent. */
int container_main(void *arg)
{
	struct container *c = arg;
	struct report r = {.kind = REPORT_FAILED};
	c->report_fd = c->report_pipe[1];
	setup_container(c, &r.failure);
	if (c->report_fd >= 0)
		write_all(c->report_fd, &r, sizeof(r));
	_exit(r.failure.status);
}

/* Our own frames need a few dozen KiB of stack: under a smaller limit
 * (ulimit -s 16) we would die of SIGSEGV before saying why. Raise the
 * soft limit as far as the hard one allows (the stack grows against the
 * limit in force at each fault), or refuse in one line, without stdio
 * and with a small frame. */
#define OWN_STACK (256 * 1024)
int ensure_stack(void)
{
	static const char message[] =
	    "container-fs: stack limit: below 256 KiB, and the hard limit "
	    "forbids more (hint: raise it, e.g. ulimit -s 8192)\n";
	if (getrlimit(RLIMIT_STACK, &caller_stack) < 0 ||
	    caller_stack.rlim_cur >= OWN_STACK)
		return 0;
	struct rlimit raised = caller_stack;
	raised.rlim_cur =
	    raised.rlim_max < OWN_STACK ? raised.rlim_max : OWN_STACK;
	if (raised.rlim_cur >= OWN_STACK &&
	    setrlimit(RLIMIT_STACK, &raised) == 0)
		return 0;
	write_all(2, message, sizeof(message) - 1);
	return -1;
}
