/* runtime.c - container-fs as an OCI runtime, with runc's command line:
 *
 *   container-fs-oci [--root DIR] [--log FILE] [--log-format text|json]
 *                    [--debug] COMMAND [OPTIONS] ID ...
 *
 * create sets the container up from its bundle (bundle.c fills the
 * description, container.c executes it) and leaves its first process
 * waiting, before exec, at ROOT/ID/exec.fifo; start opens that FIFO,
 * which lets it go on; state, kill and delete read ROOT/ID/state.json.
 * run is create and start in the foreground; exec (exec.c) runs one
 * more process in a running container. */
#include "oci/runtime.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroups.h"
#include "hooks.h"
#include "oci/bundle.h"
#include "oci/commands.h"
#include "oci/log.h"
#include "oci/state.h"

/* The --help text. */
const char oci_usage_text[] =
    "Usage: container-fs-oci [GLOBAL OPTIONS] COMMAND [OPTIONS] ID\n"
    "An OCI runtime with runc's command line: container-fs's setup for\n"
    "OCI bundles, for podman, containerd and conmon.\n"
    "\n"
    "Commands:\n"
    "  create [--bundle DIR] [--config FILE] [--pid-file FILE]\n"
    "         [--console-socket SOCKET] [--preserve-fds N] ID\n"
    "  start ID            let a created container run its process\n"
    "  state ID            its state, as JSON\n"
    "  kill [--all] ID [SIGNAL]   (default SIGTERM)\n"
    "  delete [--force] ID\n"
    "  run [create's options] [--detach] ID   create, start, and wait\n"
    "  exec [--process FILE | ARGS...] [--detach] [--pid-file FILE]\n"
    "       [--tty] [--console-socket SOCKET] [--cwd DIR] [--env NAME=VALUE]\n"
    "       [--user UID[:GID]] ID [ARGS...]\n"
    "  list [--format table|json] [--quiet]\n"
    "  features            what this runtime supports, as JSON\n"
    "  spec [--bundle DIR] [--rootless]   write a default config.json\n"
    "\n"
    "Global options:\n"
    "  --root DIR          state directory (default /run/container-fs-oci)\n"
    "  --log FILE          log file; --log-format text|json\n"
    "  --debug             debug messages in the log\n"
    "  --systemd-cgroup, --cgroup-manager X   accepted, ignored\n"
    "  -h, --help; -v, --version\n";

/* A refusal of the command line: exit status 1, as runc's. */
int usage_failure(struct failure *f, const char *format, ...)
{
	va_list args;
	char detail[512];
	va_start(args, format);
	vsnprintf(detail, sizeof(detail), format, args);
	va_end(args);
	fail(f, "arguments", detail, 0);
	f->status = 1;
	return add_hint(f, "see 'container-fs-oci --help'");
}

/* The one ID a command takes, and nothing after it. */
int take_id(struct oci_command *o, int argc, char **argv, bool more,
	    struct failure *f)
{
	if (optind >= argc)
		return usage_failure(f, "%s: missing the container ID",
				     o->name);
	o->id = argv[optind++];
	if (!valid_id(o->id))
		return usage_failure(f,
				     "%s: '%.100s' is not a container ID "
				     "([A-Za-z0-9_.+-], at most 1024 "
				     "bytes)",
				     o->name, o->id);
	if (!more && optind < argc)
		return usage_failure(f, "%s: unexpected '%.100s'", o->name,
				     argv[optind]);
	return 0;
}

/* Opens ROOT/ID (locked if lock) and reads its state. Returns the
 * directory's fd, or -1. */
int load_container(const struct oci_command *o, bool lock, struct oci_state *st,
		   struct failure *f)
{
	int dir_fd = open_container_directory(o->root_fd, o->id, lock, f);
	if (dir_fd < 0)
		return -1;
	if (read_state(dir_fd, st, f) < 0) {
		close(dir_fd);
		return -1;
	}
	return dir_fd;
}

/* The container's description again, from the copy of its config.json
 * kept in its state directory (for exec, and for delete's hooks). */
int load_spec(int dir_fd, const struct oci_state *st, struct container_spec *s,
	      struct failure *f)
{
	char path[64], *text;
	size_t length;
	snprintf(path, sizeof(path), "/proc/self/fd/%d/config.json", dir_fd);
	if (read_config(path, &text, &length, f) < 0)
		return -1;
	int result = parse_bundle(text, length, st->bundle, st->id, s, f);
	free(text);
	return result;
}

/* Opens the console socket at path (runc's --console-socket). */
static int connect_console(const char *path, struct failure *f)
{
	struct sockaddr_un address = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(address.sun_path))
		return fail(f, "console socket", path, ENAMETOOLONG);
	strcpy(address.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(f, "console socket", path, errno);
	if (connect(fd, (struct sockaddr *)&address, sizeof(address)) < 0) {
		int error = errno;
		close(fd);
		return fail(f, "console socket", path, error);
	}
	return fd;
}

int choose_terminal(struct container *c, const struct oci_command *o,
		    struct failure *f)
{
	struct terminal *t = &c->terminal;
	bool caller_terminal = t->any;
	if (!c->spec.terminal) {
		*t = (struct terminal){.master = -1,
				       .signal_fd = -1,
				       .socket = {-1, -1},
				       .console_socket = -1};
		return 0;
	}
	if (o->console_socket) {
		c->console_socket = connect_console(o->console_socket, f);
		if (c->console_socket < 0)
			return -1;
	} else if (c->detached) {
		return usage_failure(f,
				     "%s: a terminal (process.terminal, "
				     "exec --tty) needs --console-socket "
				     "when detached",
				     o->name);
	}
	t->any = t->on[0] = t->on[1] = t->on[2] = true;
	if (!caller_terminal) {
		t->caller = 0;
		t->output = 1;
	}
	t->size.ws_row = c->spec.terminal_rows;
	t->size.ws_col = c->spec.terminal_columns;
	return 0;
}

/* The bundle's description, its state directory, the FIFO; then the
 * container set up and waiting there. Returns the container directory's
 * fd (left behind on success only), or -1. */
static int create_container(struct container *c, struct oci_command *o,
			    struct oci_state *st, struct failure *f)
{
	char bundle[PATH_MAX], config_path[PATH_MAX + 16], *text = NULL;
	size_t length;
	if (!realpath(o->bundle ? o->bundle : ".", bundle))
		return fail(f, "bundle", o->bundle ? o->bundle : ".", errno);
	snprintf(config_path, sizeof(config_path), "%s/config.json", bundle);
	if (read_config(o->config ? o->config : config_path, &text, &length,
			f) < 0 ||
	    parse_bundle(text, length, bundle, o->id, &c->spec, f) < 0) {
		free(text);
		return -1;
	}
	c->spec.inherited_fds = o->preserve_fds;
	int dir_fd = make_container_directory(o->root_fd, o->id, f);
	if (dir_fd < 0) {
		free(text);
		return -1;
	}
	*st = (struct oci_state){.creating = true};
	snprintf(st->id, sizeof(st->id), "%s", o->id);
	rfc3339_now(st->created, sizeof(st->created));
	st->bundle = strdup(bundle);
	st->rootfs = strdup(c->spec.root_directory);
	st->annotations = c->spec.annotations;
	st->annotation_count = c->spec.annotation_count;
	int result = -1;
	if (!st->bundle || !st->rootfs) {
		fail(f, "create", "allocate", ENOMEM);
		goto done;
	}
	if (write_file_whole(dir_fd, "config.json", text, length, 0600, f) <
		0 ||
	    write_state(dir_fd, st, f) < 0)
		goto done;
	/* 0622: the process, maybe no longer root when it opens it for
	 * writing, must be allowed to. */
	if (mkfifoat(dir_fd, "exec.fifo", 0622) < 0 ||
	    fchmodat(dir_fd, "exec.fifo", 0622, 0) < 0) {
		fail(f, "create", "exec.fifo", errno);
		goto done;
	}
	c->start_fifo = openat(dir_fd, "exec.fifo", O_PATH | O_CLOEXEC);
	if (c->start_fifo < 0) {
		fail(f, "create", "exec.fifo", errno);
		goto done;
	}
	if (choose_terminal(c, o, f) < 0 || prepare_container(c, f) < 0 ||
	    start_container(c, f) < 0)
		goto done;
	st->creating = false;
	if (record_pid(st, c->pid, f) < 0 || write_state(dir_fd, st, f) < 0)
		goto done;
	if (o->pid_file && write_pid_file(o->pid_file, c->pid, f) < 0)
		goto done;
	result = 0;
done:
	free(text);
	st->annotations = NULL; /* the spec's */
	st->annotation_count = 0;
	if (result < 0) {
		if (c->pid > 0) {
			kill(c->pid, SIGKILL);
			waitpid(c->pid, NULL, 0);
		}
		remove_cgroup(&c->spec);
		remove_container_directory(o->root_fd, o->id);
		close(dir_fd);
		free_state(st);
		return -1;
	}
	return dir_fd;
}

static int oci_create(struct container *c, struct oci_command *o,
		      struct failure *f)
{
	struct oci_state st;
	c->detached = true;
	int dir_fd = create_container(c, o, &st, f);
	if (dir_fd < 0)
		return -1;
	close(dir_fd);
	free_state(&st);
	return 0;
}

/* Waits until fd is readable or the process behind pidfd has exited,
 * whichever first. 1 if fd is readable, 0 if the process is gone. */
static int wait_readable(int fd, int pidfd)
{
	struct pollfd fds[2] = {{.fd = fd, .events = POLLIN},
				{.fd = pidfd, .events = POLLIN}};
	for (;;) {
		int n = poll(fds, pidfd >= 0 ? 2 : 1, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || (fds[0].revents & (POLLIN | POLLHUP)))
			return 1;
		if (fds[1].revents)
			return 0;
	}
}

/* Lets a created container go on: opens its FIFO (the process, blocked
 * opening it for writing, then writes one byte), removes it (the
 * container is "running" from here), and waits for the FIFO to close:
 * COMMAND was exec'd (the process's end is close-on-exec), or a report
 * of what failed came. Then the poststart hooks. 0 or -1. */
static int start_created(int dir_fd, const struct oci_state *st,
			 const struct container_spec *s, struct failure *f)
{
	int fifo =
	    openat(dir_fd, "exec.fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fifo < 0)
		return fail(f, "start", "exec.fifo", errno);
	int pidfd = (int)syscall(SYS_pidfd_open, st->pid, 0);
	char byte;
	int result = -1;
	if (wait_readable(fifo, pidfd) <= 0 || read(fifo, &byte, 1) != 1) {
		fail(f, "start", "the container's process is gone", 0);
		goto done;
	}
	unlinkat(dir_fd, "exec.fifo", 0);
	/* Blocking from here: a read returns at the report or at EOF. */
	fcntl(fifo, F_SETFL, 0);
	struct report r;
	int got = read_report_from(fifo, &r);
	if (got == 1) {
		*f = r.failure;
		f->status = 1;
		goto done;
	}
	result = 0;
	struct failure later;
	if (s && run_hooks(s, HOOK_POSTSTART, st->pid, "running", true,
			   &later) < 0) {
		char line[600];
		format_failure(&later, line, sizeof(line));
		warn("%s", line);
	}
done:
	close(fifo);
	if (pidfd >= 0)
		close(pidfd);
	return result;
}

static int oci_start(struct oci_command *o, struct failure *f)
{
	struct oci_state st;
	struct container_spec s = {0};
	int dir_fd = load_container(o, true, &st, f);
	if (dir_fd < 0)
		return -1;
	const char *status = container_status(dir_fd, &st);
	int result = -1;
	if (strcmp(status, "created") != 0)
		fail(f, "start", "", 0),
		    snprintf(f->detail, sizeof(f->detail),
			     "container %s is %s, not created", st.id, status);
	else if (load_spec(dir_fd, &st, &s, f) == 0)
		result = start_created(dir_fd, &st, &s, f);
	free_spec(&s);
	free_state(&st);
	close(dir_fd);
	return result;
}

static int oci_state(struct oci_command *o, struct failure *f)
{
	struct oci_state st;
	int dir_fd = load_container(o, false, &st, f);
	if (dir_fd < 0)
		return -1;
	struct string out = {0};
	int result =
	    append_state_json(&out, &st, container_status(dir_fd, &st));
	if (result == 0 && append_string(&out, "\n") == 0)
		result = write_all(1, out.data, out.length);
	if (result < 0)
		fail(f, "state", "write", errno);
	free_string(&out);
	free_state(&st);
	close(dir_fd);
	return result;
}

/* SIGTERM, 15, TERM, term, SIGRTMIN+3: a signal by number or name. */
int signal_number(const char *text)
{
	static const struct {
		const char *name;
		int number;
	} names[] = {
	    {"HUP", SIGHUP},   {"INT", SIGINT},	      {"QUIT", SIGQUIT},
	    {"ILL", SIGILL},   {"TRAP", SIGTRAP},     {"ABRT", SIGABRT},
	    {"IOT", SIGIOT},   {"BUS", SIGBUS},	      {"FPE", SIGFPE},
	    {"KILL", SIGKILL}, {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
	    {"USR2", SIGUSR2}, {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},
	    {"TERM", SIGTERM}, {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},
	    {"CONT", SIGCONT}, {"STOP", SIGSTOP},     {"TSTP", SIGTSTP},
	    {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},
	    {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ},     {"VTALRM", SIGVTALRM},
	    {"PROF", SIGPROF}, {"WINCH", SIGWINCH},   {"IO", SIGIO},
	    {"POLL", SIGPOLL}, {"PWR", SIGPWR},	      {"SYS", SIGSYS},
	};
	char *end;
	long number = strtol(text, &end, 10);
	if (text[0] && !*end)
		return number > 0 && number < NSIG ? (int)number : -1;
	if (strncasecmp(text, "SIG", 3) == 0)
		text += 3;
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (strcasecmp(text, names[i].name) == 0)
			return names[i].number;
	if (strncasecmp(text, "RTMIN", 5) == 0 ||
	    strncasecmp(text, "RTMAX", 5) == 0) {
		long offset = text[5] ? strtol(text + 5, &end, 10) : 0;
		int base = text[2] == 'M' || text[2] == 'm'
			       ? (strncasecmp(text, "RTMIN", 5) == 0 ? SIGRTMIN
								     : SIGRTMAX)
			       : -1;
		int value = base + (int)offset;
		if ((!text[5] || !*end) && value >= SIGRTMIN &&
		    value <= SIGRTMAX)
			return value;
	}
	return -1;
}

/* Every process in the container's PID namespace (when it has one of
 * its own), else its first process alone. */
static int signal_all(pid_t pid, int signal, struct failure *f)
{
	char path[64];
	struct stat own, theirs, mine;
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	if (stat(path, &theirs) < 0 || stat("/proc/self/ns/pid", &mine) < 0)
		return fail(f, "kill", "the container's PID namespace", errno);
	if (theirs.st_ino == mine.st_ino)
		return kill(pid, signal) < 0 ? fail(f, "kill", "", errno) : 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char *end;
		long other = strtol(e->d_name, &end, 10);
		if (*end || other <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/pid", other);
		if (stat(path, &own) == 0 && own.st_ino == theirs.st_ino &&
		    own.st_dev == theirs.st_dev)
			kill((pid_t)other, signal);
	}
	if (d)
		closedir(d);
	return 0;
}

static int oci_kill(struct oci_command *o, struct failure *f)
{
	int signal = SIGTERM;
	if (o->arg_count && (signal = signal_number(o->args[0])) < 0)
		return usage_failure(f, "kill: '%.100s' is not a signal",
				     o->args[0]);
	struct oci_state st;
	int dir_fd = load_container(o, true, &st, f);
	if (dir_fd < 0)
		return -1;
	const char *status = container_status(dir_fd, &st);
	int result;
	if (strcmp(status, "created") != 0 && strcmp(status, "running") != 0) {
		result = fail(f, "kill", "", 0);
		snprintf(f->detail, sizeof(f->detail),
			 "container %s is %s: not running", st.id, status);
	} else if (o->all) {
		result = signal_all(st.pid, signal, f);
	} else {
		result =
		    kill(st.pid, signal) < 0 ? fail(f, "kill", "", errno) : 0;
	}
	free_state(&st);
	close(dir_fd);
	return result;
}

/* Kills the container and waits until it is gone (at most 10 s). */
static int stop_container(const struct oci_state *st, struct failure *f)
{
	int pidfd = (int)syscall(SYS_pidfd_open, st->pid, 0);
	signal_all(st->pid, SIGKILL, f);
	if (pidfd < 0)
		return 0;
	struct pollfd gone = {.fd = pidfd, .events = POLLIN};
	int n;
	while ((n = poll(&gone, 1, 10000)) < 0 && errno == EINTR)
		;
	close(pidfd);
	return n > 0 ? 0 : fail(f, "delete", "the container did not stop", 0);
}

/* Deletes a container: its process (with force), its cgroup, the
 * poststop hooks, its state directory. */
static int delete_container(const struct oci_command *o, int dir_fd,
			    struct oci_state *st, struct failure *f)
{
	const char *status = container_status(dir_fd, st);
	if (strcmp(status, "stopped") != 0 && strcmp(status, "creating") != 0 &&
	    !o->force) {
		fail(f, "delete", "", 0);
		snprintf(f->detail, sizeof(f->detail),
			 "container %s is %s, not stopped", st->id, status);
		return add_hint(f, "kill it first, or use --force");
	}
	if (strcmp(status, "stopped") != 0 && stop_container(st, f) < 0)
		return -1;
	struct container_spec s = {0};
	struct failure later;
	if (load_spec(dir_fd, st, &s, &later) == 0) {
		remove_cgroup(&s);
		if (run_hooks(&s, HOOK_POSTSTOP, 0, "stopped", true, &later) <
		    0) {
			char line[600];
			format_failure(&later, line, sizeof(line));
			warn("%s", line);
		}
	}
	free_spec(&s);
	remove_container_directory(o->root_fd, o->id);
	return 0;
}

static int oci_delete(struct oci_command *o, struct failure *f)
{
	struct oci_state st;
	int dir_fd = load_container(o, true, &st, f);
	if (dir_fd < 0) {
		/* With --force, one that is not there is deleted; a
		 * directory a killed create left is removed. */
		if (errno == ENOENT && o->force)
			return 0;
		if (o->force) {
			remove_container_directory(o->root_fd, o->id);
			return 0;
		}
		return -1;
	}
	int result = delete_container(o, dir_fd, &st, f);
	free_state(&st);
	close(dir_fd);
	return result;
}

/* run: create, start, wait in the foreground (relaying signals, and the
 * terminal when there is no console socket), delete; the container's
 * exit status. With --detach: create and start. */
static int oci_run(struct container *c, struct oci_command *o,
		   struct failure *f)
{
	struct oci_state st;
	c->detached = o->detach;
	int dir_fd = create_container(c, o, &st, f);
	if (dir_fd < 0)
		return -1;
	int status = start_created(dir_fd, &st, &c->spec, f);
	if (status == 0 && !o->detach) {
		status = wait_container(c);
		o->force = true;
		delete_container(o, dir_fd, &st, f);
	} else if (status < 0) {
		o->force = true;
		delete_container(o, dir_fd, &st, f);
	}
	free_state(&st);
	close(dir_fd);
	return status;
}

static int oci_list(struct oci_command *o, struct failure *f)
{
	DIR *d = fdopendir(dup(o->root_fd));
	struct dirent *e;
	struct string out = {0};
	bool json = o->format && strcmp(o->format, "json") == 0;
	if (!d)
		return fail(f, "list", o->root, errno);
	append_string(&out, json       ? "["
			    : o->quiet ? ""
				       : "ID\tPID\tSTATUS\tBUNDLE\t"
					 "CREATED\tOWNER\n");
	bool first = true;
	while ((e = readdir(d))) {
		struct oci_state st;
		struct failure ignored;
		struct oci_command one = *o;
		one.id = e->d_name;
		if (!valid_id(e->d_name))
			continue;
		int dir_fd = load_container(&one, false, &st, &ignored);
		if (dir_fd < 0)
			continue;
		const char *status = container_status(dir_fd, &st);
		char line[4096];
		if (json) {
			append_string(&out, first ? "" : ",");
			append_state_json(&out, &st, status);
		} else if (o->quiet) {
			append_string(&out, st.id);
			append_string(&out, "\n");
		} else {
			snprintf(line, sizeof(line),
				 "%s\t%d\t%s\t%s\t%s\troot\n", st.id,
				 strcmp(status, "stopped") ? (int)st.pid : 0,
				 status, st.bundle, st.created);
			append_string(&out, line);
		}
		first = false;
		free_state(&st);
		close(dir_fd);
	}
	closedir(d);
	if (json)
		append_string(&out, "]\n");
	int result = out.data ? write_all(1, out.data, out.length) : 0;
	free_string(&out);
	return result;
}

int oci_main(struct container *c, int argc, char **argv)
{
	struct oci_command o = {0};
	struct failure f;
	int status = 0, result = parse_oci_command_line(&o, argc, argv, &f);
	if (result == 0) {
		switch (o.command) {
		case OCI_NONE:
			break;
		case OCI_CREATE:
			result = oci_create(c, &o, &f);
			break;
		case OCI_START:
			result = oci_start(&o, &f);
			break;
		case OCI_STATE:
			result = oci_state(&o, &f);
			break;
		case OCI_KILL:
			result = oci_kill(&o, &f);
			break;
		case OCI_DELETE:
			result = oci_delete(&o, &f);
			break;
		case OCI_RUN:
			result = status = oci_run(c, &o, &f);
			break;
		case OCI_EXEC:
			result = status = oci_exec(c, &o, &f);
			break;
		case OCI_LIST:
			result = oci_list(&o, &f);
			break;
		case OCI_FEATURES:
			result = oci_features(&f);
			break;
		case OCI_SPEC:
			result = oci_spec(&o, &f);
			break;
		}
	}
	if (result < 0) {
		log_failure(&f);
		status = 1;
	}
	if (o.root_fd >= 0)
		close(o.root_fd);
	for (size_t i = 0; i < o.env_count; i++)
		free(o.env[i]);
	free(o.env);
	release_container(c);
	return status;
}
