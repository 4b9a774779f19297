/* exec.c - one more process in a running container, with the
 * container's own privileges (its config.json, kept in its state
 * directory, is its description again), the process as --process or
 * the arguments give it.
 *
 * A first child joins the container's namespaces (setns on
 * each /proc/PID/ns/ file: the user namespace first, the mount namespace last)
 * and forks the process, which a PID namespace needs (setns moves the
 * children one makes after it, not oneself); the first child exits, and
 * the process, an orphan, comes to us (a subreaper) to wait for, or
 * with --detach to whoever waits further up (conmon, containerd's shim:
 * subreapers too). */
#include "oci/commands.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups.h"
#include "oci/bundle.h"

/* The namespaces joined, in this order: the user namespace gives the
 * capabilities the others ask for, and the mount namespace changes
 * our root, so it comes last. */
static const struct {
	const char *name;
	int type;
} namespaces[] = {
    {"user", CLONE_NEWUSER}, {"cgroup", CLONE_NEWCGROUP}, {"ipc", CLONE_NEWIPC},
    {"uts", CLONE_NEWUTS},   {"net", CLONE_NEWNET},	  {"pid", CLONE_NEWPID},
    {"mnt", CLONE_NEWNS},
};
#define NAMESPACES (sizeof(namespaces) / sizeof(*namespaces))

/* fds[i]: the container's namespace i, or -1 where it is ours. */
static int open_namespaces(pid_t pid, int *fds, struct failure *f)
{
	for (size_t i = 0; i < NAMESPACES; i++) {
		char theirs[64], ours[64];
		struct stat a, b;
		snprintf(theirs, sizeof(theirs), "/proc/%d/ns/%s", (int)pid,
			 namespaces[i].name);
		snprintf(ours, sizeof(ours), "/proc/self/ns/%s",
			 namespaces[i].name);
		fds[i] = -1;
		if (stat(theirs, &a) < 0)
			return fail(f, "exec", theirs, errno);
		if (stat(ours, &b) == 0 && a.st_ino == b.st_ino &&
		    a.st_dev == b.st_dev)
			continue;
		fds[i] = open(theirs, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0)
			return fail(f, "exec", theirs, errno);
	}
	return 0;
}

/* The process as the command line gives it: ARGS, --env, --cwd,
 * --user, --tty; or all of it from --process FILE. */
static int describe_process(struct container_spec *s,
			    const struct oci_command *o, struct failure *f)
{
	if (o->process) {
		char *text;
		size_t length;
		struct json process;
		char error[160];
		struct field field = field_of(NULL, "process");
		if (read_config(o->process, &text, &length, f) < 0)
			return -1;
		int result = parse_json(text, length, MAX_CONFIG_SIZE, &process,
					error, sizeof(error));
		free(text);
		if (result < 0)
			fail(f, "process", error, 0);
		else
			result = parse_process(&process, &field, s, f);
		free_json(&process);
		return result;
	}
	if (o->arg_count == 0)
		return usage_failure(f, "exec: missing the command (or "
					"--process FILE)");
	for (size_t i = 0; s->command && s->command[i]; i++)
		free(s->command[i]);
	free(s->command);
	s->command = NULL;
	size_t count = 0;
	for (int i = 0; i < o->arg_count; i++)
		if (append_list(&s->command, &count, o->args[i], f) < 0)
			return -1;
	for (size_t i = 0; i < o->env_count; i++) {
		if (!strchr(o->env[i], '=') || o->env[i][0] == '=')
			return usage_failure(f,
					     "exec: --env '%.100s': expected "
					     "NAME=VALUE",
					     o->env[i]);
		if (set_env(s, o->env[i], f) < 0)
			return -1;
	}
	if (o->cwd) {
		if (!valid_container_path(o->cwd) && strcmp(o->cwd, "/") != 0)
			return usage_failure(f, "exec: --cwd '%.100s'", o->cwd);
		free(s->cwd);
		if (!(s->cwd = strdup(o->cwd)))
			return fail(f, "exec", "allocate", ENOMEM);
	}
	if (o->user) {
		free(s->user);
		if (!(s->user = strdup(o->user)))
			return fail(f, "exec", "allocate", ENOMEM);
	}
	s->terminal = o->tty;
	return 0;
}

/* The first child: into the container's namespaces, then the process. */
static void join_and_fork(struct container *c, const int *fds, int pid_pipe)
{
	struct report r = {.kind = REPORT_FAILED};
	enter_cgroup(&c->spec);
	for (size_t i = 0; i < NAMESPACES; i++)
		if (fds[i] >= 0 && setns(fds[i], namespaces[i].type) < 0) {
			fail(&r.failure, "exec",
			     "join the container's namespace", errno);
			snprintf(r.failure.detail, sizeof(r.failure.detail),
				 "join its %s namespace", namespaces[i].name);
			write_all(c->report_pipe[1], &r, sizeof(r));
			_exit(1);
		}
	for (size_t i = 0; i < NAMESPACES; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	pid_t pid = fork();
	if (pid == 0) {
		close(pid_pipe);
		exec_in_container(c, &r.failure);
		write_all(c->report_pipe[1], &r, sizeof(r));
		_exit(r.failure.status);
	}
	if (pid < 0) {
		fail(&r.failure, "exec", "fork", errno);
		write_all(c->report_pipe[1], &r, sizeof(r));
		_exit(1);
	}
	write_all(pid_pipe, &pid, sizeof(pid));
	_exit(0);
}

/* Starts the process; c->pid is its pid once it runs. 0 or -1. */
static int start_process_in(struct container *c, pid_t container_pid,
			    struct failure *f)
{
	int fds[NAMESPACES], pid_pipe[2];
	for (size_t i = 0; i < NAMESPACES; i++)
		fds[i] = -1;
	int result = -1;
	if (open_namespaces(container_pid, fds, f) < 0)
		goto done;
	if (pipe2(c->report_pipe, O_CLOEXEC) < 0 ||
	    pipe2(pid_pipe, O_CLOEXEC) < 0) {
		fail(f, "exec", "pipe", errno);
		goto done;
	}
	/* The process is orphaned on purpose: it must come to us. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
		fail(f, "exec", "PR_SET_CHILD_SUBREAPER", errno);
		goto done;
	}
	pid_t first = fork();
	if (first == 0)
		join_and_fork(c, fds, pid_pipe[1]);
	close(pid_pipe[1]);
	close(c->report_pipe[1]);
	c->report_pipe[1] = -1;
	if (first < 0) {
		close(pid_pipe[0]);
		fail(f, "exec", "fork", errno);
		goto done;
	}
	ssize_t n = read(pid_pipe[0], &c->pid, sizeof(c->pid));
	close(pid_pipe[0]);
	waitpid(first, NULL, 0);
	struct report r;
	int got = read_report_from(c->report_pipe[0], &r);
	if (got == 1) {
		*f = r.failure;
		if (n == sizeof(c->pid))
			waitpid(c->pid, NULL, 0);
		goto done;
	}
	if (n != sizeof(c->pid) || got < 0) {
		fail(f, "exec", "the process did not start", EPROTO);
		goto done;
	}
	c->command_ran = true;
	result = 0;
done:
	for (size_t i = 0; i < NAMESPACES; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return result;
}

int oci_exec(struct container *c, struct oci_command *o, struct failure *f)
{
	struct oci_state st;
	int dir_fd = load_container(o, false, &st, f);
	if (dir_fd < 0)
		return -1;
	const char *status = container_status(dir_fd, &st);
	int result = -1;
	if (strcmp(status, "running") != 0 && strcmp(status, "created") != 0) {
		fail(f, "exec", "", 0);
		snprintf(f->detail, sizeof(f->detail),
			 "container %s is %s, not running", st.id, status);
		goto done;
	}
	if (load_spec(dir_fd, &st, &c->spec, f) < 0 ||
	    describe_process(&c->spec, o, f) < 0)
		goto done;
	c->spec.inherited_fds = o->preserve_fds;
	c->detached = o->detach;
	if (choose_terminal(c, o, f) < 0)
		goto done;
	/* Ours to relay or send: no prepare_container here to hand it on. */
	c->terminal.console_socket = c->console_socket;
	if (block_signals(c, f) < 0 ||
	    open_terminal(&c->terminal, &c->forwarded, f) < 0 ||
	    start_process_in(c, st.pid, f) < 0)
		goto done;
	if (o->pid_file && write_pid_file(o->pid_file, c->pid, f) < 0)
		goto done;
	result = o->detach ? 0 : wait_container(c);
done:
	restore_terminal(&c->terminal);
	free_state(&st);
	close(dir_fd);
	return result;
}
