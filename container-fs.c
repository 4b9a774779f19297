/*
 * container-fs - run a command in a container whose root filesystem is an
 * overlay of plain directories:
 *
 *     container-fs [OPTIONS] LAYER... WRITEDIR -- COMMAND [ARG...]
 *
 * The parent checks the arguments, opens and locks the directories and
 * builds the overlay; the child, cloned into new mount, PID, UTS and IPC
 * namespaces, attaches it, mounts /proc, /dev and /sys, switches root and
 * execs COMMAND as PID 1. The parent forwards signals, waits, and leaves
 * nothing behind but the changes in WRITEDIR.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
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
#include <sys/wait.h>
#include <unistd.h>

#include "capabilities.h"
#include "cli.h"
#include "idmap.h"
#include "init.h"
#include "janitor.h"
#include "kernelfs.h"
#include "layers.h"
#include "masks.h"
#include "overlay.h"
#include "process.h"
#include "remove.h"
#include "seccomp.h"
#include "userns.h"
#include "utils.h"
#include "writedir.h"

#ifndef VERSION
#define VERSION "0.1.0"
#endif

/* Bounds for the container's stack, which only costs what is touched. */
#define MIN_STACK_SIZE (1024 * 1024)
#define MAX_STACK_SIZE (64 * 1024 * 1024)

#define DEFAULT_PATH                                                           \
	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct container {
	struct options options;
	struct layer_stack layers;
	struct writedir writedir;
	int overlay_fd;	    /* detached overlay, or -1 for mount(2) */
	int root_fd;	    /* in the child: the new root, once mounted */
	int report_pipe[2]; /* child -> parent: a struct failure, or EOF */
	int maps_pipe[2];   /* parent -> child: one byte once id maps are set */
	bool root;	    /* root on the host (is_host_root) */
	bool userns;	    /* rootless, or --userns */
	struct id_maps maps; /* with userns: the ids its namespace maps */
	sigset_t forwarded;  /* signals the parent relays, plus SIGCHLD */
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

/* Root's user namespace maps its block, not host root, whom we still
 * are: without this we would be nobody inside (and make no file). The
 * host's supplementary groups go too: unmapped, they would still grant
 * their access on the host's files we see (/sys, /dev). */
static int become_namespace_root(struct failure *f)
{
	if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 ||
	    setresuid(0, 0, 0) < 0)
		return fail(f, "user namespace", "become its root", errno);
	return 0;
}

/* In a new user namespace we are nobody until the parent has written
 * our id maps; it sends one byte when done, or closes the pipe. */
static int wait_for_id_maps(struct container *c, struct failure *f)
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
	return c->root ? become_namespace_root(f) : 0;
}

/* Leaves the working directory at the overlay's root, and root_fd on it:
 * every later step resolves its paths below that fd. Root built it (or
 * leaves it to mount(2) here); without root we build it here, in our
 * own user namespace. */
static int mount_overlay(struct container *c, struct failure *f)
{
	int result;
	bool here = c->userns && !c->root && !c->options.legacy_mount;
	if (here)
		c->overlay_fd =
		    create_overlay_here(&c->layers, &c->writedir, f);
	if (c->overlay_fd >= 0)
		result = attach_overlay(c->overlay_fd, f);
	else if (c->overlay_fd == -1 && here)
		result = -1;
	else
		result = mount_overlay_legacy(&c->layers, &c->writedir, f);
	if (result < 0)
		return -1;
	c->root_fd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->root_fd < 0)
		return fail(f, "mount overlay", "open the new root", errno);
	return 0;
}

static int mount_kernel_filesystems(struct container *c, struct failure *f)
{
	struct options *o = &c->options;
	if (mount_proc(c->root_fd, f) < 0 || setup_dev(c->root_fd, f) < 0 ||
	    mount_sys(c->root_fd, o->writable_sys, c->userns, f) < 0)
		return -1;
	return o->unmask ? 0 : mask_paths(c->root_fd, f);
}

/* The last steps with full privilege, in the only order that works:
 * no_new_privs, then the seccomp filter (installing it needs
 * CAP_SYS_ADMIN or no_new_privs), then the capability sets. */
static int restrict_privileges(struct container *c, struct failure *f)
{
	struct options *o = &c->options;
	if (!o->allow_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail(f, "no_new_privs", "prctl", errno);
	if (!o->seccomp_unconfined && install_seccomp(f) < 0)
		return -1;
	return apply_capabilities(o->capabilities, f);
}

/* With --init this process stays PID 1 and a child runs COMMAND. */
static int start_pid_1(struct container *c, struct failure *f)
{
	return c->options.init ? start_init(f) : 0;
}

/* COMMAND gets the caller's signal mask back, a PATH, and no file
 * descriptor beyond 0-2 (close-on-exec for all, the caller's leaks too). */
static int prepare_exec(struct container *c, struct failure *f)
{
	if (sigprocmask(SIG_SETMASK, &c->original_mask, NULL) < 0)
		return fail(f, "exec", "restore signal mask", errno);
	if (!getenv("PATH") && setenv("PATH", DEFAULT_PATH, 1) < 0)
		return fail(f, "exec", "PATH", errno);
	if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return fail(f, "exec", "close_range", errno);
	if (setrlimit(RLIMIT_STACK, &caller_stack) < 0)
		return fail(f, "exec", "restore the stack limit", errno);
	return 0;
}

static int run_command(struct container *c, struct failure *f)
{
	char **command = c->options.command;
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
	if (die_with_parent(c, f) < 0 || wait_for_id_maps(c, f) < 0 ||
	    make_mounts_private(c, f) < 0 || mount_overlay(c, f) < 0 ||
	    mount_kernel_filesystems(c, f) < 0 ||
	    switch_root(c->root_fd, f) < 0 || restrict_privileges(c, f) < 0 ||
	    start_pid_1(c, f) < 0 || prepare_exec(c, f) < 0)
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
	if (c->userns)
		flags |= CLONE_NEWUSER;
	else if (!c->options.init)
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

/* Starts the container; in a user namespace, writes its maps and then
 * releases it. -2 when the helpers could not map subordinate ids into
 * it (maps.fallback): the child is gone, and a retry may map less. */
static int start_mapped_container(struct container *c, struct failure *f)
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
	int result = write_id_maps(c->pid, &c->maps, f);
	if (result == 0 && c->maps.kind == IDS_SINGLE && c->maps.ranges_unused)
		note_single_id();
	if (result == 0 && write_all(c->maps_pipe[1], "", 1) < 0)
		result =
		    fail(f, "user namespace", "release the container", errno);
	close(c->maps_pipe[1]);
	if (result < 0) /* the child saw the pipe close and is exiting */
		waitpid(c->pid, NULL, 0);
	if (result == -2)
		close(c->report_pipe[0]);
	return result;
}

/* Inside another user namespace newuidmap may be unable to map the
 * subordinate ids (it is no longer privileged there): the container
 * then runs with our own id alone (--single-id), and a note says so. */
static int start_container(struct container *c, struct failure *f)
{
	int result;
	while ((result = start_mapped_container(c, f)) == -2)
		fall_back_to_single_id(&c->maps);
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

/* Waits for the container, relaying signals. Signals the kernel sent to
 * our whole process group (Ctrl-C at the terminal) already reached the
 * container's processes there, so only those sent by a process (kill,
 * si_code <= 0) are relayed: the container sees each signal once. */
static int wait_container(struct container *c)
{
	for (;;) {
		siginfo_t info;
		int status;
		int signal_number = sigwaitinfo(&c->forwarded, &info);
		if (signal_number < 0)
			continue;
		if (signal_number != SIGCHLD) {
			if (info.si_code <= 0)
				kill(c->pid, signal_number);
			continue;
		}
		pid_t pid = waitpid(c->pid, &status, WNOHANG);
		if (pid != c->pid)
			continue;
		if (WIFSIGNALED(status))
			return 128 + WTERMSIG(status);
		return WEXITSTATUS(status);
	}
}

/* Without root (or as root of a user namespace other than the host's),
 * a user namespace is the only way; with root, only on request
 * (--userns), or for a WRITEDIR an earlier --userns used (see
 * choose_id_range). */
static int choose_userns(struct container *c, struct failure *f)
{
	struct options *o = &c->options;
	c->root = is_host_root();
	if (o->userns == USERNS_OFF && !c->root) {
		fail(f, "arguments", "--no-userns needs root", EPERM);
		return add_hint(f, "run with sudo, outside any user namespace, "
				   "or without --no-userns");
	}
	if (o->single_id && c->root) {
		fail(f, "arguments", "--single-id is for runs without root", 0);
		return add_hint(f, "as root, --userns maps the container to a "
				   "block of unprivileged ids of its own");
	}
	c->userns =
	    o->userns == USERNS_ON || (o->userns == USERNS_AUTO && !c->root);
	if (c->userns && check_userns_kernel(f) < 0)
		return -1;
	return c->userns && !c->root ? plan_id_maps(&c->maps, o->single_id, f)
				     : 0;
}

/* Root's user namespace maps the container to a block of unprivileged
 * ids: the one WRITEDIR's record names (everything the container wrote
 * is theirs), or a new one for --userns. A WRITEDIR with a block runs in
 * it even without --userns: its files mean nothing to the host's root. */
static int choose_id_range(struct container *c, struct failure *f)
{
	struct writedir *w = &c->writedir;
	if (!c->root)
		return 0;
	if (choose_writedir_range(w, c->userns, c->options.userns == USERNS_OFF,
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
	if (c->root && c->userns)
		c->overlay_fd =
		    create_idmapped_overlay(&c->layers, &c->writedir, &c->maps,
					    c->options.legacy_mount, f);
	else if (c->root && !c->options.legacy_mount)
		c->overlay_fd = create_overlay(&c->layers, &c->writedir, f);
	else
		return 0; /* mount(2) or without root: in the child */
	return c->overlay_fd == -1 ? -1 : 0;
}

/*
 * The parent's part, top to bottom: check and open everything, lock
 * WRITEDIR, build the overlay, start the container, wait, clean up.
 */
static int run_container(struct container *c)
{
	struct options *o = &c->options;
	struct failure f;
	int status = EXIT_SETUP_FAILED;
	c->overlay_fd = -1;
	c->writedir = WRITEDIR_INIT;

	if (choose_userns(c, &f) < 0 ||
	    open_layers(&c->layers, o->layers, o->layer_count, &f) < 0 ||
	    open_writedir(&c->writedir, o->writedir, o->workdir, &f) < 0 ||
	    check_overlaps(&c->layers, c->writedir.path, c->writedir.work_path,
			   &f) < 0 ||
	    (c->userns &&
	     check_caller_access(&c->layers, &c->writedir, &f) < 0) ||
	    prepare_writedir(&c->writedir, &f) < 0)
		goto failed;
	/* The janitor too may have to give WRITEDIR back from inside. */
	if (c->userns && c->maps.kind == IDS_SUBORDINATE)
		c->writedir.maps = &c->maps;
	if (start_janitor(&c->writedir, &f) < 0 ||
	    lock_writedir(&c->writedir, c->userns && !c->root, &f) < 0 ||
	    choose_id_range(c, &f) < 0 ||
	    open_writedir_for_run(&c->writedir,
				  c->layers.layers[c->layers.count - 1].fd,
				  &f) < 0 ||
	    build_overlay_as_root(c, &f) < 0 ||
	    record_writedir(&c->writedir, &f) < 0 || block_signals(c, &f) < 0 ||
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
	print_failure(&f);
done:
	if (c->overlay_fd >= 0)
		close(c->overlay_fd);
	release_writedir(&c->writedir, c->command_ran);
	stop_janitor(&c->writedir);
	close_layers(&c->layers);
	free_id_maps(&c->maps);
	return status;
}

/* With 0, 1 or 2 closed by our caller, our own files would land there and
 * the container would inherit them as its stdio: hold /dev/null there. */
static void fill_standard_fds(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF &&
		    open("/dev/null", O_RDWR) != fd)
			_exit(EXIT_SETUP_FAILED);
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

static __attribute__((noinline)) int container_fs(int argc, char **argv)
{
	struct container c = {0};
	struct failure f;
	if (parse_command_line(argc, argv, &c.options, &f) < 0) {
		print_failure(&f);
		return EXIT_SETUP_FAILED;
	}
	switch (c.options.action) {
	case ACTION_RUN:
		return run_container(&c);
	case ACTION_RM:
		return remove_writedirs(c.options.targets,
					c.options.target_count);
	case ACTION_HELP:
	case ACTION_VERSION:
		break;
	}
	fputs(c.options.action == ACTION_HELP ? usage_text
					      : "container-fs " VERSION "\n",
	      stdout);
	if (fflush(stdout) == 0)
		return 0;
	fail(&f, "write", "stdout", errno);
	print_failure(&f);
	return EXIT_SETUP_FAILED;
}

int main(int argc, char **argv)
{
	fill_standard_fds();
	if (ensure_stack() < 0)
		return EXIT_SETUP_FAILED;
	return container_fs(argc, argv);
}
