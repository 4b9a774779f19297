/* environment.h - the container's environment, as Docker builds it:
 * defaults, then --env-host, then --env-file, then -e, later winning. */
#ifndef CONTAINER_FS_ENVIRONMENT_H
#define CONTAINER_FS_ENVIRONMENT_H

#include "spec.h"
#include "utils.h"

#define DEFAULT_PATH                                                           \
	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* -e NAME=VALUE sets NAME; -e NAME copies the caller's value (nothing
 * if it has none). NAME must be non-empty and hold no '='. 0 or -1. */
int add_env_option(struct container_spec *s, const char *option,
		   struct failure *f);

/* --env-file FILE in Docker's format: NAME=VALUE or NAME lines, '#'
 * comments, blank lines. Any other line, a NUL byte, or an unreadable
 * file is refused, naming the file and line. 0 or -1. */
int add_env_file(struct container_spec *s, const char *file, struct failure *f);

/* --env-host: the caller's whole environment. 0 or -1. */
int add_env_host(struct container_spec *s, struct failure *f);

/* COMMAND's environment: s->env, and for names it leaves unset HOME
 * (home) and, with s->default_environment, PATH, HOSTNAME (hostname),
 * TERM (the caller's, kept in term before the container starts) and
 * container=container-fs. Returns a malloc'd NULL-terminated array, or
 * NULL with f filled. */
char **build_environment(const struct container_spec *s, const char *hostname,
			 const char *home, const char *term, struct failure *f);

/* In the container, before it waits to be started: whether COMMAND
 * exists as exec would find it (in the PATH of s's environment, or the
 * default one), so that a missing one fails `create`, not `start`.
 * 0, or -1 with status 127. */
int find_command(const struct container_spec *s, struct failure *f);

#endif
