/*
 * container-fs - run a command in a container whose root filesystem is an
 * overlay of plain directories:
 *
 *     container-fs [OPTIONS] LAYER... WRITEDIR -- COMMAND [ARG...]
 *
 * The command line fills one description of the container (spec.h);
 * container.c executes it and never looks at argv. The parent checks
 * and opens everything that can fail on bad input, locks WRITEDIR and
 * builds the overlay; the child, cloned into new mount, PID, UTS and
 * IPC namespaces (and network, with --network none) and a session of
 * its own, attaches it, makes the mounts the description lists in
 * order, switches root, becomes the user it names and execs COMMAND as
 * PID 1. The parent forwards signals (and, when the caller has a
 * terminal, relays between it and the container's own pty), waits, and
 * leaves nothing behind but the changes in WRITEDIR.
 *
 * Called container-fs-oci (the same binary, a hard link), it is an OCI
 * runtime with runc's command line (oci/runtime.c), whose description
 * comes from a bundle's config.json.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "container.h"
#include "handout.h"
#include "image/import.h"
#include "janitor.h"
#include "mounts.h"
#include "oci/runtime.h"
#include "remove.h"
#include "userns_holder.h"
#include "utils.h"

#ifndef VERSION
#define VERSION "0.1.0"
#endif

/*
 * The command line's run, top to bottom: check and open everything,
 * lock WRITEDIR, build the overlay, start the container, wait, clean
 * up.
 */
static int run_container(struct container *c)
{
	struct failure f;
	if (prepare_container(c, &f) < 0 || start_container(c, &f) < 0)
		goto failed;
	/* Held only for the start. A volume's tree is dropped now, while
	 * it is attached in the container, not torn down by us after it. */
	if (c->overlay_fd >= 0)
		close(c->overlay_fd);
	if (c->userns_fd >= 0)
		close(c->userns_fd);
	c->overlay_fd = c->userns_fd = -1;
	close_volume_sources(&c->spec);
	tell_janitor_command_ran(&c->writedir);
	return wait_container(c);
failed:
	/* In raw mode the message would print as a staircase. */
	restore_terminal(&c->terminal);
	print_failure(&f);
	return f.status;
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

static __attribute__((noinline)) int container_fs(struct container *c, int argc,
						  char **argv)
{
	static struct command_line cl;
	struct failure f;
	int status = EXIT_SETUP_FAILED;
	if (parse_command_line(argc, argv, &cl, &f) < 0)
		print_failure(&f);
	else if (cl.action == ACTION_RUN) {
		c->spec = cl.spec;
		cl.spec = (struct container_spec){0};
		status = run_container(c);
	} else if (cl.action == ACTION_RM)
		status = remove_writedirs(cl.operands, cl.operand_count);
	else if (cl.action == ACTION_IMPORT) /* its argv: "import" onwards */
		status = import_command(cl.operand_count + 1, cl.operands - 1);
	else if (fputs(cl.action == ACTION_HELP ? usage_text
						: "container-fs " VERSION "\n",
		       stdout) >= 0 &&
		 fflush(stdout) == 0)
		status = 0;
	else {
		fail(&f, "write", "stdout", errno);
		print_failure(&f);
	}
	free_spec(&cl.spec);
	release_container(c);
	return status;
}

/* The program's name without its directory. */
static const char *program_name(const char *argv0)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
	return slash ? slash + 1 : argv0 ? argv0 : "";
}

int main(int argc, char **argv)
{
	static struct container c; /* large (the identity): not on the stack */
	init_container(&c);
	check_standard_fds(&c.terminal);
	if (ensure_stack() < 0)
		return EXIT_SETUP_FAILED;
	/* Called container-fs-oci (a hard link), we are an OCI runtime
	 * with runc's command line. */
	if (argc > 0 && strcmp(program_name(argv[0]), "container-fs-oci") == 0)
		return oci_main(&c, argc, argv);
	/* Started by a run without root to hold its user namespace. */
	if (argc > 0 && strcmp(argv[0], userns_holder_name) == 0)
		return userns_holder_main(argc, argv);
	char **handout = NULL;
	if (argc > 0 && run_as_handout(argv[0])) {
		struct failure f;
		argc = handout_arguments(argc, argv, &handout, &f);
		if (argc < 0 && !f.detail[0])
			fputs("Usage: ./container [ID] [IMAGE] [CMD]...\n",
			      stderr);
		else if (argc < 0)
			print_failure(&f);
		if (argc < 0)
			return EXIT_SETUP_FAILED;
		argv = handout;
	}
	int status = container_fs(&c, argc, argv);
	free(handout);
	return status;
}
