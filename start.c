/* start.c - the parent's side of the run: the container's first
 * process cloned into its namespaces (directly, sharing our memory as
 * posix_spawn does, or from a go-between in a user namespace made
 * first), the parent's steps while it waits (a bundle's id maps, its
 * cgroup, hooks), its reports followed until it has exec'd, and the
 * wait, relaying signals. The child's side is container.c's. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups.h"
#include "container.h"
#include "hooks.h"
#include "namespaces.h"
#include "process.h"
#include "terminal.h"
#include "userns.h"
#include "userns_holder.h"
#include "utils.h"

/* Bounds for the container's stack, which only costs what is touched. */
#define MIN_STACK_SIZE (1024 * 1024)
#define MAX_STACK_SIZE (64 * 1024 * 1024)

/* The signals a user sends to stop or poke a container. */
static const int forwarded_signals[] = {SIGINT,	 SIGTERM, SIGHUP,
					SIGQUIT, SIGUSR1, SIGUSR2};

/* A bundle's own maps: the parent writes them once we exist. */
bool given_maps(const struct container *c)
{
	return c->userns &&
	       (c->spec.uid_mapping_count || c->spec.gid_mapping_count);
}

/* Our own id alone (SINGLE): we map it ourselves, as the kernel lets a
 * namespace's owner do without privilege (map_own_id). */
bool maps_itself(const struct container *c)
{
	return c->userns && !given_maps(c) && c->maps.kind == IDS_SINGLE;
}

/* Any other map container-fs writes (subordinate ranges, root's block,
 * a nested namespace's ids) goes into a namespace made before the
 * child, which joins it (join_and_start). */
bool joins_userns(const struct container *c)
{
	return c->userns && !given_maps(c) && !maps_itself(c);
}

/* Whether the container may join the user's held namespace of ranges
 * (userns_holder.c) rather than one of its own. Containers sharing it
 * hold capabilities over each other's namespaces, reachable only
 * through a handle to one: so only a container that can reach none,
 * in its own PID namespace (which hides the others' /proc/PID/ns) and
 * joining none by path, and none that could change what the namespace
 * itself holds for all: no capability beyond Docker's (SYS_RESOURCE
 * lowers /proc/sys/user's limits), masks and the filter on (keyctl is
 * outside it; keyrings are the namespace's). */
static bool shares_userns(const struct container *c)
{
	const struct container_spec *s = &c->spec;
	return joins_userns(c) && c->maps.kind == IDS_SUBORDINATE &&
	       (s->namespaces & CLONE_NEWPID) && !s->join_count &&
	       !(s->capabilities.bounding & ~default_capabilities()) &&
	       !s->seccomp_unconfined && !s->seccomp_profile && !s->unmask &&
	       !s->writable_sys;
}

/* Whether the child makes its cgroup namespace itself, once the parent
 * has moved it into its cgroup (join_cgroup): a namespace made at clone
 * is rooted at the caller's cgroup, and the container would see its
 * own as "/../NAME" rather than "/". */
bool late_cgroup_namespace(const struct container_spec *s)
{
	bool joined = false;
	for (size_t i = 0; i < s->join_count; i++)
		joined |= s->joins[i].type == CLONE_NEWCGROUP;
	return (s->namespaces & CLONE_NEWCGROUP) && !joined && needs_cgroup(s);
}

/* Blocks the relayed signals (and SIGCHLD) so none is lost between clone
 * and the wait loop; the child restores the mask before exec. SIGCHLD
 * may have been ignored by our caller, which would make waitpid fail.
 * SIGPIPE is blocked too, not ignored (an ignored signal would stay
 * ignored in COMMAND): a janitor killed by someone must turn our "done"
 * byte into EPIPE, not kill us before we clean up. */
int block_signals(struct container *c, struct failure *f)
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

/* The namespaces the child is cloned into: those the description makes,
 * less those it joins by path, and less a cgroup namespace made later
 * (late_cgroup_namespace). */
static int namespace_flags(const struct container *c)
{
	const struct container_spec *s = &c->spec;
	int flags = s->namespaces;
	if (s->network == NETWORK_NONE)
		flags |= CLONE_NEWNET;
	if (c->userns && !joins_userns(c))
		flags |= CLONE_NEWUSER;
	for (size_t i = 0; i < s->join_count; i++)
		flags &= ~s->joins[i].type;
	if (late_cgroup_namespace(s))
		flags &= ~CLONE_NEWCGROUP;
	return flags;
}

/* The child's flags. Like posix_spawn, it shares our memory while we
 * sleep until it execs or exits (CLONE_VM | CLONE_VFORK): nothing is
 * copied, which saves about a millisecond in a VM. Not when we have work
 * to do while it runs its setup (a bundle's id maps, its cgroup, hooks),
 * nor when it is to wait for `start`, nor with --init, whose PID 1 never
 * execs. */
static int container_flags(const struct container *c)
{
	int flags = namespace_flags(c);
	if (!c->parent_steps && c->start_fifo < 0 && !c->spec.init)
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

/* Clones the container's first process (container_main) on a stack of
 * its own, as our child; its pid, or -1 with errno set. */
static pid_t clone_container(struct container *c, int flags)
{
	struct stack stack;
	pid_t pid = start_process(container_main, c, flags,
				  container_stack_size(), &stack);
	/* The child runs on its stack no more: it has exec'd or exited
	 * (CLONE_VFORK), or has a copy of it. */
	if (pid >= 0)
		free_stack(&stack);
	return pid;
}

/* The go-between of join_and_start, sharing our memory while we sleep
 * (CLONE_VFORK): setns enters a user namespace for the calling process
 * only, and the container's PID namespace must belong to that user
 * namespace, so the container is cloned from in there. CLONE_PARENT
 * makes it our child, not the go-between's, which sends its pid and
 * exits. It holds no read end of the report pipe: if we die, the
 * container must see the pipe without a reader (die_with_parent). */
static int join_and_clone(void *arg)
{
	struct container *c = arg;
	struct report r = {.kind = REPORT_FAILED};
	close(c->report_pipe[0]);
	close(c->pid_pipe[0]);
	if (setns(c->userns_fd, CLONE_NEWUSER) < 0)
		fail(&r.failure, "user namespace", "join", errno);
	else {
		pid_t pid =
		    clone_container(c, container_flags(c) | CLONE_PARENT);
		if (pid >= 0 &&
		    write_all(c->pid_pipe[1], &pid, sizeof(pid)) == 0)
			_exit(0);
		fail(&r.failure, "create namespaces", "clone", errno);
		hint_userns_disabled(&r.failure);
	}
	write_all(c->report_pipe[1], &r, sizeof(r));
	_exit(EXIT_SETUP_FAILED);
}

/* The container in c->userns_fd's namespace, through the go-between;
 * its pid, or -1 with f filled. */
static pid_t join_and_start(struct container *c, struct failure *f)
{
	struct stack stack;
	pid_t pid = -1;
	if (pipe2(c->pid_pipe, O_CLOEXEC) < 0)
		return fail(f, "pipe", "pid", errno);
	pid_t go = start_process(join_and_clone, c, CLONE_VM | CLONE_VFORK,
				 64 * 1024, &stack);
	int error = errno;
	close(c->pid_pipe[1]);
	if (go < 0)
		fail(f, "create namespaces", "clone", error);
	else {
		/* Nothing to read once it exits without sending (the
		 * sanitizer build's go-between is a copy that runs on). */
		if (read(c->pid_pipe[0], &pid, sizeof(pid)) != sizeof(pid))
			pid = -1;
		while (waitpid(go, NULL, 0) < 0 && errno == EINTR)
			;
		free_stack(&stack);
		struct report r;
		if (pid < 0 && read_report_from(c->report_pipe[0], &r) == 1)
			*f = r.failure;
		else if (pid < 0)
			fail(f, "create namespaces", "join", EIO);
	}
	close(c->pid_pipe[0]);
	return pid;
}

int read_report_from(int fd, struct report *r)
{
	size_t got = 0;
	while (got < sizeof(*r)) {
		ssize_t n = read(fd, (char *)r + got, sizeof(*r) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got == sizeof(*r) ? 1 : got == 0 ? 0 : -1;
}

/* Before the child goes on: its id maps (a bundle's, or the ones
 * choose_userns planned), its cgroup. -2 as write_id_maps says. */
static int do_parent_steps(struct container *c, struct failure *f)
{
	const struct container_spec *s = &c->spec;
	if (given_maps(c) && write_given_maps(c->pid, s, f) < 0)
		return -1;
	return join_cgroup(s, c->pid, f);
}

/* Reads the child's reports until it has exec'd (EOF: the pipe is
 * close-on-exec), is ready (REPORT_READY) or has failed; runs the
 * runtime's hooks when it asks. 0 or -1. */
static int follow_reports(struct container *c, struct failure *f)
{
	struct report r;
	for (;;) {
		int got = read_report_from(c->report_pipe[0], &r);
		if (got == 0 || (got == 1 && r.kind == REPORT_READY)) {
			c->command_ran = true;
			return 0;
		}
		if (got < 0)
			return fail(f, "setup", "report", EPROTO);
		if (r.kind == REPORT_FAILED) {
			*f = r.failure;
			return -1;
		}
		/* REPORT_HOOKS: prestart, then createRuntime. */
		const struct container_spec *s = &c->spec;
		if (run_hooks(s, HOOK_PRESTART, c->pid, "creating", false, f) <
			0 ||
		    run_hooks(s, HOOK_CREATE_RUNTIME, c->pid, "creating", false,
			      f) < 0)
			return -1;
		if (write_all(c->go_pipe[1], "", 1) < 0)
			return fail(f, "setup", "release the container", errno);
	}
}

/* Starts the container, does the parent's steps and follows its reports.
 * -2 when the helpers could not map subordinate ids into its user
 * namespace (maps.fallback): the child is gone, and a retry may map
 * less. */
static int start_mapped_container(struct container *c, struct failure *f)
{
	const struct container_spec *s = &c->spec;
	c->parent_steps = given_maps(c) || needs_cgroup(s) ||
			  s->hooks[HOOK_PRESTART].count ||
			  s->hooks[HOOK_CREATE_RUNTIME].count;
	if (joins_userns(c) && c->userns_fd < 0 &&
	    (c->userns_fd =
		 shares_userns(c)
		     ? held_userns(&c->maps, c->userns_idle,
				   "create namespaces", f)
		     : open_userns(&c->maps, "create namespaces", f)) < 0)
		return c->userns_fd;
	if (pipe2(c->report_pipe, O_CLOEXEC) < 0 ||
	    (c->parent_steps && pipe2(c->go_pipe, O_CLOEXEC) < 0))
		return fail(f, "pipe", "report", errno);
	if (maps_itself(c) && c->maps.ranges_unused)
		note_single_id();
	int restore_pid_ns = enter_pid_namespace(s, f);
	if (restore_pid_ns == -1)
		return -1;
	c->pid = joins_userns(c) ? join_and_start(c, f)
				 : clone_container(c, container_flags(c));
	int error = errno;
	leave_pid_namespace(restore_pid_ns);
	if (c->pid < 0 && joins_userns(c))
		return -1;
	if (c->pid < 0) {
		fail(f, "create namespaces", "clone", error);
		if (c->userns)
			return hint_userns_disabled(f);
		if (error == EPERM)
			add_hint(f, "run as root, e.g. with sudo");
		return -1;
	}
	close(c->report_pipe[1]);
	c->report_pipe[1] = -1;
	int result = 0;
	if (c->parent_steps) {
		close(c->go_pipe[0]);
		c->go_pipe[0] = -1;
		result = do_parent_steps(c, f);
		if (result == 0 && write_all(c->go_pipe[1], "", 1) < 0)
			result =
			    fail(f, "setup", "release the container", errno);
	}
	if (result == 0)
		result = follow_reports(c, f);
	if (c->parent_steps) {
		close(c->go_pipe[1]);
		c->go_pipe[1] = -1;
	}
	if (result < 0 && !c->command_ran) {
		/* The child saw the pipe close, or failed: reap it. */
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
		c->pid = -1;
	}
	if (result == -2) {
		close(c->report_pipe[0]);
		c->report_pipe[0] = -1;
	}
	return result;
}

/* Inside another user namespace newuidmap may be unable to map the
 * subordinate ids (it is no longer privileged there): the container
 * then runs with our own id alone (--single-id), and a note says so. */
int start_container(struct container *c, struct failure *f)
{
	int result;
	while ((result = start_mapped_container(c, f)) == -2) {
		c->userns_fd = -1;
		fall_back_to_single_id(&c->maps);
	}
	return result;
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

int wait_container(struct container *c)
{
	int status;
	struct failure f;
	if (!c->terminal.any || c->terminal.master_sent) {
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
