/* config.c - an imported image's config into the container's
 * description (see config.h). The config is the image's, as hostile as
 * any part of it: read bounded, parsed strictly, each field checked. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../json.h"
#include "../layers.h"
#include "manifest.h"

static int refuse_field(const char *dir, const char *field, const char *problem,
			struct failure *f)
{
	char detail[700];
	snprintf(detail, sizeof(detail), "%.300s: config %.100s: %.250s", dir,
		 field, problem);
	return fail(f, "image", detail, 0);
}

/* dir/config.json, whole, bounded, a regular file. */
static char *read_config(const char *dir, size_t *length, struct failure *f)
{
	char path[4200];
	struct stat st;
	snprintf(path, sizeof(path), "%s/config.json", dir);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fail(f, "image", path, errno);
		if (fd >= 0)
			close(fd);
		else if (errno == ENOENT)
			add_hint(f, "--image takes a directory made by "
				    "'container-fs import'");
		return NULL;
	}
	char *text = NULL;
	if (!S_ISREG(st.st_mode) || st.st_size > MAX_CONFIG_SIZE)
		fail(f, "image", path, S_ISREG(st.st_mode) ? EFBIG : EINVAL);
	else if (!(text = malloc((size_t)st.st_size + 1)))
		fail(f, "image", path, ENOMEM);
	else if (read(fd, text, (size_t)st.st_size) != st.st_size) {
		fail(f, "image", path, EIO);
		free(text);
		text = NULL;
	}
	close(fd);
	*length = (size_t)st.st_size;
	return text;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* dir/layers/NAME for each NAME, in `ls` order, then the LAYERs given. */
static int add_layers(struct container_spec *s, const char *dir,
		      struct failure *f)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/layers", dir);
	DIR *layers = opendir(path);
	if (!layers) {
		fail(f, "image", path, errno);
		return add_hint(f, "--image takes a directory made by "
				   "'container-fs import'");
	}
	char **names = NULL;
	size_t count = 0;
	int result = 0;
	for (struct dirent *e; result == 0 && (e = readdir(layers));) {
		if (e->d_name[0] == '.')
			continue;
		char *layer;
		if (asprintf(&layer, "%s/%s", path, e->d_name) < 0)
			result = fail(f, "image", "allocate", ENOMEM);
		else
			result = append_list(&names, &count, layer, f);
		free(layer);
	}
	closedir(layers);
	if (result == 0 && count == 0) {
		fail(f, "image", path, 0);
		result = add_hint(f, "the image has no layers");
	}
	if (result == 0) {
		qsort(names, count, sizeof(*names), compare_names);
		char **all = realloc(
		    names, (count + (size_t)s->layer_count + 1) * sizeof(*all));
		if (!all)
			result = fail(f, "image", "allocate", ENOMEM);
		else {
			names = all;
			for (int i = 0; i < s->layer_count; i++)
				names[count + (size_t)i] = s->layers[i];
			count += (size_t)s->layer_count;
			names[count] = NULL;
			free(s->layers);
			s->layers = names;
			s->layer_count = (int)count;
			return 0;
		}
	}
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
	return result;
}

/* A list of strings (absent or null: none), appended to *out. */
static int add_strings(const char *dir, const struct json *config,
		       const char *key, char ***out, size_t *count,
		       struct failure *f)
{
	const struct json *list = json_member(config, key);
	if (!list || list->type == JSON_NULL)
		return 0;
	if (list->type != JSON_ARRAY)
		return refuse_field(dir, key, "expected a list of strings", f);
	for (size_t i = 0; i < list->count; i++) {
		if (list->items[i].type != JSON_STRING)
			return refuse_field(dir, key,
					    "expected a list of strings", f);
		if (append_list(out, count, list->items[i].text, f) < 0)
			return -1;
	}
	return 0;
}

static int apply_env(struct container_spec *s, const char *dir,
		     const struct json *config, struct failure *f)
{
	char **env = NULL;
	size_t count = 0;
	int result = add_strings(dir, config, "Env", &env, &count, f);
	for (size_t i = 0; result == 0 && i < count; i++) {
		size_t name = strcspn(env[i], "=");
		if (name == 0 || !env[i][name])
			result = refuse_field(dir, "Env",
					      "an entry is not NAME=VALUE", f);
		else
			result = set_env(s, env[i], f);
	}
	for (size_t i = 0; i < count; i++)
		free(env[i]);
	free(env);
	return result;
}

/* WorkingDir and User, unless -w and -u said otherwise. A relative
 * WorkingDir is taken from "/", as Docker does. */
static int apply_process(struct container_spec *s, const char *dir,
			 const struct json *config, struct failure *f)
{
	const struct json *cwd = json_member(config, "WorkingDir");
	const struct json *user = json_member(config, "User");
	if ((cwd && cwd->type != JSON_STRING && cwd->type != JSON_NULL) ||
	    (user && user->type != JSON_STRING && user->type != JSON_NULL))
		return refuse_field(
		    dir,
		    cwd && cwd->type != JSON_STRING ? "WorkingDir" : "User",
		    "expected a string", f);
	const char *path = json_string(cwd);
	if (!s->cwd && path && path[0]) {
		if (asprintf(&s->cwd, "%s%s", path[0] == '/' ? "" : "/", path) <
		    0) {
			s->cwd = NULL;
			return fail(f, "image", "allocate", ENOMEM);
		}
		if (!valid_container_path(s->cwd) && strcmp(s->cwd, "/") != 0)
			return refuse_field(dir, "WorkingDir",
					    "not a path without '.' or '..'",
					    f);
	}
	const char *name = json_string(user);
	if (!s->user && name && name[0]) {
		if (name[0] == ':' || name[strlen(name) - 1] == ':')
			return refuse_field(dir, "User",
					    "expected USER or USER:GROUP", f);
		if (!(s->user = strdup(name)))
			return fail(f, "image", "allocate", ENOMEM);
	}
	return 0;
}

/* Entrypoint + Cmd, Docker's way. */
static int apply_command(struct container_spec *s, const char *dir,
			 const struct json *config, const char *entrypoint,
			 struct failure *f)
{
	char **command = NULL;
	size_t count = 0;
	int result = 0;
	if (entrypoint && entrypoint[0])
		result = append_list(&command, &count, entrypoint, f);
	else if (!entrypoint)
		result =
		    add_strings(dir, config, "Entrypoint", &command, &count, f);
	for (size_t i = 0; result == 0 && s->command && s->command[i]; i++)
		result = append_list(&command, &count, s->command[i], f);
	if (result == 0 && !s->command && !entrypoint)
		result = add_strings(dir, config, "Cmd", &command, &count, f);
	if (result == 0 && (count == 0 || !command[0][0])) {
		fail(f, "image", dir, 0);
		snprintf(f->detail, sizeof(f->detail),
			 "%.300s: the image has no Entrypoint or Cmd, and no "
			 "COMMAND was given",
			 dir);
		result = add_hint(f, "give COMMAND after '--'");
	}
	for (size_t i = 0; s->command && s->command[i]; i++)
		free(s->command[i]);
	free(s->command);
	s->command = command;
	return result;
}

int apply_image(struct container_spec *s, const char *dir,
		const char *entrypoint, struct failure *f)
{
	size_t length;
	char error[200];
	struct json root;
	char *text = read_config(dir, &length, f);
	if (!text)
		return -1;
	int result = parse_json(text, length, MAX_CONFIG_SIZE, &root, error,
				sizeof(error));
	free(text);
	if (result < 0) {
		free_json(&root);
		return refuse_field(dir, "", error, f);
	}
	/* "config" may be absent or null: an image with no defaults. */
	const struct json *config = json_member(&root, "config");
	if (root.type != JSON_OBJECT ||
	    (config && config->type != JSON_OBJECT &&
	     config->type != JSON_NULL))
		result = refuse_field(dir, "config", "expected an object", f);
	if (result == 0)
		result =
		    add_layers(s, dir, f) < 0 ||
			    apply_env(s, dir, config, f) < 0 ||
			    apply_process(s, dir, config, f) < 0 ||
			    apply_command(s, dir, config, entrypoint, f) < 0
			? -1
			: 0;
	free_json(&root);
	return result;
}
