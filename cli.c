/* cli.c - the command line: options, layers, WRITEDIR and COMMAND. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

const char usage_text[] =
    "Usage: container-fs [OPTIONS] LAYER... WRITEDIR -- COMMAND [ARG...]\n"
    "       container-fs rm WRITEDIR...\n"
    "Run COMMAND in a container whose root is an overlay of LAYERs.\n"
    "\n"
    "LAYERs are read-only and stack bottom to top: a file in a later\n"
    "LAYER hides the same file in an earlier one. WRITEDIR (created if\n"
    "missing) receives every change the container makes.\n"
    "\n"
    "rm removes WRITEDIRs container-fs made, with files the container\n"
    "made as other users (which plain rm cannot remove without root);\n"
    "one in use is refused.\n"
    "\n"
    "Options:\n"
    "  --workdir DIR    overlayfs work directory (default: a hidden\n"
    "                   sibling of WRITEDIR, removed after the run)\n"
    "  --legacy-mount   mount the overlay with mount(2) instead of the\n"
    "                   new mount API (for kernels before 6.8)\n"
    "  --userns         run in a user namespace even as root: the\n"
    "                   container's ids are a block of unprivileged\n"
    "                   host ids, kept for WRITEDIR (always without\n"
    "                   root)\n"
    "  --no-userns      never use a user namespace (needs root)\n"
    "  --single-id      without root: map only your own id (root\n"
    "                   inside), not your subordinate ids; automatic\n"
    "                   where those cannot be mapped\n"
    "  --init           run COMMAND under a small built-in PID 1 that\n"
    "                   forwards signals and reaps zombies\n"
    "\n"
    "Security (defaults as Docker's; see SECURITY.md):\n"
    "  --cap-add CAP    keep capability CAP too (e.g. NET_ADMIN, or ALL)\n"
    "  --cap-drop CAP   drop capability CAP (or ALL)\n"
    "  --allow-new-privs  let setuid programs and file capabilities\n"
    "                   raise privileges (no no_new_privs)\n"
    "  --seccomp=unconfined  no system call filter\n"
    "  --unmask         no masked or read-only paths in /proc and /sys\n"
    "  --privileged     all of the above relaxed: every capability, no\n"
    "                   filter, no masks, new privileges, /sys writable\n"
    "  -h, --help       print this help and exit\n"
    "  -V, --version    print the version and exit\n"
    "\n"
    "Exit status: COMMAND's own; 128+N if it died of signal N; 125 if\n"
    "container-fs failed; 126 if COMMAND cannot be run; 127 if it is\n"
    "not found.\n"
    "\n"
    "Example: sudo container-fs rootfs app writedir -- sh\n"
    "Without sudo it runs rootless, in a user namespace.\n";

enum {
	OPTION_WORKDIR = 256,
	OPTION_LEGACY_MOUNT,
	OPTION_INIT,
	OPTION_CAP_ADD,
	OPTION_CAP_DROP,
	OPTION_ALLOW_NEW_PRIVS,
	OPTION_SECCOMP,
	OPTION_UNMASK,
	OPTION_PRIVILEGED,
	OPTION_USERNS,
	OPTION_NO_USERNS,
	OPTION_SINGLE_ID,
};

static const struct option long_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {"workdir", required_argument, NULL, OPTION_WORKDIR},
    {"legacy-mount", no_argument, NULL, OPTION_LEGACY_MOUNT},
    {"init", no_argument, NULL, OPTION_INIT},
    {"cap-add", required_argument, NULL, OPTION_CAP_ADD},
    {"cap-drop", required_argument, NULL, OPTION_CAP_DROP},
    {"allow-new-privs", no_argument, NULL, OPTION_ALLOW_NEW_PRIVS},
    {"seccomp", required_argument, NULL, OPTION_SECCOMP},
    {"unmask", no_argument, NULL, OPTION_UNMASK},
    {"privileged", no_argument, NULL, OPTION_PRIVILEGED},
    {"userns", no_argument, NULL, OPTION_USERNS},
    {"no-userns", no_argument, NULL, OPTION_NO_USERNS},
    {"single-id", no_argument, NULL, OPTION_SINGLE_ID},
    {NULL, 0, NULL, 0},
};

static int usage_error(struct failure *f, const char *detail)
{
	fail(f, "arguments", detail, 0);
	return add_hint(f, "see 'container-fs --help'");
}

/* Options come first; "+" stops getopt at the first directory, after
 * which anything that looks like an option is refused (see below). */
static int parse_options(int argc, char **argv, struct options *o,
			 struct failure *f)
{
	char detail[256];
	capability_mask mask;
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
		case OPTION_INIT:
			o->init = true;
			break;
		case OPTION_CAP_ADD:
		case OPTION_CAP_DROP:
			if (parse_capability(optarg, &mask) < 0) {
				snprintf(detail, sizeof(detail),
					 "unknown capability '%s'", optarg);
				return usage_error(f, detail);
			}
			/* In the order given: "--cap-drop ALL --cap-add X". */
			if (option == OPTION_CAP_ADD)
				o->capabilities |= mask;
			else
				o->capabilities &= ~mask;
			break;
		case OPTION_ALLOW_NEW_PRIVS:
			o->allow_new_privs = true;
			break;
		case OPTION_SECCOMP:
			if (strcmp(optarg, "unconfined") != 0 &&
			    strcmp(optarg, "default") != 0) {
				snprintf(detail, sizeof(detail),
					 "--seccomp takes 'unconfined' or "
					 "'default', not '%s'",
					 optarg);
				return usage_error(f, detail);
			}
			o->seccomp_unconfined = optarg[0] == 'u';
			break;
		case OPTION_UNMASK:
			o->unmask = true;
			break;
		case OPTION_USERNS:
			o->userns = USERNS_ON;
			break;
		case OPTION_NO_USERNS:
			o->userns = USERNS_OFF;
			break;
		case OPTION_SINGLE_ID:
			o->single_id = true;
			break;
		case OPTION_PRIVILEGED:
			o->capabilities = all_capabilities();
			o->allow_new_privs = true;
			o->seccomp_unconfined = true;
			o->unmask = true;
			o->writable_sys = true;
			break;
		case ':':
			snprintf(detail, sizeof(detail),
				 "option '%s' needs a value", argv[optind - 1]);
			return usage_error(f, detail);
		default:
			/* getopt sets optopt for "--flag=value" on a flag. */
			snprintf(detail, sizeof(detail),
				 optopt >= OPTION_WORKDIR
				     ? "option '%s' takes no value"
				     : "unknown option '%s'",
				 argv[optind - 1]);
			return usage_error(f, detail);
		}
	}
}

/* A word that looks like an option where a directory goes. */
static int refuse_option_word(const char *word, const char *where,
			      struct failure *f)
{
	char detail[256];
	snprintf(detail, sizeof(detail), "'%.200s': %s", word, where);
	fail(f, "arguments", detail, 0);
	return add_hint(f, "a directory really named so is given as ./%.200s",
			word);
}

/* "rm WRITEDIR...": no options, at least one WRITEDIR. */
static int parse_rm(int argc, char **argv, struct options *o, struct failure *f)
{
	o->action = ACTION_RM;
	o->targets = argv + 2;
	o->target_count = argc - 2;
	if (o->target_count < 1)
		return usage_error(f, "rm needs at least one WRITEDIR");
	for (int i = 0; i < o->target_count; i++) {
		if (o->targets[i][0] == '\0')
			return usage_error(f, "empty directory path");
		if (o->targets[i][0] == '-')
			return refuse_option_word(o->targets[i],
						  "rm takes no options", f);
	}
	return 0;
}

/* Verbs: a command line without "--" whose first word names one (with
 * "--" the same word is a LAYER). */
static const struct verb {
	const char *name;
	int (*parse)(int argc, char **argv, struct options *o,
		     struct failure *f);
} verbs[] = {
    {"rm", parse_rm},
};

int parse_command_line(int argc, char **argv, struct options *o,
		       struct failure *f)
{
	*o = (struct options){.action = ACTION_RUN,
			      .capabilities = default_capabilities()};
	int split = 1;
	while (split < argc && strcmp(argv[split], "--") != 0)
		split++;
	for (size_t i = 0;
	     split == argc && argc > 1 && i < sizeof(verbs) / sizeof(*verbs);
	     i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			return verbs[i].parse(argc, argv, o, f);

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
	for (int i = optind; i < split; i++) {
		if (argv[i][0] == '\0')
			return usage_error(f, "empty directory path");
		/* Taken as a directory it would be made as WRITEDIR, and the
		 * option meant would silently not apply. */
		if (argv[i][0] == '-')
			return refuse_option_word(
			    argv[i], "options go before the first directory",
			    f);
	}

	o->layers = argv + optind;
	o->layer_count = directories - 1;
	o->writedir = argv[split - 1];
	o->command = argv + split + 1;
	return 0;
}
