/* log.c - the OCI runtime's log (see log.h). */
#include "oci/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "oci/state.h"

static int log_fd = -1;
static bool log_json, log_debug_on;

/* One line, written with one write(2) so concurrent runtimes sharing a
 * log do not interleave within it. */
static void log_line(const char *level, const char *message)
{
	char now[40];
	struct string line = {0};
	if (log_fd < 0)
		return;
	rfc3339_now(now, sizeof(now));
	int failed;
	if (log_json)
		failed = append_string(&line, "{\"level\":") < 0 ||
			 append_json_string(&line, level) < 0 ||
			 append_string(&line, ",\"msg\":") < 0 ||
			 append_json_string(&line, message) < 0 ||
			 append_string(&line, ",\"time\":") < 0 ||
			 append_json_string(&line, now) < 0 ||
			 append_string(&line, "}\n") < 0;
	else
		failed = append_string(&line, "time=\"") < 0 ||
			 append_string(&line, now) < 0 ||
			 append_string(&line, "\" level=") < 0 ||
			 append_string(&line, level) < 0 ||
			 append_string(&line, " msg=") < 0 ||
			 append_json_string(&line, message) < 0 ||
			 append_string(&line, "\n") < 0;
	if (!failed)
		write_all(log_fd, line.data, line.length);
	free_string(&line);
}

/* Without a log, a warning shows on stderr with --debug only: engines
 * show the runtime's stderr to their user, on every run. */
static void log_warning(const char *message)
{
	if (log_fd >= 0)
		log_line("warning", message);
	else if (log_debug_on)
		fprintf(stderr, "container-fs-oci: warning: %s\n", message);
}

int open_log(const char *path, bool json, bool debug, struct failure *f)
{
	log_json = json;
	log_debug_on = debug;
	warning_sink = log_warning;
	if (!path || !path[0])
		return 0;
	log_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (log_fd < 0)
		return fail(f, "log", path, errno);
	return 0;
}

void log_failure(const struct failure *f)
{
	char line[sizeof(f->step) + sizeof(f->detail) + sizeof(f->hint) + 160];
	format_failure(f, line, sizeof(line));
	fprintf(stderr, "container-fs-oci: %s\n", line);
	log_line("error", line);
}

void log_debug(const char *format, ...)
{
	char message[1024];
	if (!log_debug_on)
		return;
	va_list args;
	va_start(args, format);
	vsnprintf(message, sizeof(message), format, args);
	va_end(args);
	if (log_fd >= 0)
		log_line("debug", message);
	else
		fprintf(stderr, "container-fs-oci: debug: %s\n", message);
}
