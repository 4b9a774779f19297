/* environment.c - the container's environment, as Docker builds it:
 * defaults, then --env-host, then --env-file, then -e, later winning.
 * The caller's own environment reaches COMMAND only when asked for. */
#include "environment.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

/* An env file larger than this is refused: no real one is, and
 * /dev/zero would otherwise take all memory. */
#define MAX_ENV_FILE (16 * 1024 * 1024)

static int refuse_name(const char *option, const char *text, const char *why,
		       struct failure *f)
{
	char detail[700];
	snprintf(detail, sizeof(detail), "%.300s '%.200s': %.100s", option,
		 text, why);
	return fail(f, "arguments", detail, 0);
}

/* NAME as Docker takes it: not empty, no '=' (it ends the name), no
 * whitespace (a line "A B=c" is a mistake, not a name). */
static const char *name_problem(const char *name, size_t length)
{
	if (length == 0)
		return "empty variable name";
	for (size_t i = 0; i < length; i++)
		if (isspace((unsigned char)name[i]))
			return "variable name holds whitespace";
	return NULL;
}

/* NAME=VALUE sets it; NAME alone copies the caller's value, if any. */
static int add_assignment(struct container_spec *s, const char *option,
			  const char *text, struct failure *f)
{
	size_t length = strcspn(text, "=");
	const char *problem = name_problem(text, length);
	if (problem)
		return refuse_name(option, text, problem, f);
	if (text[length] == '=')
		return set_env(s, text, f);
	const char *value = getenv(text);
	if (!value)
		return 0;
	char *pair;
	if (asprintf(&pair, "%s=%s", text, value) < 0)
		return fail(f, "arguments", "allocate", ENOMEM);
	int result = set_env(s, pair, f);
	free(pair);
	return result;
}

int add_env_option(struct container_spec *s, const char *option,
		   struct failure *f)
{
	return add_assignment(s, "--env", option, f);
}

/* Reads all of file (a regular file, or a pipe as from "<(...)"),
 * refusing more than MAX_ENV_FILE: /dev/zero must not fill memory.
 * Returns a malloc'd NUL-terminated copy and its length, or NULL. */
static char *read_env_file(const char *file, size_t *length)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t used = 0, capacity = 4096;
	char *text = malloc(capacity + 1);
	ssize_t n = 0;
	while (text && (n = read(fd, text + used, capacity - used)) > 0) {
		used += (size_t)n;
		if (used < capacity)
			continue;
		char *grown = capacity < MAX_ENV_FILE
				  ? realloc(text, 2 * capacity + 1)
				  : NULL;
		if (!grown) {
			free(text);
			text = NULL;
			errno = capacity < MAX_ENV_FILE ? ENOMEM : EFBIG;
			break;
		}
		text = grown;
		capacity *= 2;
	}
	int error = errno;
	close(fd);
	if (text && n < 0) {
		free(text);
		text = NULL;
	}
	if (!text) {
		errno = error;
		return NULL;
	}
	text[used] = '\0';
	*length = used;
	return text;
}

int add_env_file(struct container_spec *s, const char *file, struct failure *f)
{
	char detail[320];
	size_t length;
	char *text = read_env_file(file, &length);
	if (!text) {
		snprintf(detail, sizeof(detail), "--env-file %.250s", file);
		return fail(f, "arguments", detail, errno);
	}
	int number = 0, result = 0;
	for (char *line = text; result == 0 && line < text + length;) {
		char *end = memchr(line, '\n', (size_t)(text + length - line));
		if (!end)
			end = text + length;
		*end = '\0';
		number++;
		snprintf(detail, sizeof(detail), "--env-file %.200s:%d", file,
			 number);
		if (strlen(line) != (size_t)(end - line)) {
			result = refuse_name(detail, "", "NUL byte in line", f);
			break;
		}
		if (end > line && end[-1] == '\r')
			end[-1] = '\0';
		char *start = line;
		while (isspace((unsigned char)*start))
			start++;
		if (*start != '\0' && *start != '#')
			result = add_assignment(s, detail, start, f);
		line = end + 1;
	}
	free(text);
	return result;
}

int add_env_host(struct container_spec *s, struct failure *f)
{
	for (char **e = environ; e && *e; e++)
		if (strchr(*e, '=') && **e != '=' && set_env(s, *e, f) < 0)
			return -1;
	return 0;
}

static bool has_name(char **env, size_t count, const char *name)
{
	size_t length = strlen(name);
	for (size_t i = 0; i < count; i++)
		if (strncmp(env[i], name, length) == 0 && env[i][length] == '=')
			return true;
	return false;
}

char **build_environment(const struct container_spec *s, const char *hostname,
			 const char *home, const char *term, struct failure *f)
{
	const char *defaults[][2] = {
	    {"PATH", DEFAULT_PATH},
	    {"HOSTNAME", hostname},
	    {"HOME", home},
	    {"TERM", term},
	    {"container", "container-fs"},
	};
	size_t count = 0, size = s->env_count + 6;
	char **env = calloc(size, sizeof(*env));
	if (!env)
		goto failed;
	for (size_t i = 0; i < s->env_count; i++)
		env[count++] = s->env[i];
	for (size_t i = 0; i < sizeof(defaults) / sizeof(*defaults); i++) {
		/* Without the defaults (a bundle's environment is all it
		 * gets), HOME still fills in, as runc does. */
		if (!s->default_environment && strcmp(defaults[i][0], "HOME"))
			continue;
		if (!defaults[i][1] || has_name(env, count, defaults[i][0]))
			continue;
		if (asprintf(&env[count], "%s=%s", defaults[i][0],
			     defaults[i][1]) < 0)
			goto failed;
		count++;
	}
	return env; /* the defaults leak into exec, which ends this process */
failed:
	free(env);
	fail(f, "environment", "allocate", ENOMEM);
	return NULL;
}

/* Whether path names a file exec could run: a regular file with an
 * execute bit (the user's own rights are the kernel's to check). */
static bool executable(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	       (st.st_mode & 0111);
}

int find_command(const struct container_spec *s, struct failure *f)
{
	const char *name = s->command[0];
	const char *path = DEFAULT_PATH;
	for (size_t i = 0; i < s->env_count; i++)
		if (strncmp(s->env[i], "PATH=", 5) == 0)
			path = s->env[i] + 5;
	bool found = false;
	if (strchr(name, '/')) {
		found = executable(name);
	} else {
		for (const char *p = path; !found;) {
			size_t length = strcspn(p, ":");
			char candidate[4096];
			snprintf(candidate, sizeof(candidate), "%.*s%s%s",
				 (int)length, p, length ? "/" : "", name);
			found = executable(candidate);
			if (!p[length])
				break;
			p += length + 1;
		}
	}
	if (found)
		return 0;
	fail(f, "exec", name, ENOENT);
	f->status = EXIT_NOT_FOUND;
	return add_hint(f, "not found in the container's PATH or at that path");
}
