/* hooks.c - the programs a description runs at points of the
 * container's life (OCI hooks), each given the container's state as
 * JSON on its stdin, each waited for with its timeout. */
#include "hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "json.h"

static const char *const stage_names[HOOK_STAGES] = {
    [HOOK_PRESTART] = "prestart",
    [HOOK_CREATE_RUNTIME] = "createRuntime",
    [HOOK_CREATE_CONTAINER] = "createContainer",
    [HOOK_START_CONTAINER] = "startContainer",
    [HOOK_POSTSTART] = "poststart",
    [HOOK_POSTSTOP] = "poststop",
};

int append_state(struct string *out, const struct container_spec *s, pid_t pid,
		 const char *status)
{
	char number[32];
	int failed = append_string(out, "{\"ociVersion\":\"" OCI_VERSION
					"\",\"id\":") < 0 ||
		     append_json_string(out, s->id ? s->id : "") < 0 ||
		     append_string(out, ",\"status\":") < 0 ||
		     append_json_string(out, status) < 0;
	if (!failed && pid > 0) {
		snprintf(number, sizeof(number), ",\"pid\":%d", (int)pid);
		failed = append_string(out, number) < 0;
	}
	failed = failed || append_string(out, ",\"bundle\":") < 0 ||
		 append_json_string(out, s->bundle ? s->bundle : "") < 0 ||
		 append_string(out, ",\"annotations\":{") < 0;
	for (size_t i = 0; !failed && i + 1 < s->annotation_count; i += 2)
		failed = (i > 0 && append_string(out, ",") < 0) ||
			 append_json_string(out, s->annotations[i]) < 0 ||
			 append_string(out, ":") < 0 ||
			 append_json_string(out, s->annotations[i + 1]) < 0;
	return failed || append_string(out, "}}") < 0 ? -1 : 0;
}

/* The hook's process: the state on stdin (a pipe, already filled; a
 * state is far smaller than a pipe's buffer), our stdout and stderr,
 * no other fd (all are close-on-exec, or closed here). */
static void exec_hook(const struct hook *h, int state_fd)
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(state_fd, 0) < 0)
		_exit(127);
	syscall(SYS_close_range, 3, ~0U, 0);
	char *no_env[] = {NULL};
	char *argv0[] = {h->path, NULL};
	execve(h->path, h->args ? h->args : argv0, h->env ? h->env : no_env);
	_exit(127);
}

/* Waits for pid, at most timeout seconds (0: no limit), by its pidfd:
 * it polls readable once the process has exited. Returns its wait
 * status, or -1 with errno ETIMEDOUT once killed for taking too long. */
static int wait_hook(pid_t pid, int timeout)
{
	int status;
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd >= 0 && timeout > 0) {
		struct pollfd done = {.fd = pidfd, .events = POLLIN};
		int n;
		while ((n = poll(&done, 1, timeout * 1000)) < 0 &&
		       errno == EINTR)
			;
		if (n == 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			close(pidfd);
			errno = ETIMEDOUT;
			return -1;
		}
	}
	if (pidfd >= 0)
		close(pidfd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

static int run_hook(const struct hook *h, const char *state, const char *stage,
		    struct failure *f)
{
	char detail[512];
	snprintf(detail, sizeof(detail), "%s hook %.400s", stage, h->path);
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return fail(f, "hook", detail, errno);
	if (write_all(fds[1], state, strlen(state)) < 0) {
		close(fds[0]);
		close(fds[1]);
		return fail(f, "hook", detail, errno);
	}
	close(fds[1]);
	pid_t pid = fork();
	if (pid == 0)
		exec_hook(h, fds[0]);
	close(fds[0]);
	if (pid < 0)
		return fail(f, "hook", detail, errno);
	int status = wait_hook(pid, h->timeout);
	if (status < 0)
		return fail(f, "hook", detail, errno);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	fail(f, "hook", detail, 0);
	size_t length = strlen(f->detail);
	snprintf(f->detail + length, sizeof(f->detail) - length,
		 WIFEXITED(status) ? ": exited %d" : ": killed by signal %d",
		 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return -1;
}

int run_hooks(const struct container_spec *s, enum hook_stage stage, pid_t pid,
	      const char *status, bool keep_going, struct failure *f)
{
	const struct hook_list *list = &s->hooks[stage];
	if (list->count == 0)
		return 0;
	struct string state = {0};
	if (append_state(&state, s, pid, status) < 0)
		return fail(f, "hook", stage_names[stage], ENOMEM);
	int result = 0;
	struct failure later;
	for (size_t i = 0; i < list->count; i++) {
		if (run_hook(&list->hooks[i], state.data, stage_names[stage],
			     result < 0 ? &later : f) == 0)
			continue;
		result = -1;
		if (!keep_going)
			break;
	}
	free_string(&state);
	return result;
}
