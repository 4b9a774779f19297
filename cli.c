/* cli.c - the command line: options, layers, WRITEDIR and COMMAND. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

const char usage_text[] =
    "Usage: container-fs [OPTIONS] LAYER... WRITEDIR -- COMMAND [ARG...]\n"
    "Run COMMAND in a container whose root is an overlay of LAYERs.\n"
    "\n"
    "LAYERs are read-only and stack bottom to top: a file in a later\n"
    "LAYER hides the same file in an earlier one. WRITEDIR (created if\n"
    "missing) receives every change the container makes.\n"
    "\n"
    "Options:\n"
    "  --workdir DIR    overlayfs work directory (default: a hidden\n"
    "                   sibling of WRITEDIR, removed after the run)\n"
    "  --legacy-mount   mount the overlay with mount(2) instead of the\n"
    "                   new mount API (for kernels before 6.8)\n"
    "  -h, --help       print this help and exit\n"
    "  -V, --version    print the version and exit\n"
    "\n"
    "Exit status: COMMAND's own; 128+N if it died of signal N; 125 if\n"
    "container-fs failed; 126 if COMMAND cannot be run; 127 if it is\n"
    "not found.\n"
    "\n"
    "Example: sudo container-fs rootfs app writedir -- sh\n";

enum { OPTION_WORKDIR = 256, OPTION_LEGACY_MOUNT };

static const struct option long_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {"workdir", required_argument, NULL, OPTION_WORKDIR},
    {"legacy-mount", no_argument, NULL, OPTION_LEGACY_MOUNT},
    {NULL, 0, NULL, 0},
};

static int usage_error(struct failure *f, const char *detail)
{
	fail(f, "arguments", detail, 0);
	return add_hint(f, "see 'container-fs --help'");
}

/* Options come first; "+" stops getopt at the first directory, so a
 * directory named like an option is only ever read as a directory. */
static int parse_options(int argc, char **argv, struct options *o,
			 struct failure *f)
{
	char detail[256];
	opterr = 0;
	optind = 0; /* glibc: full re-initialisation, for repeated calls */
	for (;;) {
		int option =
		    getopt_long(argc, argv, "+:hV", long_options, NULL);
		switch (option) {
		case -1:
			return 0;
		case 'h':
			o->action = ACTION_HELP;
			return 0;
		case 'V':
			o->action = ACTION_VERSION;
			return 0;
		case OPTION_WORKDIR:
			o->workdir = optarg;
			break;
		case OPTION_LEGACY_MOUNT:
			o->legacy_mount = true;
			break;
		case ':':
			snprintf(detail, sizeof(detail),
				 "option '%s' needs a value", argv[optind - 1]);
			return usage_error(f, detail);
		default:
			/* getopt sets optopt for "--flag=value" on a flag. */
			snprintf(detail, sizeof(detail),
				 optopt == OPTION_LEGACY_MOUNT
				     ? "option '%s' takes no value"
				     : "unknown option '%s'",
				 argv[optind - 1]);
			return usage_error(f, detail);
		}
	}
}

int parse_command_line(int argc, char **argv, struct options *o,
		       struct failure *f)
{
	*o = (struct options){.action = ACTION_RUN};
	int split = 1;
	while (split < argc && strcmp(argv[split], "--") != 0)
		split++;

	if (parse_options(split, argv, o, f) < 0)
		return -1;
	if (o->action != ACTION_RUN)
		return 0;

	int directories = split - optind;
	if (split == argc)
		return usage_error(f, "missing '--' before COMMAND");
	if (directories < 2)
		return usage_error(
		    f, "need at least one LAYER and a WRITEDIR before '--'");
	if (split + 1 == argc)
		return usage_error(f, "missing COMMAND after '--'");
	if (o->workdir && o->workdir[0] == '\0')
		return usage_error(f, "--workdir: empty path");
	for (int i = optind; i < split; i++)
		if (argv[i][0] == '\0')
			return usage_error(f, "empty directory path");

	o->layers = argv + optind;
	o->layer_count = directories - 1;
	o->writedir = argv[split - 1];
	o->command = argv + split + 1;
	return 0;
}
