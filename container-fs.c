/*
 * container-fs - run a command in a container whose root filesystem is an
 * overlay of plain directories:
 *
 *     container-fs [OPTIONS] LAYER... WRITEDIR -- COMMAND [ARG...]
 *
 * The command line fills one description of the container (spec.h); the
 * rest of this file executes it and never looks at argv. The parent
 * checks and opens everything that can fail on bad input, locks WRITEDIR
 * and builds the overlay; the child, cloned into new mount, PID, UTS and
 * IPC namespaces (and network, with --network none) and a session of its
 * own, attaches it, makes the mounts the description lists in order,
 * switches root, becomes the user it names and execs COMMAND as PID 1.
 * The parent forwards signals (and, when the caller has a terminal,
 * relays between it and the container's own pty), waits, and leaves
 * nothing behind but the changes in WRITEDIR.
 */
#include <errno.h>
#include <fcntl.h>
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
#include <sys/wait.h>
#include <unistd.h>

#include "capabilities.h"
#include "cli.h"
#include "environment.h"
#include "identity.h"
#include "init.h"
#include "janitor.h"
#include "kernelfs.h"
#include "layers.h"
#include "masks.h"
#include "mounts.h"
#include "network.h"
#include "overlay.h"
#include "process.h"
#include "seccomp.h"
#include "spec.h"
#include "terminal.h"
#include "userns.h"
#include "utils.h"
#include "writedir.h"

#ifndef VERSION
#define VERSION "0.1.0"
#endif

/* Bounds for the container's stack, which only costs what is touched. */
#define MIN_STACK_SIZE (1024 * 1024)
#define MAX_STACK_SIZE (64 * 1024 * 1024)

struct container {
	struct container_spec spec; /* what to run: the only input */
	struct layer_stack layers;
	struct writedir writedir; /* WRITABLE_WRITEDIR only */
	struct terminal terminal; /* the container's own pty, if any */
	struct etc_files etc;	  /* /etc/hosts and /etc/resolv.conf */
	char hostname[65];	  /* the container's, for env and hosts */
	const char *term;	  /* the caller's TERM, for COMMAND's */
	struct identity identity; /* in the child: who COMMAND runs as */
	int overlay_fd;		  /* detached overlay, or -1 for mount(2) */
	int root_fd;		  /* in the child: the new root, once mounted */
	int report_pipe[2]; /* child -> parent: a struct failure, or EOF */
	int maps_pipe[2];   /* parent -> child: one byte once id maps are set */
	bool userns;	    /* rootless, or --userns */
	sigset_t forwarded; /* signals the parent relays, plus SIGCHLD */
	sigset_t original_mask;
	pid_t pid;
	bool command_ran;
};

/* The stack limit our caller set (ulimit -s), given back to COMMAND. */
static struct rlimit caller_stack;

/* The signals a user sends to stop or poke a container. */
static const int forwarded_signals[] = {SIGINT,	 SIGTERM, SIGHUP,
					SIGQUIT, SIGUSR1, SIGUSR2};

/* The child dies with the parent, even a parent killed by SIGKILL. The
 * parent may already be gone before prctl: then the pipe we write our
 * report to has no reader left, and we stop here. */
static int die_with_parent(struct container *c, struct failure *f)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return fail(f, "prctl", "PR_SET_PDEATHSIG", errno);
	close(c->report_pipe[0]);
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

/* In a new user namespace we are nobody until the parent has written
 * our id maps; it sends one byte when done, or closes the pipe. */
static int wait_for_id_maps(struct container *c)
{
	if (!c->userns)
		return 0;
	char byte;
	close(c->maps_pipe[1]);
	ssize_t n;
	while ((n = read(c->maps_pipe[0], &byte, 1)) < 0 && errno == EINTR)
		;
	close(c->maps_pipe[0]);
	if (n != 1)
		_exit(EXIT_SETUP_FAILED); /* the parent reports why */
	return 0;
}

static const struct writedir *writedir_of(const struct container *c)
{
	return c->spec.writable == WRITABLE_WRITEDIR ? &c->writedir : NULL;
}

/* Leaves the working directory at the overlay's root, and root_fd on it:
 * every later step resolves its paths below that fd. */
static int mount_root(struct container *c, struct failure *f)
{
	int result;
	bool legacy = c->spec.legacy_mount;
	if (c->userns && !legacy)
		c->overlay_fd =
		    create_overlay_here(&c->layers, writedir_of(c), f);
	if (c->overlay_fd >= 0)
		result = attach_overlay(c->overlay_fd, f);
	else if (c->overlay_fd == -1 && c->userns && !legacy)
		result = -1;
	else
		result = mount_overlay_legacy(&c->layers, writedir_of(c),
					      c->userns, f);
	if (result < 0)
		return -1;
	c->root_fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->root_fd < 0)
		return fail(f, "mount overlay", "open the new root", errno);
	return 0;
}

/* The description's mounts, in its order: the kernel's filesystems and
 * the masks, /etc/hosts and resolv.conf, then volumes and tmpfs as the
 * command line gave them (so "-v a:/x -v b:/x/y" works). */
static int mount_all(struct container *c, struct failure *f)
{
	const struct container_spec *s = &c->spec;
	/* A user namespace may mount sysfs only with a network namespace of
	 * its own: with the host's, the host's /sys is bound instead. */
	bool bind_sys = c->userns && s->network == NETWORK_HOST;
	for (size_t i = 0; i < s->mount_count; i++) {
		const struct mount_entry *m = &s->mounts[i];
		int result;
		switch (m->kind) {
		case MOUNT_PROC:
			result = mount_proc(c->root_fd, f);
			break;
		case MOUNT_DEV:
			result = setup_dev(c->root_fd, f);
			break;
		case MOUNT_SYS:
			result =
			    mount_sys(c->root_fd, s->writable_sys, bind_sys, f);
			break;
		case MOUNT_MASKS:
			result = s->unmask ? 0 : mask_paths(c->root_fd, f);
			break;
		case MOUNT_FILES:
			result = mount_etc_files(c->root_fd, &c->etc, f);
			break;
		default:
			result = mount_entry(c->root_fd, s, m, c->userns, f);
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

/* --read-only: once every mount point is made, "/" itself is. */
static int seal_root(struct container *c, struct failure *f)
{
	return c->spec.read_only_root
		   ? remount_read_only(c->root_fd, "read-only root", "/", f)
		   : 0;
}

/* The UTS namespace is new: only a name given changes it. */
static int set_hostname(struct container *c, struct failure *f)
{
	if (c->spec.hostname &&
	    sethostname(c->spec.hostname, strlen(c->spec.hostname)) < 0)
		return fail(f, "hostname", c->spec.hostname, errno);
	return 0;
}

/* --network none: the new network namespace has only lo, and down. */
static int set_up_network(struct container *c, struct failure *f)
{
	return c->spec.network == NETWORK_NONE ? bring_up_loopback(f) : 0;
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
 * no_new_privs, then the seccomp filter (installing it needs
 * CAP_SYS_ADMIN or no_new_privs; it allows what the kept capabilities
 * are for, as Docker's profile does), then the bounding set, then the
 * user (which needs CAP_SETUID and CAP_SETGID), then the capability
 * sets: Docker's for root, none for any other user. */
static int restrict_privileges(struct container *c, struct failure *f)
{
	const struct container_spec *s = &c->spec;
	capability_mask keep = s->capabilities;
	if (!s->allow_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail(f, "no_new_privs", "prctl", errno);
	if (!s->seccomp_unconfined && install_seccomp(keep, NULL, f) < 0)
		return -1;
	if (limit_bounding_set(&keep, f) < 0 || give_terminal(c, f) < 0 ||
	    switch_identity(&c->identity, f) < 0)
		return -1;
	return set_capabilities(c->identity.uid == 0 ? keep : 0, f);
}

/* With --init this process stays PID 1 and a child runs COMMAND. */
static int start_pid_1(struct container *c, struct failure *f)
{
	return c->spec.init ? start_init(f) : 0;
}

/* COMMAND gets the caller's signal mask back, its own environment, its
 * working directory (entered as its user, who must be allowed to), and
 * no file descriptor beyond 0-2 (close-on-exec for all, the caller's
 * leaks too). */
static int prepare_exec(struct container *c, struct failure *f)
{
	extern char **environ;
	const char *cwd = c->spec.cwd ? c->spec.cwd : "/";
	if (sigprocmask(SIG_SETMASK, &c->original_mask, NULL) < 0)
		return fail(f, "exec", "restore signal mask", errno);
	char **env = build_environment(&c->spec, c->hostname, c->identity.home,
				       c->term, f);
	if (!env)
		return -1;
	environ = env; /* execvp searches this PATH */
	if (chdir(cwd) < 0)
		return fail(f, "workdir", cwd, errno);
	if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return fail(f, "exec", "close_range", errno);
	if (setrlimit(RLIMIT_STACK, &caller_stack) < 0)
		return fail(f, "exec", "restore the stack limit", errno);
	return 0;
}

static int run_command(struct container *c, struct failure *f)
{
	char **command = c->spec.command;
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
	    wait_for_id_maps(c) < 0 || make_mounts_private(c, f) < 0 ||
	    mount_root(c, f) < 0 || mount_all(c, f) < 0 ||
	    create_terminal(&c->terminal, c->root_fd, f) < 0 ||
	    make_working_directory(c, f) < 0 || seal_root(c, f) < 0 ||
	    switch_root(c->root_fd, f) < 0 || set_hostname(c, f) < 0 ||
	    set_up_network(c, f) < 0 ||
	    resolve_identity(&c->spec, &c->identity, f) < 0 ||
	    restrict_privileges(c, f) < 0 || start_pid_1(c, f) < 0 ||
	    take_terminal(&c->terminal, f) < 0 || prepare_exec(c, f) < 0)
		return -1;
	return run_command(c, f);
}

/* The child: its only way out is exec, or a report to the parent. */
static int container_main(void *arg)
{
	struct container *c = arg;
	struct failure f;
	setup_container(c, &f);
	write_all(c->report_pipe[1], &f, sizeof(f));
	_exit(f.status);
}

/* Blocks the relayed signals (and SIGCHLD) so none is lost between clone
 * and the wait loop; the child restores the mask before exec. SIGCHLD
 * may have been ignored by our caller, which would make waitpid fail.
 * SIGPIPE is blocked too, not ignored (an ignored signal would stay
 * ignored in COMMAND): a janitor killed by someone must turn our "done"
 * byte into EPIPE, not kill us before we clean up. */
static int block_signals(struct container *c, struct failure *f)
{
	sigset_t blocked;
	sigemptyset(&c->forwarded);
	for (size_t i = 0;
	     i < sizeof(forwarded_signals) / sizeof(*forwarded_signals); i++)
		sigaddset(&c->forwarded, forwarded_signals[i]);
	sigaddset(&c->forwarded, SIGCHLD);
	blocked = c->forwarded;
	sigaddset(&blocked, SIGPIPE);
	if (signal(SIGCHLD, SIG_DFL) == SIG_ERR ||
	    sigprocmask(SIG_BLOCK, &blocked, &c->original_mask) < 0)
		return fail(f, "signals", "block", errno);
	return 0;
}

/* The child's flags. Like posix_spawn, it shares our memory while we
 * sleep until it execs or exits (CLONE_VM | CLONE_VFORK): nothing is
 * copied, which saves about a millisecond in a VM. Not when we have work
 * to do while it runs its setup (writing its id maps), nor with --init,
 * whose PID 1 never execs. */
static int container_flags(const struct container *c)
{
	int flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC;
	if (c->spec.network == NETWORK_NONE)
		flags |= CLONE_NEWNET;
	if (c->userns)
		flags |= CLONE_NEWUSER;
	else if (!c->spec.init)
		flags |= CLONE_VM | CLONE_VFORK;
	return flags;
}

/* As much stack as a main thread may grow to (RLIMIT_STACK): setup needs
 * a few pages, but execvp copies the whole argument list onto the stack
 * to run a script without "#!" through /bin/sh. */
static size_t container_stack_size(void)
{
	struct rlimit limit;
	if (getrlimit(RLIMIT_STACK, &limit) < 0 ||
	    limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur > MAX_STACK_SIZE)
		return MAX_STACK_SIZE;
	return limit.rlim_cur < MIN_STACK_SIZE ? MIN_STACK_SIZE
					       : (size_t)limit.rlim_cur;
}

static int start_container(struct container *c, struct failure *f)
{
	struct stack stack;
	if (pipe2(c->report_pipe, O_CLOEXEC) < 0 ||
	    (c->userns && pipe2(c->maps_pipe, O_CLOEXEC) < 0))
		return fail(f, "pipe", "report", errno);
	c->pid = start_process(container_main, c, container_flags(c),
			       container_stack_size(), &stack);
	if (c->pid < 0) {
		fail(f, "create namespaces", "clone", errno);
		if (c->userns)
			return hint_userns_disabled(f);
		if (errno == EPERM)
			add_hint(f, "run as root, e.g. with sudo");
		return -1;
	}
	/* The child runs on its stack no more: it has exec'd or exited
	 * (CLONE_VFORK), or has a copy of it. */
	free_stack(&stack);
	close(c->report_pipe[1]);
	if (!c->userns)
		return 0;
	close(c->maps_pipe[0]);
	int result = write_id_maps(c->pid, f);
	if (result == 0 && write_all(c->maps_pipe[1], "", 1) < 0)
		result =
		    fail(f, "user namespace", "release the container", errno);
	close(c->maps_pipe[1]);
	if (result < 0) /* the child saw the pipe close and is exiting */
		waitpid(c->pid, NULL, 0);
	return result;
}

/* Reads the child's report: EOF means exec succeeded (the pipe is
 * close-on-exec), a struct failure means setup or exec failed. */
static int read_report(struct container *c, struct failure *f)
{
	size_t got = 0;
	while (got < sizeof(*f)) {
		ssize_t n =
		    read(c->report_pipe[0], (char *)f + got, sizeof(*f) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(c->report_pipe[0]);
	c->command_ran = got == 0;
	return got == 0 ? 0 : -1;
}

/* Waits for the container, relaying signals; returns its wait status.
 * The container is in no process group of ours, so every signal is
 * relayed, whoever sent it (kill, or ^C at a terminal in our process
 * group): the container sees each one once. */
static int relay_signals(struct container *c)
{
	for (;;) {
		int status;
		int signal_number = sigwaitinfo(&c->forwarded, NULL);
		if (signal_number < 0)
			continue;
		if (signal_number != SIGCHLD)
			kill(c->pid, signal_number);
		else if (waitpid(c->pid, &status, WNOHANG) == c->pid)
			return status;
	}
}

/* Waits for the container, relaying its terminal too when it has one;
 * returns its exit status (128+N for death by signal N). */
static int wait_container(struct container *c)
{
	int status;
	struct failure f;
	if (!c->terminal.any || !c->command_ran) {
		status = relay_signals(c);
	} else if (receive_terminal(&c->terminal, &f) == 0) {
		status = relay_terminal(&c->terminal, c->pid);
	} else {
		/* Nothing could reach the container or come out of it:
		 * stop it rather than leave it and the caller waiting. */
		restore_terminal(&c->terminal);
		print_failure(&f);
		kill(c->pid, SIGKILL);
		status = relay_signals(c);
	}
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status)
				   : WEXITSTATUS(status);
}

/* Without root, a user namespace is the only way; with root, only on
 * request (--userns). */
static int choose_userns(struct container *c, struct failure *f)
{
	bool root = geteuid() == 0;
	if (c->spec.userns == USERNS_OFF && !root) {
		fail(f, "arguments", "--no-userns needs root", EPERM);
		return add_hint(f, "run with sudo, or without --no-userns");
	}
	c->userns = c->spec.userns == USERNS_ON ||
		    (c->spec.userns == USERNS_AUTO && !root);
	return c->userns ? check_userns_kernel(f) : 0;
}

/* WRITEDIR: opened, checked against the layers, locked, and given the
 * top layer's mode for the run (see writedir.h). */
static int prepare_writedir_for_run(struct container *c, struct failure *f)
{
	struct writedir *w = &c->writedir;
	return open_writedir(w, c->spec.writedir, c->spec.overlay_workdir, f) <
			   0 ||
		       check_overlaps(&c->layers, w->path, w->work_path, f) <
			   0 ||
		       (c->userns &&
			check_caller_access(&c->layers, w, f) < 0) ||
		       prepare_writedir(w, f) < 0 || start_janitor(w, f) < 0 ||
		       lock_writedir(w, c->userns, f) < 0 ||
		       open_writedir_for_run(
			   w, c->layers.layers[c->layers.count - 1].fd, f) < 0
		   ? -1
		   : 0;
}

/* The root filesystem's parts: the layers, and WRITEDIR or (--rm,
 * --read-only) nothing on the host at all. */
static int open_root_parts(struct container *c, struct failure *f)
{
	if (open_layers(&c->layers, c->spec.layers, c->spec.layer_count, f) < 0)
		return -1;
	if (c->spec.writable == WRITABLE_WRITEDIR)
		return prepare_writedir_for_run(c, f);
	return c->userns ? check_caller_access(&c->layers, NULL, f) : 0;
}

/* What the child will need from the host, read now: the hostname it
 * keeps or gets, the host's name files, the caller's TERM. */
static int gather_host_facts(struct container *c, struct failure *f)
{
	struct utsname host;
	if (c->spec.hostname)
		snprintf(c->hostname, sizeof(c->hostname), "%s",
			 c->spec.hostname);
	else if (uname(&host) == 0)
		snprintf(c->hostname, sizeof(c->hostname), "%s", host.nodename);
	c->term = getenv("TERM");
	return prepare_etc_files(&c->spec, c->hostname, &c->etc, f);
}

/*
 * The parent's part, top to bottom: check and open everything, lock
 * WRITEDIR, build the overlay, start the container, wait, clean up.
 */
static int run_container(struct container *c)
{
	struct container_spec *s = &c->spec;
	struct failure f;
	int status = EXIT_SETUP_FAILED;
	c->overlay_fd = -1;
	c->writedir = WRITEDIR_INIT;
	/* Nothing open yet: cleanup after an early refusal closes nothing. */
	c->terminal.master = c->terminal.signal_fd = -1;
	c->terminal.socket[0] = c->terminal.socket[1] = -1;

	if (choose_userns(c, &f) < 0 || open_root_parts(c, &f) < 0 ||
	    open_volume_sources(s, c->userns, &f) < 0 ||
	    gather_host_facts(c, &f) < 0)
		goto failed;
	/* Without root only the child, in its own user namespace, may
	 * mount: it builds the overlay there. */
	if (!s->legacy_mount && !c->userns) {
		c->overlay_fd = create_overlay(&c->layers, writedir_of(c), &f);
		if (c->overlay_fd == -1)
			goto failed;
	}
	if (block_signals(c, &f) < 0 ||
	    open_terminal(&c->terminal, &c->forwarded, &f) < 0 ||
	    start_container(c, &f) < 0)
		goto failed;
	if (c->overlay_fd >= 0)
		close(c->overlay_fd);
	c->overlay_fd = -1;
	if (read_report(c, &f) < 0)
		status = f.status;
	else
		tell_janitor_command_ran(&c->writedir);
	int exit_status = wait_container(c);
	if (c->command_ran) {
		status = exit_status;
		goto done;
	}
failed:
	/* In raw mode the message would print as a staircase. */
	restore_terminal(&c->terminal);
	print_failure(&f);
done:
	close_terminal(&c->terminal);
	if (c->overlay_fd >= 0)
		close(c->overlay_fd);
	release_writedir(&c->writedir, c->command_ran);
	stop_janitor(&c->writedir);
	close_volume_sources(s);
	free_etc_files(&c->etc);
	close_layers(&c->layers);
	return status;
}

/* With 0, 1 or 2 closed by our caller, our own files would land there and
 * the container would inherit them as its stdio: hold /dev/null there.
 * The same call says which are terminals (tcgetattr fails with EBADF on
 * a closed fd, ENOTTY on a file or pipe), so a launch without a
 * terminal pays nothing for finding out. */
static void check_standard_fds(struct terminal *t)
{
	for (int fd = 0; fd < 3; fd++) {
		struct termios settings;
		if (tcgetattr(fd, &settings) == 0)
			note_terminal(t, fd, &settings);
		else if (errno == EBADF && open("/dev/null", O_RDWR) != fd)
			_exit(EXIT_SETUP_FAILED);
	}
}

/* Our own frames need a few dozen KiB of stack: under a smaller limit
 * (ulimit -s 16) we would die of SIGSEGV before saying why. Raise the
 * soft limit as far as the hard one allows (the stack grows against the
 * limit in force at each fault), or refuse in one line, without stdio
 * and with a small frame. */
#define OWN_STACK (256 * 1024)
static int ensure_stack(void)
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

static __attribute__((noinline)) int container_fs(struct container *c, int argc,
						  char **argv)
{
	struct failure f;
	enum action action;
	int status = EXIT_SETUP_FAILED;
	if (parse_command_line(argc, argv, &action, &c->spec, &f) < 0)
		print_failure(&f);
	else if (action == ACTION_RUN)
		status = run_container(c);
	else if (fputs(action == ACTION_HELP ? usage_text
					     : "container-fs " VERSION "\n",
		       stdout) >= 0 &&
		 fflush(stdout) == 0)
		status = 0;
	else {
		fail(&f, "write", "stdout", errno);
		print_failure(&f);
	}
	free_spec(&c->spec);
	return status;
}

int main(int argc, char **argv)
{
	static struct container c; /* large (the identity): not on the stack */
	check_standard_fds(&c.terminal);
	if (ensure_stack() < 0)
		return EXIT_SETUP_FAILED;
	return container_fs(&c, argc, argv);
}
