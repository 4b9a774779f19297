/* terminal.h - the container's own pseudo-terminal, and the relay between
 * it and the caller's terminal.
 *
 * A container that shared the caller's terminal could push input into it
 * (TIOCSTI), which the caller's shell would run once container-fs exits,
 * or change its mode and owner. So when any of fds 0-2 is a terminal, the
 * container gets a pty of its own, like docker run -it or sudo's
 * use_pty, and container-fs copies bytes between the two: no file of the
 * caller's terminal gets in. */
#ifndef CONTAINER_FS_TERMINAL_H
#define CONTAINER_FS_TERMINAL_H

#include <signal.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/types.h>
#include <termios.h>

#include "utils.h"

struct terminal {
	/* Filled before the container starts, then only read. */
	bool any;	      /* one of fds 0-2 is a terminal: all below */
	bool on[3];	      /* which of fds 0-2 are */
	int caller;	      /* the first of them: settings and size */
	int output;	      /* where the container's output goes */
	bool has_settings;    /* saved holds the caller's (a terminal) */
	struct termios saved; /* the caller's settings, restored at the end */
	struct winsize size;  /* the caller's size when we started */
	/* -1, or a socket of whoever relays instead of us (runc's
	 * --console-socket): the master goes there, with the pty's name. */
	int console_socket;
	bool master_sent; /* to console_socket: nothing for us to relay */
	int socket[2];	  /* [1] child -> [0] parent: the pty's master */
	int signal_fd;	  /* forwarded signals, SIGWINCH and SIGCONT */
	/* The parent's, once the container runs. */
	int master;   /* the container's pty, O_NONBLOCK */
	bool raw;     /* the caller's terminal is in raw mode now */
	bool hung_up; /* stdin was a terminal, and hung up */
};

/* Called for each of fds 0-2 that is a terminal, with its settings (the
 * caller found out with tcgetattr, which it needed anyway). */
void note_terminal(struct terminal *t, int fd, const struct termios *settings);

/* In the parent, before the container starts, when a terminal was noted
 * (or a description asks for one): reads the caller's window size, makes
 * the socket the master comes back on and a signalfd for the relay
 * (SIGWINCH and SIGCONT are blocked here, the rest already is), and puts
 * the caller's terminal in raw mode if it is stdin (in the background,
 * that stops us until fg). With a console socket, none of it. 0 or -1. */
int open_terminal(struct terminal *t, const sigset_t *forwarded,
		  struct failure *f);

/* In the container, once /dev and its devpts are mounted below root_fd:
 * opens a pty there with the caller's settings and size, binds it at
 * /dev/console, sends the master to the parent and puts the pty on
 * exactly those of fds 0-2 that were terminals. 0 or -1. */
int create_terminal(const struct terminal *t, int root_fd, struct failure *f);

/* exec: the same in a process already in the container's mount
 * namespace, from its devpts (/dev/pts/ptmx), without /dev/console. */
int create_exec_terminal(const struct terminal *t, struct failure *f);

/* In COMMAND's process, a session leader: makes the pty its controlling
 * terminal, so /dev/tty, job control and ^C work inside. 0 or -1. */
int take_terminal(const struct terminal *t, struct failure *f);

/* In the parent, once COMMAND runs: receives the master. 0 or -1. */
int receive_terminal(struct terminal *t, struct failure *f);

/* Relays until the container's first process (pid) exits: stdin to the
 * pty, the pty to the caller's terminal, signals to pid, the window size
 * on SIGWINCH. Then copies what output is left and restores the
 * caller's settings. Returns pid's wait status. */
int relay_terminal(struct terminal *t, pid_t pid);

/* Gives the caller's terminal its settings back if we changed them.
 * Safe to call more than once. */
void restore_terminal(struct terminal *t);

/* Restores the caller's terminal and closes what open_terminal and
 * receive_terminal opened. */
void close_terminal(struct terminal *t);

#endif
