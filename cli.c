/* cli.c - the command line: options, LAYERs, WRITEDIR and COMMAND, into
 * the container's description (spec.h). Docker's spelling wherever
 * Docker has one. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "environment.h"
#include "image/config.h"
#include "mounts.h"
#include "network.h"

const char usage_text[] =
    "Usage: container-fs [OPTIONS] LAYER... WRITEDIR -- COMMAND [ARG...]\n"
    "       container-fs [OPTIONS] --rm|--read-only LAYER... -- COMMAND "
    "[ARG...]\n"
    "       container-fs [OPTIONS] --image DEST [LAYER...] WRITEDIR -- "
    "[COMMAND [ARG...]]\n"
    "       container-fs import SOURCE[:NAME] DEST\n"
    "       container-fs rm WRITEDIR...\n"
    "Run COMMAND in a container whose root is an overlay of LAYERs.\n"
    "\n"
    "LAYERs are read-only and stack bottom to top: a file in a later\n"
    "LAYER hides the same file in an earlier one. WRITEDIR (created if\n"
    "missing) receives every change the container makes.\n"
    "\n"
    "Options (before the first directory):\n"
    "  --image DEST     run the image 'container-fs import' made in DEST:\n"
    "                   its layers below the LAYERs given, its Env,\n"
    "                   WorkingDir, User, Entrypoint and Cmd (COMMAND\n"
    "                   replaces Cmd)\n"
    "  --entrypoint PROG  replace the image's Entrypoint (and drop its\n"
    "                   Cmd); \"\" for none\n"
    "  -v, --volume SRC:DEST[:ro|:rw]  bind the host's SRC at DEST\n"
    "  --tmpfs DEST[:OPTIONS]  a fresh tmpfs at DEST (OPTIONS: size=64m,\n"
    "                   mode=1777, ro, noexec, ...)\n"
    "  --rm             keep nothing: no WRITEDIR, a private tmpfs takes\n"
    "                   the changes and vanishes with the container\n"
    "  --read-only      the root filesystem is read-only (no WRITEDIR);\n"
    "                   /tmp, /var/tmp and /run get a tmpfs\n"
    "  --read-only-tmpfs=false  no tmpfs on those with --read-only\n"
    "  -e, --env NAME[=VALUE]  set a variable (NAME alone: the caller's)\n"
    "  --env-file FILE  variables from FILE (NAME=VALUE lines)\n"
    "  --env-host       the caller's whole environment\n"
    "  -w, --workdir DIR  start COMMAND in DIR (absolute; made if missing)\n"
    "  -u, --user USER[:GROUP]  run as USER (name or number, from the\n"
    "                   container's /etc/passwd and /etc/group)\n"
    "  --group-add GROUP  a supplementary group too\n"
    "  --hostname NAME  the container's hostname\n"
    "  --network host|none, --net  share the host's network (default),\n"
    "                   or only a loopback of its own\n"
    "  --init           run COMMAND under a small built-in PID 1 that\n"
    "                   forwards signals and reaps zombies\n"
    "  --overlay-workdir DIR  overlayfs work directory (default: a\n"
    "                   hidden sibling of WRITEDIR, removed after the run)\n"
    "  --legacy-mount   mount the overlay with mount(2) instead of the\n"
    "                   new mount API (for kernels before 6.8)\n"
    "  --userns         run in a user namespace even as root (always\n"
    "                   without root)\n"
    "  --no-userns      never use a user namespace (needs root)\n"
    "  --single-id      without root: map only your own id (root\n"
    "                   inside), not your subordinate ranges\n"
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
	OPTION_OVERLAY_WORKDIR = 256,
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
	OPTION_TMPFS,
	OPTION_RM,
	OPTION_READ_ONLY,
	OPTION_READ_ONLY_TMPFS,
	OPTION_ENV_FILE,
	OPTION_ENV_HOST,
	OPTION_GROUP_ADD,
	OPTION_HOSTNAME,
	OPTION_NETWORK,
	OPTION_IMAGE,
	OPTION_ENTRYPOINT,
};

static const struct option long_options[] = {
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {"volume", required_argument, NULL, 'v'},
    {"tmpfs", required_argument, NULL, OPTION_TMPFS},
    {"rm", no_argument, NULL, OPTION_RM},
    {"read-only", no_argument, NULL, OPTION_READ_ONLY},
    {"read-only-tmpfs", required_argument, NULL, OPTION_READ_ONLY_TMPFS},
    {"env", required_argument, NULL, 'e'},
    {"env-file", required_argument, NULL, OPTION_ENV_FILE},
    {"env-host", no_argument, NULL, OPTION_ENV_HOST},
    {"workdir", required_argument, NULL, 'w'},
    {"user", required_argument, NULL, 'u'},
    {"group-add", required_argument, NULL, OPTION_GROUP_ADD},
    {"hostname", required_argument, NULL, OPTION_HOSTNAME},
    {"network", required_argument, NULL, OPTION_NETWORK},
    {"net", required_argument, NULL, OPTION_NETWORK},
    {"image", required_argument, NULL, OPTION_IMAGE},
    {"entrypoint", required_argument, NULL, OPTION_ENTRYPOINT},
    {"overlay-workdir", required_argument, NULL, OPTION_OVERLAY_WORKDIR},
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

/* "--option 'value': problem" as the one line of a refusal. */
static int refuse_value(struct failure *f, const char *option,
			const char *value, const char *problem)
{
	char detail[1024];
	snprintf(detail, sizeof(detail), "%.100s '%.200s': %.400s", option,
		 value, problem);
	return usage_error(f, detail);
}

/* Sets a string field of the description to a copy of value. */
static int set_field(char **field, const char *value, struct failure *f)
{
	free(*field);
	*field = strdup(value);
	return *field ? 0 : fail(f, "arguments", "allocate", ENOMEM);
}

/* What getopt gathers; the environment is applied once all is read,
 * in Docker's order whatever the order given. */
struct gathered {
	bool rm, read_only, read_only_tmpfs, env_host;
	const char *image, *entrypoint; /* --image, --entrypoint */
	char **env_files, **env_options;
	size_t env_file_count, env_option_count;
};

static int parse_option(int option, char **argv, struct container_spec *s,
			struct gathered *g, struct failure *f)
{
	capability_mask mask;
	switch (option) {
	case 'v':
		return add_volume(s, optarg, f);
	case OPTION_TMPFS:
		return add_tmpfs(s, optarg, f);
	case OPTION_RM:
		g->rm = true;
		return 0;
	case OPTION_READ_ONLY:
		g->read_only = true;
		return 0;
	case OPTION_READ_ONLY_TMPFS:
		if (strcmp(optarg, "true") != 0 && strcmp(optarg, "false") != 0)
			return refuse_value(f, "--read-only-tmpfs", optarg,
					    "takes true or false");
		g->read_only_tmpfs = optarg[0] == 't';
		return 0;
	case 'e':
		return append_list(&g->env_options, &g->env_option_count,
				   optarg, f);
	case OPTION_ENV_FILE:
		return append_list(&g->env_files, &g->env_file_count, optarg,
				   f);
	case OPTION_ENV_HOST:
		g->env_host = true;
		return 0;
	case OPTION_IMAGE:
		if (!optarg[0])
			return usage_error(f, "--image: empty path");
		g->image = optarg;
		return 0;
	case OPTION_ENTRYPOINT:
		g->entrypoint = optarg;
		return 0;
	case 'w':
		if (!valid_container_path(optarg) && strcmp(optarg, "/") != 0)
			return refuse_value(f, "--workdir", optarg,
					    "not an absolute path without "
					    "'.' or '..'");
		return set_field(&s->cwd, optarg, f);
	case 'u':
		if (!optarg[0] || optarg[0] == ':' ||
		    optarg[strlen(optarg) - 1] == ':')
			return refuse_value(f, "--user", optarg,
					    "expected USER or USER:GROUP");
		return set_field(&s->user, optarg, f);
	case OPTION_GROUP_ADD:
		if (!optarg[0])
			return refuse_value(f, "--group-add", optarg,
					    "empty group");
		return append_list(&s->groups, &s->group_count, optarg, f);
	case OPTION_HOSTNAME:
		if (!valid_hostname(optarg))
			return refuse_value(f, "--hostname", optarg,
					    "not a valid hostname (letters, "
					    "digits, '-' and '.', at most 64 "
					    "bytes)");
		return set_field(&s->hostname, optarg, f);
	case OPTION_NETWORK:
		if (strcmp(optarg, "host") == 0)
			s->network = NETWORK_HOST;
		else if (strcmp(optarg, "none") == 0)
			s->network = NETWORK_NONE;
		else
			return refuse_value(f, "--network", optarg,
					    "unknown network (host or none)");
		return 0;
	case OPTION_OVERLAY_WORKDIR:
		if (!optarg[0])
			return usage_error(f, "--overlay-workdir: empty path");
		return set_field(&s->overlay_workdir, optarg, f);
	case OPTION_LEGACY_MOUNT:
		s->legacy_mount = true;
		return 0;
	case OPTION_INIT:
		s->init = true;
		return 0;
	case OPTION_CAP_ADD:
	case OPTION_CAP_DROP:
		if (parse_capability(optarg, &mask) < 0)
			return refuse_value(f,
					    option == OPTION_CAP_ADD
						? "--cap-add"
						: "--cap-drop",
					    optarg, "unknown capability");
		/* In the order given: "--cap-drop ALL --cap-add X". */
		if (option == OPTION_CAP_ADD)
			add_capabilities(s, mask);
		else
			drop_capabilities(s, mask);
		return 0;
	case OPTION_ALLOW_NEW_PRIVS:
		s->allow_new_privs = true;
		return 0;
	case OPTION_SECCOMP:
		if (strcmp(optarg, "unconfined") != 0 &&
		    strcmp(optarg, "default") != 0)
			return refuse_value(f, "--seccomp", optarg,
					    "takes 'unconfined' or 'default'");
		s->seccomp_unconfined = optarg[0] == 'u';
		return 0;
	case OPTION_UNMASK:
		s->unmask = true;
		return 0;
	case OPTION_USERNS:
		s->userns = USERNS_ON;
		return 0;
	case OPTION_NO_USERNS:
		s->userns = USERNS_OFF;
		return 0;
	case OPTION_SINGLE_ID:
		s->single_id = true;
		return 0;
	case OPTION_PRIVILEGED:
		add_capabilities(s, all_capabilities());
		s->allow_new_privs = true;
		s->seccomp_unconfined = true;
		s->unmask = true;
		s->writable_sys = true;
		return 0;
	case ':': {
		char detail[256];
		snprintf(detail, sizeof(detail),
			 "option '%.200s' needs a value", argv[optind - 1]);
		return usage_error(f, detail);
	}
	default: {
		char detail[256];
		/* getopt sets optopt for "--flag=value" on a flag. */
		snprintf(detail, sizeof(detail),
			 optopt >= OPTION_OVERLAY_WORKDIR
			     ? "option '%.200s' takes no value"
			     : "unknown option '%.200s'",
			 argv[optind - 1]);
		return usage_error(f, detail);
	}
	}
}

/* Options come first; "+" stops getopt at the first directory, after
 * which anything that looks like an option is refused (see below). */
static int parse_options(int argc, char **argv, enum action *action,
			 struct container_spec *s, struct gathered *g,
			 struct failure *f)
{
	opterr = 0;
	optind = 0; /* glibc: full re-initialisation, for repeated calls */
	for (;;) {
		int option =
		    getopt_long(argc, argv, "+:hVv:e:w:u:", long_options, NULL);
		if (option == -1)
			return 0;
		if (option == 'h' || option == 'V') {
			*action = option == 'h' ? ACTION_HELP : ACTION_VERSION;
			return 0;
		}
		if (parse_option(option, argv, s, g, f) < 0)
			return -1;
	}
}

/* Docker's order: defaults (in the container), then --env-host, then
 * every --env-file, then every -e, later ones winning. */
static int apply_environment(struct container_spec *s, const struct gathered *g,
			     struct failure *f)
{
	if (g->env_host && add_env_host(s, f) < 0)
		return -1;
	for (size_t i = 0; i < g->env_file_count; i++)
		if (add_env_file(s, g->env_files[i], f) < 0)
			return -1;
	for (size_t i = 0; i < g->env_option_count; i++)
		if (add_env_option(s, g->env_options[i], f) < 0)
			return -1;
	return 0;
}

/* --rm and --read-only: no WRITEDIR, a tmpfs private to the container
 * takes the writes (read-only once set up, with --read-only, which like
 * podman keeps /tmp, /var/tmp and /run writable on tmpfs). */
static int apply_writable_layer(struct container_spec *s,
				const struct gathered *g, struct failure *f)
{
	if (g->rm && g->read_only)
		return usage_error(f, "--rm and --read-only: choose one");
	if ((g->rm || g->read_only) && s->overlay_workdir)
		return usage_error(f, g->rm ? "--rm has no --overlay-workdir"
					    : "--read-only has no "
					      "--overlay-workdir");
	if (!g->rm && !g->read_only)
		return 0;
	s->writable = WRITABLE_TMPFS;
	s->read_only_root = g->read_only;
	if (!g->read_only || !g->read_only_tmpfs)
		return 0;
	/* Before the mounts given, which may lie below them. */
	static const char *const writable[] = {"/tmp", "/var/tmp", "/run"};
	size_t position = first_mount_given(s);
	for (size_t i = 0; i < 3; i++) {
		bool given = false;
		for (size_t j = position; j < s->mount_count; j++)
			given |=
			    strcmp(s->mounts[j].destination, writable[i]) == 0;
		if (given)
			continue;
		if (add_mount(s, MOUNT_TMPFS, NULL, writable[i],
			      MS_NOSUID | MS_NODEV, "mode=1777", f) < 0)
			return -1;
		move_last_mount(s, position++);
	}
	return 0;
}

static void free_gathered(struct gathered *g)
{
	for (size_t i = 0; i < g->env_file_count; i++)
		free(g->env_files[i]);
	for (size_t i = 0; i < g->env_option_count; i++)
		free(g->env_options[i]);
	free(g->env_files);
	free(g->env_options);
}

/* A word that looks like an option where a directory goes. */
static int refuse_option_word(const char *word, const char *where,
			      struct failure *f)
{
	char detail[256];
	snprintf(detail, sizeof(detail), "'%.120s': %.100s", word, where);
	fail(f, "arguments", detail, 0);
	return add_hint(f, "a directory really named so is given as ./%.200s",
			word);
}

/* The directories before "--", and COMMAND after it (which an image's
 * Entrypoint and Cmd may stand in for). */
static int parse_positional(int argc, char **argv, int split, bool image,
			    struct container_spec *s, struct failure *f)
{
	bool has_writedir = s->writable == WRITABLE_WRITEDIR;
	int directories = split - optind;
	/* An image brings its own layers. */
	int needed = (has_writedir ? 1 : 0) + (image ? 0 : 1);
	if (split == argc)
		return usage_error(f, "missing '--' before COMMAND");
	if (directories < needed)
		return usage_error(f, image ? "need a WRITEDIR before '--'"
				      : has_writedir
					  ? "need at least one LAYER and a "
					    "WRITEDIR before '--'"
					  : "need at least one LAYER before "
					    "'--'");
	if (split + 1 == argc && !image)
		return usage_error(f, "missing COMMAND after '--'");
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
	size_t count = 0;
	for (int i = optind; i < split - (has_writedir ? 1 : 0); i++)
		if (append_list(&s->layers, &count, argv[i], f) < 0)
			return -1;
	s->layer_count = (int)count;
	if (has_writedir && !(s->writedir = strdup(argv[split - 1])))
		return fail(f, "arguments", "allocate", ENOMEM);
	count = 0;
	for (int i = split + 1; i < argc; i++)
		if (append_list(&s->command, &count, argv[i], f) < 0)
			return -1;
	return 0;
}

/* "rm WRITEDIR...": no options, at least one WRITEDIR. */
static int parse_rm(int argc, char **argv, struct command_line *cl,
		    struct failure *f)
{
	cl->action = ACTION_RM;
	cl->operands = argv + 2;
	cl->operand_count = argc - 2;
	if (cl->operand_count < 1)
		return usage_error(f, "rm needs at least one WRITEDIR");
	for (int i = 0; i < cl->operand_count; i++) {
		if (cl->operands[i][0] == '\0')
			return usage_error(f, "empty directory path");
		if (cl->operands[i][0] == '-')
			return refuse_option_word(cl->operands[i],
						  "rm takes no options", f);
	}
	return 0;
}

/* "import SOURCE[:NAME] DEST": image/import.c checks its own words. */
static int parse_import(int argc, char **argv, struct command_line *cl,
			struct failure *f)
{
	(void)f;
	cl->action = ACTION_IMPORT;
	cl->operands = argv + 2;
	cl->operand_count = argc - 2;
	return 0;
}

/* Verbs: a command line without "--" whose first word names one (with
 * "--" the same word is a LAYER). */
static const struct verb {
	const char *name;
	int (*parse)(int argc, char **argv, struct command_line *cl,
		     struct failure *f);
} verbs[] = {
    {"rm", parse_rm},
    {"import", parse_import},
};

int parse_command_line(int argc, char **argv, struct command_line *cl,
		       struct failure *f)
{
	struct gathered g = {.read_only_tmpfs = true};
	struct container_spec *s = &cl->spec;
	cl->action = ACTION_RUN;
	cl->operands = NULL;
	cl->operand_count = 0;
	if (init_spec(s, f) < 0)
		return -1;
	int split = 1;
	while (split < argc && strcmp(argv[split], "--") != 0)
		split++;
	for (size_t i = 0;
	     split == argc && argc > 1 && i < sizeof(verbs) / sizeof(*verbs);
	     i++)
		if (strcmp(argv[1], verbs[i].name) == 0)
			return verbs[i].parse(argc, argv, cl, f);
	int result = parse_options(split, argv, &cl->action, s, &g, f);
	if (result == 0 && cl->action == ACTION_RUN && g.entrypoint && !g.image)
		result = usage_error(f, "--entrypoint needs --image");
	/* The image's config first: the command line's settings win. */
	if (result == 0 && cl->action == ACTION_RUN)
		result =
		    apply_writable_layer(s, &g, f) < 0 ||
			    parse_positional(argc, argv, split, g.image, s, f) <
				0 ||
			    (g.image &&
			     apply_image(s, g.image, g.entrypoint, f) < 0) ||
			    apply_environment(s, &g, f) < 0 ||
			    check_spec(s, f) < 0
			? -1
			: 0;
	free_gathered(&g);
	return result;
}
