/* commands.c - the OCI runtime's command line, runc's: global options,
 * then the command, its options, the container ID, and (kill, exec)
 * what follows it. */
#include "oci/commands.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oci/log.h"
#include "spec.h"
#include "userns.h"

#ifndef VERSION
#define VERSION "0.1.0"
#endif

#define DEFAULT_ROOT "/run/container-fs-oci"

static const struct {
	const char *name;
	enum oci_command_kind command;
	const char *options; /* getopt's short options */
} commands[] = {
    {"create", OCI_CREATE, "+b:"},   {"start", OCI_START, "+"},
    {"state", OCI_STATE, "+"},	     {"kill", OCI_KILL, "+a"},
    {"delete", OCI_DELETE, "+f"},    {"run", OCI_RUN, "+b:d"},
    {"exec", OCI_EXEC, "+p:dte:u:"}, {"list", OCI_LIST, "+f:q"},
    {"ps", OCI_LIST, "+f:q"},	     {"features", OCI_FEATURES, "+"},
    {"spec", OCI_SPEC, "+b:"},
};

enum {
	OPTION_CONFIG = 256,
	OPTION_PID_FILE,
	OPTION_CONSOLE_SOCKET,
	OPTION_PRESERVE_FDS,
	OPTION_IGNORED,
	OPTION_IGNORED_VALUE,
	OPTION_CWD,
	OPTION_ROOTLESS,
	OPTION_NO_NEW_PRIVS,
};

static const struct option command_options[] = {
    {"bundle", required_argument, NULL, 'b'},
    {"config", required_argument, NULL, OPTION_CONFIG},
    {"pid-file", required_argument, NULL, OPTION_PID_FILE},
    {"console-socket", required_argument, NULL, OPTION_CONSOLE_SOCKET},
    {"preserve-fds", required_argument, NULL, OPTION_PRESERVE_FDS},
    {"no-pivot", no_argument, NULL, OPTION_IGNORED},
    {"no-new-keyring", no_argument, NULL, OPTION_IGNORED},
    {"detach", no_argument, NULL, 'd'},
    {"all", no_argument, NULL, 'a'},
    {"force", no_argument, NULL, 'f'},
    {"process", required_argument, NULL, 'p'},
    {"tty", no_argument, NULL, 't'},
    {"cwd", required_argument, NULL, OPTION_CWD},
    {"env", required_argument, NULL, 'e'},
    {"user", required_argument, NULL, 'u'},
    {"format", required_argument, NULL, 'f'},
    {"quiet", no_argument, NULL, 'q'},
    {"rootless", no_argument, NULL, OPTION_ROOTLESS},
    {"no-new-privs", no_argument, NULL, OPTION_NO_NEW_PRIVS},
    {"ignore-paused", no_argument, NULL, OPTION_IGNORED},
    {"no-subreaper", no_argument, NULL, OPTION_IGNORED},
    {"keep", no_argument, NULL, OPTION_IGNORED},
    {"process-label", required_argument, NULL, OPTION_IGNORED_VALUE},
    {NULL, 0, NULL, 0},
};

/* Whether option (its getopt value) belongs to the command: -f is
 * delete's --force but list's --format, and so on. */
static bool option_fits(enum oci_command_kind command, int option)
{
	switch (option) {
	case 'b':
		return command == OCI_CREATE || command == OCI_RUN ||
		       command == OCI_SPEC;
	case OPTION_CONFIG:
	case OPTION_IGNORED:
		return command == OCI_CREATE || command == OCI_RUN ||
		       command == OCI_EXEC;
	case OPTION_PID_FILE:
	case OPTION_CONSOLE_SOCKET:
	case OPTION_PRESERVE_FDS:
		return command == OCI_CREATE || command == OCI_RUN ||
		       command == OCI_EXEC;
	case 'd':
		return command == OCI_RUN || command == OCI_EXEC;
	case 'a':
		return command == OCI_KILL;
	case 'f':
		return command == OCI_DELETE || command == OCI_LIST;
	case 'q':
		return command == OCI_LIST;
	case OPTION_ROOTLESS:
		return command == OCI_SPEC;
	default: /* exec's own */
		return command == OCI_EXEC;
	}
}

static int command_option(struct oci_command *o, int option, char **argv,
			  struct failure *f)
{
	char *end;
	if (option == '?' || option == ':' || !option_fits(o->command, option))
		return usage_failure(f,
				     "%s: unknown option or missing value "
				     "'%.100s'",
				     o->name, argv[optind - 1]);
	switch (option) {
	case 'b':
		o->bundle = optarg;
		break;
	case OPTION_CONFIG:
		o->config = optarg;
		break;
	case OPTION_PID_FILE:
		o->pid_file = optarg;
		break;
	case OPTION_CONSOLE_SOCKET:
		o->console_socket = optarg;
		break;
	case OPTION_PRESERVE_FDS:
		errno = 0;
		o->preserve_fds = (int)strtol(optarg, &end, 10);
		if (errno || *end || !optarg[0] || o->preserve_fds < 0 ||
		    o->preserve_fds > 65536)
			return usage_failure(f, "--preserve-fds '%.100s'",
					     optarg);
		break;
	case 'd':
		o->detach = true;
		break;
	case 'a':
		o->all = true;
		break;
	case 'f':
		if (o->command == OCI_LIST)
			o->format = optarg;
		else
			o->force = true;
		break;
	case 'q':
		o->quiet = true;
		break;
	case 'p':
		o->process = optarg;
		break;
	case 't':
		o->tty = true;
		break;
	case OPTION_CWD:
		o->cwd = optarg;
		break;
	case 'e':
		return append_list(&o->env, &o->env_count, optarg, f);
	case 'u':
		o->user = optarg;
		break;
	case OPTION_ROOTLESS:
		o->rootless = true;
		break;
	default:
		break;
	}
	return 0;
}

/* The command's options, its ID, and what may follow. */
static int parse_command(struct oci_command *o, int argc, char **argv,
			 const char *short_options, struct failure *f)
{
	/* runc's list takes -f with a value; delete's -f is a flag. */
	if (o->command == OCI_LIST)
		short_options = "+f:q";
	opterr = 0;
	optind = 0;
	for (;;) {
		int option = getopt_long(argc, argv, short_options,
					 command_options, NULL);
		if (option == -1)
			break;
		if (command_option(o, option, argv, f) < 0)
			return -1;
	}
	if (o->command == OCI_LIST || o->command == OCI_FEATURES ||
	    o->command == OCI_SPEC) {
		if (optind < argc)
			return usage_failure(f, "%s: unexpected '%.100s'",
					     o->name, argv[optind]);
		return 0;
	}
	bool more = o->command == OCI_KILL || o->command == OCI_EXEC;
	if (take_id(o, argc, argv, more, f) < 0)
		return -1;
	o->args = argv + optind;
	o->arg_count = argc - optind;
	if (o->command == OCI_KILL && o->arg_count > 1)
		return usage_failure(f, "kill: unexpected '%.100s'",
				     o->args[1]);
	return 0;
}

/* As runc decides: $XDG_RUNTIME_DIR/container-fs-oci for a user, and
 * for root of a user namespace other than the host's unless $USER says
 * "root" (rootless podman calls us as uid 0 of its namespace, with its
 * own runtime directory, where /run is not ours to write). */
static const char *default_root(void)
{
	static char root[4096];
	const char *runtime = getenv("XDG_RUNTIME_DIR");
	const char *user = getenv("USER");
	if (!runtime || !runtime[0] ||
	    (geteuid() == 0 &&
	     (in_initial_userns() || (user && strcmp(user, "root") == 0))))
		return DEFAULT_ROOT;
	snprintf(root, sizeof(root), "%s/container-fs-oci", runtime);
	return root;
}

/* "--name VALUE" or "--name=VALUE" at argv[*i]: the value, or NULL. */
static const char *global_value(const char *name, int argc, char **argv, int *i)
{
	size_t length = strlen(name);
	if (strncmp(argv[*i], name, length) != 0)
		return NULL;
	if (argv[*i][length] == '=')
		return argv[*i] + length + 1;
	if (argv[*i][length] == '\0' && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

int parse_oci_command_line(struct oci_command *o, int argc, char **argv,
			   struct failure *f)
{
	const char *log = NULL, *format = "text";
	bool debug = false;
	int i = 1;
	o->root_fd = -1;
	o->root = default_root();
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *value;
		if ((value = global_value("--root", argc, argv, &i)))
			o->root = value;
		else if ((value = global_value("--log", argc, argv, &i)))
			log = value;
		else if ((value = global_value("--log-format", argc, argv, &i)))
			format = value;
		else if ((value = global_value("--cgroup-manager", argc, argv,
					       &i)) ||
			 (value = global_value("--criu", argc, argv, &i)) ||
			 (value = global_value("--rootless", argc, argv, &i)))
			continue;
		else if (strcmp(argv[i], "--debug") == 0)
			debug = true;
		else if (strcmp(argv[i], "--systemd-cgroup") == 0)
			continue;
		else if (strcmp(argv[i], "--help") == 0 ||
			 strcmp(argv[i], "-h") == 0) {
			fputs(oci_usage_text, stdout);
			return 0;
		} else if (strcmp(argv[i], "--version") == 0 ||
			   strcmp(argv[i], "-v") == 0) {
			printf("container-fs-oci version " VERSION
			       "\nspec: 1.2.0\n");
			return 0;
		} else
			return usage_failure(f,
					     "unknown global option "
					     "'%.100s'",
					     argv[i]);
	}
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0)
		return usage_failure(f, "--log-format '%.100s' (text or json)",
				     format);
	if (open_log(log, format[0] == 'j', debug, f) < 0)
		return -1;
	if (i == argc)
		return usage_failure(f, "missing COMMAND");
	for (size_t k = 0; k < sizeof(commands) / sizeof(*commands); k++)
		if (strcmp(argv[i], commands[k].name) == 0) {
			o->command = commands[k].command;
			o->name = commands[k].name;
			if (parse_command(o, argc - i, argv + i,
					  commands[k].options, f) < 0)
				return -1;
			if (o->command == OCI_FEATURES ||
			    o->command == OCI_SPEC)
				return 0;
			o->root_fd = open_state_root(o->root, f);
			return o->root_fd < 0 ? -1 : 0;
		}
	return usage_failure(f, "unknown command '%.100s'", argv[i]);
}
