/* terminal.c - the container's own pseudo-terminal, and the relay between
 * it and the caller's terminal (see terminal.h for why).
 *
 * As runc and crun do it: the container opens the pty in its own devpts
 * (a pty of the host's devpts could not be bound inside, nor named), so
 * tty(1) names it and /dev/console is it; the master comes back to
 * container-fs over a socket (SCM_RIGHTS), and container-fs relays. */
#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernelfs.h"

void note_terminal(struct terminal *t, int fd, const struct termios *settings)
{
	if (!t->any) {
		t->caller = fd;
		t->saved = *settings;
		t->has_settings = true;
	}
	t->any = true;
	t->on[fd] = true;
	/* stdout if it is one, else stderr; else stdin, a terminal the
	 * shell opened read-write, where a user typing sees the echo. */
	t->output = t->on[1] ? 1 : t->on[2] ? 2 : 0;
}

/* Raw mode while we relay stdin: every key, ^C and ^Z too, goes to the
 * container's pty, whose settings (the caller's, copied) give it its
 * meaning there. Started in the background (cmd &), we stop here on
 * SIGTTOU, as docker run -it and ssh do, until the shell's fg: the
 * container cannot share the terminal's input with the shell. */
static void enter_raw_mode(struct terminal *t)
{
	if (!t->on[0])
		return;
	struct termios raw = t->saved;
	cfmakeraw(&raw);
	if (tcsetattr(0, TCSADRAIN, &raw) == 0)
		t->raw = true;
}

int open_terminal(struct terminal *t, const sigset_t *forwarded,
		  struct failure *f)
{
	if (!t->any)
		return 0;
	if (t->console_socket >= 0) {
		t->master_sent = true;
		return 0;
	}
	if (t->has_settings && ioctl(t->caller, TIOCGWINSZ, &t->size) < 0)
		t->size = (struct winsize){0};
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, t->socket) <
	    0)
		return fail(f, "terminal", "socketpair", errno);
	/* SIGWINCH: the caller's window changed; SIGCONT: a shell's fg
	 * brought us back from a stop. The child restores the caller's
	 * mask before exec. */
	sigset_t signals = *forwarded, relay;
	sigemptyset(&relay);
	sigaddset(&relay, SIGWINCH);
	sigaddset(&relay, SIGCONT);
	sigaddset(&signals, SIGWINCH);
	sigaddset(&signals, SIGCONT);
	if (sigprocmask(SIG_BLOCK, &relay, NULL) < 0)
		return fail(f, "terminal", "block SIGWINCH", errno);
	t->signal_fd = signalfd(-1, &signals, SFD_CLOEXEC);
	if (t->signal_fd < 0)
		return fail(f, "terminal", "signalfd", errno);
	enter_raw_mode(t);
	return 0;
}

/* The master stays with us only until it is sent; the pty stays on the
 * fds that were terminals (for --init, PID 1's too: no file of the
 * caller's terminal is left in the container). */
static int hand_over(const struct terminal *t, int master, int pty,
		     struct failure *f)
{
	char name[32] = "/dev/pts/?";
	int number;
	if (ioctl(master, TIOCGPTN, &number) == 0)
		snprintf(name, sizeof(name), "/dev/pts/%d", number);
	int socket = t->console_socket >= 0 ? t->console_socket : t->socket[1];
	if (send_fd(socket, master, name) < 0)
		return fail(f, "terminal",
			    t->console_socket >= 0
				? "send the pty to the console socket"
				: "send the pty to container-fs",
			    errno);
	for (int fd = 0; fd < 3; fd++)
		if (t->on[fd] && dup2(pty, fd) < 0)
			return fail(f, "terminal", "dup2", errno);
	return 0;
}

/* The pty at /dev/console, as runc does: programs that write to the
 * console write to the container's terminal. Bound by its
 * /proc/self/fd name (the host's /proc until switch_root). */
static int bind_console(int root_fd, int pty, struct failure *f)
{
	char source[32];
	snprintf(source, sizeof(source), "/proc/self/fd/%d", pty);
	int dev_fd = open_beneath(root_fd, "dev", O_PATH | O_DIRECTORY);
	if (dev_fd < 0)
		return fail(f, "terminal", "dev", errno);
	int result = bind_device(dev_fd, "console", source, 0600, f);
	close(dev_fd);
	return result;
}

/* Opens a pty of the devpts at dev/pts below root_fd (-1: below "/"),
 * with the caller's settings and size, binds it at /dev/console (with
 * console) and hands it over. */
static int make_terminal(const struct terminal *t, int root_fd, bool console,
			 struct failure *f)
{
	if (!t->any)
		return 0;
	/* The container's devpts, by its own ptmx (/dev/ptmx is a symlink
	 * to it). Blocking, as whoever takes it over a console socket
	 * expects; our own relay makes its copy non-blocking. */
	int master =
	    root_fd >= 0
		? open_beneath(root_fd, "dev/pts/ptmx", O_RDWR | O_NOCTTY)
		: open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		return fail(f, "terminal", "/dev/pts/ptmx", errno);
	int unlock = 0, pty = -1, result = -1;
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0 ||
	    (pty = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) <
		0) {
		fail(f, "terminal", "open the pty", errno);
		goto done;
	}
	/* Set before COMMAND can ask: the caller's settings and size. */
	if ((t->has_settings && tcsetattr(pty, TCSANOW, &t->saved) < 0) ||
	    ioctl(pty, TIOCSWINSZ, &t->size) < 0) {
		fail(f, "terminal", "set the pty's settings", errno);
		goto done;
	}
	result = console && bind_console(root_fd, pty, f) < 0
		     ? -1
		     : hand_over(t, master, pty, f);
done:
	close(master);
	if (pty >= 0)
		close(pty);
	if (t->socket[1] >= 0)
		close(t->socket[1]);
	if (t->console_socket >= 0)
		close(t->console_socket);
	return result;
}

int create_terminal(const struct terminal *t, int root_fd, struct failure *f)
{
	return make_terminal(t, root_fd, true, f);
}

int create_exec_terminal(const struct terminal *t, struct failure *f)
{
	return make_terminal(t, -1, false, f);
}

int take_terminal(const struct terminal *t, struct failure *f)
{
	if (!t->any)
		return 0;
	int fd = t->on[0] ? 0 : t->on[1] ? 1 : 2;
	if (ioctl(fd, TIOCSCTTY, 0) < 0)
		return fail(f, "terminal", "make the pty the controlling one",
			    errno);
	return 0;
}

int receive_terminal(struct terminal *t, struct failure *f)
{
	char name[64];
	/* The child sent it before it exec'd: it is there, or never comes. */
	t->master = receive_fd(t->socket[0], MSG_DONTWAIT, name, sizeof(name));
	if (t->master < 0)
		return fail(f, "terminal", "receive the container's pty",
			    errno);
	/* The relay must never block on it (O_NONBLOCK is the open file's:
	 * set here, on our copy, after it crossed). */
	int flags = fcntl(t->master, F_GETFL);
	if (flags < 0 || fcntl(t->master, F_SETFL, flags | O_NONBLOCK) < 0)
		return fail(f, "terminal", "make the pty non-blocking", errno);
	return 0;
}

/* The container's window follows the caller's; the kernel then sends
 * SIGWINCH to the container's foreground process group. */
static void copy_size(struct terminal *t)
{
	struct winsize size;
	if (ioctl(t->caller, TIOCGWINSZ, &size) == 0)
		ioctl(t->master, TIOCSWINSZ, &size);
}

/* write(2) all of it to the caller's terminal, which may have been left
 * non-blocking by someone (not by us: the flag would be its owner's).
 * -1 once it is gone (a hangup). */
static int write_output(int fd, const char *data, size_t length)
{
	while (length > 0) {
		ssize_t n = write(fd, data, length);
		if (n < 0 && errno == EAGAIN) {
			struct pollfd writable = {.fd = fd, .events = POLLOUT};
			poll(&writable, 1, -1);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		length -= (size_t)n;
	}
	return 0;
}

/* Copies one read's worth from the pty: one, so that a container that
 * writes without pause (yes) does not keep us from its ^C and signals.
 * Returns 1 if it copied some, 0 if there is nothing now, -1 if there
 * never will be (EIO: no process holds the container's end; poll would
 * report that without end). */
static int copy_output(struct terminal *t)
{
	char buffer[4096];
	ssize_t n = read(t->master, buffer, sizeof(buffer));
	if (n <= 0)
		return n < 0 && (errno == EAGAIN || errno == EINTR) ? 0 : -1;
	/* Output to a terminal that is gone is dropped, so the container
	 * never blocks on it. */
	if (t->output >= 0 && write_output(t->output, buffer, (size_t)n) < 0)
		t->output = -1;
	return 1;
}

struct input {
	char data[4096];
	size_t start, end;
};

/* The caller's terminal hung up (its window closed, its ssh connection
 * dropped): so does the container's, its master closed, as sshd does
 * when its client goes, so a shell in it exits rather than wait for
 * input that cannot come. */
static void hang_up(struct terminal *t)
{
	t->hung_up = true;
	if (t->master >= 0)
		close(t->master);
	t->master = -1;
}

/* Reads what was typed. End of file or an error on a terminal in raw
 * mode is a hangup. */
static void read_input(struct terminal *t, struct input *in)
{
	ssize_t n = read(0, in->data, sizeof(in->data));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n > 0) {
		in->start = 0;
		in->end = (size_t)n;
		return;
	}
	hang_up(t);
}

static void write_input(struct terminal *t, struct input *in)
{
	ssize_t n = write(t->master, in->data + in->start, in->end - in->start);
	if (n > 0)
		in->start += (size_t)n;
	else if (n < 0 && errno != EAGAIN && errno != EINTR)
		in->start = in->end; /* nobody reads it: drop it */
}

/* One signal from the signalfd. Returns pid's wait status once it has
 * exited, else -1. Every forwarded signal is relayed, whoever sent it:
 * the container is in no process group of the caller's, so none
 * reaches it twice. */
static int handle_signal(struct terminal *t, pid_t pid)
{
	struct signalfd_siginfo info;
	if (read(t->signal_fd, &info, sizeof(info)) != sizeof(info))
		return -1;
	int status, signal_number = (int)info.ssi_signo;
	if (signal_number == SIGCHLD)
		return waitpid(pid, &status, WNOHANG) == pid ? status : -1;
	if (signal_number == SIGCONT) {
		/* Back from a stop (kill -STOP, then fg): the shell has
		 * reset the terminal, the window may have changed. */
		enter_raw_mode(t);
		if (t->master >= 0)
			copy_size(t);
	} else if (signal_number == SIGWINCH) {
		if (t->master >= 0)
			copy_size(t);
	} else {
		kill(pid, signal_number);
	}
	return -1;
}

int relay_terminal(struct terminal *t, pid_t pid)
{
	struct input in = {.start = 0, .end = 0};
	bool pty_open = true; /* some process holds the container's end */
	for (;;) {
		bool pending = in.start < in.end;
		bool pty = pty_open && t->master >= 0;
		/* stdin is watched even while input is still to pass on:
		 * poll reports a hangup without our reading. */
		struct pollfd fds[3] = {
		    {.fd = t->signal_fd, .events = POLLIN},
		    {.fd = t->on[0] && !t->hung_up ? 0 : -1,
		     .events = pending ? 0 : POLLIN},
		    {.fd = pty ? t->master : -1,
		     .events = POLLIN | (pending ? POLLOUT : 0)},
		};
		if (poll(fds, 3, -1) < 0)
			continue;
		if (fds[2].revents & (POLLIN | POLLHUP | POLLERR))
			pty_open = copy_output(t) >= 0;
		if (pending && (fds[2].revents & POLLOUT))
			write_input(t, &in);
		if (!pty_open || t->master < 0)
			in.start = in.end; /* nobody will read it */
		if (fds[1].revents & POLLIN)
			read_input(t, &in);
		else if (fds[1].revents & (POLLHUP | POLLERR))
			hang_up(t);
		if (!(fds[0].revents & POLLIN))
			continue;
		int status = handle_signal(t, pid);
		if (status < 0)
			continue;
		/* Every process of the container has exited and closed the
		 * pty: what it wrote last is still there to copy, up to EIO
		 * (or EAGAIN, should a process outside hold the pty). */
		while (t->master >= 0 && copy_output(t) > 0)
			;
		restore_terminal(t);
		return status;
	}
}

void restore_terminal(struct terminal *t)
{
	if (t->raw)
		tcsetattr(0, TCSADRAIN, &t->saved);
	t->raw = false;
}

void close_terminal(struct terminal *t)
{
	restore_terminal(t);
	int *fds[] = {&t->master, &t->signal_fd, &t->socket[0], &t->socket[1]};
	for (size_t i = 0; i < sizeof(fds) / sizeof(*fds); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}
