/* log.h - the OCI runtime's log: --log FILE in --log-format text or
 * json (one object a line, {"level","msg","time"}, as containerd's shim
 * reads runc's back). Errors also go to stderr. */
#ifndef CONTAINER_FS_OCI_LOG_H
#define CONTAINER_FS_OCI_LOG_H

#include <stdbool.h>

#include "utils.h"

/* Opens the log (path NULL: none); warnings go there from now on
 * (warn() in utils.h), or without a log to stderr with debug. 0 or -1. */
int open_log(const char *path, bool json, bool debug, struct failure *f);

/* An error: one line on stderr, and one in the log. */
void log_failure(const struct failure *f);

/* A message at debug level (only with --debug). */
void log_debug(const char *format, ...) __attribute__((format(printf, 1, 2)));

#endif
