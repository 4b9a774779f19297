/* bundle.c - an OCI bundle's config.json into the container's
 * description (spec.h): ociVersion, root, mounts, process, hostname,
 * hooks, annotations here; linux in bundle_linux.c. Everything in it is
 * hostile until checked: each field is checked for its type and range,
 * and a bad one refused naming it; an unknown key is ignored with a
 * warning, as the spec's extensibility rule asks. */
#include "oci/bundle.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capabilities.h"
#include "process_limits.h"

int read_config(const char *path, char **text, size_t *length,
		struct failure *f)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		fail(f, "config.json", path, errno);
		if (fd >= 0)
			close(fd);
		f->status = 1;
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > MAX_CONFIG_SIZE) {
		close(fd);
		fail(f, "config.json", path,
		     S_ISREG(st.st_mode) ? EFBIG : EINVAL);
		f->status = 1;
		return -1;
	}
	*text = malloc((size_t)st.st_size + 1);
	ssize_t n = *text ? read(fd, *text, (size_t)st.st_size) : -1;
	int error = *text ? errno : ENOMEM;
	close(fd);
	if (n != st.st_size) {
		free(*text);
		*text = NULL;
		fail(f, "config.json", path, n < 0 ? error : EIO);
		f->status = 1;
		return -1;
	}
	(*text)[n] = '\0';
	*length = (size_t)n;
	return 0;
}

/* "1.0.0" to "1.2.x" (and a suffix: "1.0.2-dev"). */
static int check_version(const struct json *config, struct failure *f)
{
	struct field field = field_of(NULL, "ociVersion");
	char *version;
	if (get_string(config, NULL, "ociVersion", true, &version, f) < 0)
		return -1;
	unsigned major, minor, patch;
	char rest = '\0';
	int n = sscanf(version, "%u.%u.%u%c", &major, &minor, &patch, &rest);
	bool valid = (n == 3 || (n == 4 && (rest == '-' || rest == '+'))) &&
		     strspn(version, "0123456789") > 0 && major == 1 &&
		     minor <= 2;
	free(version);
	return valid ? 0
		     : refuse_field(&field,
				    "not a runtime spec version from 1.0.0 "
				    "to 1.2.x",
				    f);
}

/* path, or bundle/path when relative; made canonical when it exists.
 * A malloc'd string, or NULL. */
static char *bundle_path(const char *bundle, const char *path)
{
	char *joined;
	if (path[0] == '/')
		joined = strdup(path);
	else if (asprintf(&joined, "%s/%s", bundle, path) < 0)
		joined = NULL;
	if (!joined)
		return NULL;
	char *real = realpath(joined, NULL);
	if (real) {
		free(joined);
		return real;
	}
	return joined;
}

static int parse_root(const struct json *config, const char *bundle,
		      struct container_spec *s, struct failure *f)
{
	static const char *const known[] = {"path", "readonly", NULL};
	struct field field = field_of(NULL, "root");
	const struct json *root = json_member(config, "root");
	char *path;
	if (!root)
		return refuse_field(&field, "missing", f);
	if (check_object(root, &field, known, f) < 0 ||
	    get_string(root, &field, "path", true, &path, f) < 0 ||
	    get_bool(root, &field, "readonly", &s->read_only_root, f) < 0)
		return -1;
	s->writable = WRITABLE_IN_PLACE;
	s->root_directory = path[0] ? bundle_path(bundle, path) : NULL;
	free(path);
	if (!s->root_directory) {
		struct field p = field_of(&field, "path");
		return refuse_field(&p, "empty", f);
	}
	struct stat st;
	if (stat(s->root_directory, &st) < 0 || !S_ISDIR(st.st_mode)) {
		struct field p = field_of(&field, "path");
		fail(f, "config.json", "", errno ? errno : ENOTDIR);
		snprintf(f->detail, sizeof(f->detail), "%s: %.3000s", p.name,
			 s->root_directory);
		f->status = 1;
		return -1;
	}
	return 0;
}

/* A user: uid and gid numbers (as "UID:GID" for identity.c, which
 * finds HOME and the groups /etc/group gives the user), additionalGids
 * as groups, umask. */
static int parse_user(const struct json *process, const struct field *parent,
		      struct container_spec *s, struct failure *f)
{
	static const char *const known[] = {
	    "uid", "gid", "umask", "additionalGids", "username", NULL};
	struct field field = field_of(parent, "user");
	const struct json *user = json_member(process, "user");
	long long uid = 0, gid = 0, umask_value = 0;
	bool has_umask;
	if (!user)
		return 0;
	if (check_object(user, &field, known, f) < 0 ||
	    get_integer(user, &field, "uid", 0, 4294967294LL, false, &uid, NULL,
			f) < 0 ||
	    get_integer(user, &field, "gid", 0, 4294967294LL, false, &gid, NULL,
			f) < 0 ||
	    get_integer(user, &field, "umask", 0, 0777, false, &umask_value,
			&has_umask, f) < 0)
		return -1;
	free(s->user);
	if (asprintf(&s->user, "%lld:%lld", uid, gid) < 0) {
		s->user = NULL;
		return fail(f, "config.json", "allocate", ENOMEM);
	}
	s->umask = has_umask ? (int)umask_value : s->umask;
	const struct json *groups;
	struct field groups_field = field_of(&field, "additionalGids");
	if (get_array(user, &field, "additionalGids", &groups, f) < 0)
		return -1;
	for (size_t i = 0; groups && i < groups->count; i++) {
		long long group;
		char text[16];
		struct field item = element_of(&groups_field, i);
		if (!json_integer(&groups->items[i], 0, 4294967294LL, &group))
			return refuse_field(&item, "expected a group id", f);
		snprintf(text, sizeof(text), "%lld", group);
		if (append_list(&s->groups, &s->group_count, text, f) < 0)
			return -1;
	}
	return 0;
}

/* One capability set: names as the spec has them ("CAP_CHOWN"). A name
 * this program does not know is refused: it cannot grant it, and
 * dropping what it cannot name would be silent. */
static int parse_capability_set(const struct json *sets,
				const struct field *parent, const char *key,
				capability_mask *mask, struct failure *f)
{
	const struct json *array;
	struct field field = field_of(parent, key);
	*mask = 0;
	if (get_array(sets, parent, key, &array, f) < 0)
		return -1;
	for (size_t i = 0; array && i < array->count; i++) {
		struct field item = element_of(&field, i);
		const char *name = json_string(&array->items[i]);
		capability_mask bit;
		if (!name || strncmp(name, "CAP_", 4) != 0 ||
		    strcmp(name, "CAP_ALL") == 0 ||
		    parse_capability(name, &bit) < 0)
			return refuse_field(&item, "unknown capability", f);
		*mask |= bit;
	}
	return 0;
}

static int parse_capabilities(const struct json *process,
			      const struct field *parent,
			      struct container_spec *s, struct failure *f)
{
	static const char *const known[] = {"bounding",	 "effective",
					    "permitted", "inheritable",
					    "ambient",	 NULL};
	struct field field = field_of(parent, "capabilities");
	const struct json *sets = json_member(process, "capabilities");
	struct capability_sets *c = &s->capabilities;
	if (!sets) {
		*c = (struct capability_sets){0};
		return 0;
	}
	return check_object(sets, &field, known, f) < 0 ||
		       parse_capability_set(sets, &field, "bounding",
					    &c->bounding, f) < 0 ||
		       parse_capability_set(sets, &field, "effective",
					    &c->effective, f) < 0 ||
		       parse_capability_set(sets, &field, "permitted",
					    &c->permitted, f) < 0 ||
		       parse_capability_set(sets, &field, "inheritable",
					    &c->inheritable, f) < 0 ||
		       parse_capability_set(sets, &field, "ambient",
					    &c->ambient, f) < 0
		   ? -1
		   : 0;
}

static int parse_rlimits(const struct json *process, const struct field *parent,
			 struct container_spec *s, struct failure *f)
{
	static const char *const known[] = {"type", "soft", "hard", NULL};
	const struct json *array;
	struct field field = field_of(parent, "rlimits");
	if (get_array(process, parent, "rlimits", &array, f) < 0)
		return -1;
	if (!array)
		return 0;
	free(s->limits);
	s->limits = calloc(array->count + 1, sizeof(*s->limits));
	s->limit_count = 0;
	if (!s->limits)
		return fail(f, "config.json", "allocate", ENOMEM);
	for (size_t i = 0; i < array->count; i++) {
		const struct json *item = &array->items[i];
		struct field at = element_of(&field, i);
		struct resource_limit *l = &s->limits[s->limit_count];
		char *type;
		if (check_object(item, &at, known, f) < 0 ||
		    get_string(item, &at, "type", true, &type, f) < 0)
			return -1;
		l->resource = resource_number(type);
		free(type);
		struct field type_field = field_of(&at, "type");
		if (l->resource < 0)
			return refuse_field(&type_field, "unknown resource", f);
		if (has_limit(s, l->resource))
			return refuse_field(&type_field, "given twice", f);
		if (get_unsigned(item, &at, "soft", true, &l->soft, NULL, f) <
			0 ||
		    get_unsigned(item, &at, "hard", true, &l->hard, NULL, f) <
			0)
			return -1;
		if (l->soft > l->hard)
			return refuse_field(&at, "soft above hard", f);
		s->limit_count++;
	}
	return 0;
}

static int parse_console_size(const struct json *process,
			      const struct field *parent,
			      struct container_spec *s, struct failure *f)
{
	static const char *const known[] = {"height", "width", NULL};
	struct field field = field_of(parent, "consoleSize");
	const struct json *size = json_member(process, "consoleSize");
	long long height = 0, width = 0;
	if (!size)
		return 0;
	if (check_object(size, &field, known, f) < 0 ||
	    get_integer(size, &field, "height", 0, 65535, true, &height, NULL,
			f) < 0 ||
	    get_integer(size, &field, "width", 0, 65535, true, &width, NULL,
			f) < 0)
		return -1;
	s->terminal_rows = (unsigned short)height;
	s->terminal_columns = (unsigned short)width;
	return 0;
}

/* Fields of the spec this runtime does not carry out: set, they are
 * refused (silently skipping a scheduler or an I/O priority would run
 * the container otherwise than asked). */
static int refuse_unsupported(const struct json *object,
			      const struct field *parent,
			      const char *const *keys, struct failure *f)
{
	for (const char *const *k = keys; *k; k++) {
		const struct json *value = json_member(object, *k);
		if (value && value->type != JSON_NULL) {
			struct field field = field_of(parent, *k);
			return refuse_field(&field,
					    "not supported by "
					    "container-fs",
					    f);
		}
	}
	return 0;
}

int parse_process(const struct json *process, const struct field *field,
		  struct container_spec *s, struct failure *f)
{
	static const char *const known[] = {"terminal",
					    "consoleSize",
					    "cwd",
					    "env",
					    "args",
					    "commandLine",
					    "rlimits",
					    "apparmorProfile",
					    "capabilities",
					    "noNewPrivileges",
					    "oomScoreAdj",
					    "selinuxLabel",
					    "user",
					    "ioPriority",
					    "scheduler",
					    "execCPUAffinity",
					    NULL};
	static const char *const unsupported[] = {
	    "commandLine", "ioPriority", "scheduler", "execCPUAffinity", NULL};
	struct field args_field = field_of(field, "args");
	struct field cwd_field = field_of(field, "cwd");
	char **args = NULL, **env = NULL, *cwd = NULL, *selinux = NULL;
	size_t arg_count = 0, env_count = 0;
	bool no_new_privileges;
	long long oom = 0;
	if (check_object(process, field, known, f) < 0 ||
	    refuse_unsupported(process, field, unsupported, f) < 0 ||
	    get_strings(process, field, "args", &args, &arg_count, f) < 0 ||
	    get_strings(process, field, "env", &env, &env_count, f) < 0 ||
	    get_string(process, field, "cwd", false, &cwd, f) < 0 ||
	    get_bool(process, field, "terminal", &s->terminal, f) < 0 ||
	    get_bool(process, field, "noNewPrivileges", &no_new_privileges, f) <
		0 ||
	    get_integer(process, field, "oomScoreAdj", -1000, 1000, false, &oom,
			&s->has_oom_score_adj, f) < 0 ||
	    get_string(process, field, "apparmorProfile", false,
		       &s->apparmor_profile, f) < 0 ||
	    get_string(process, field, "selinuxLabel", false, &selinux, f) <
		0 ||
	    parse_console_size(process, field, s, f) < 0 ||
	    parse_user(process, field, s, f) < 0 ||
	    parse_capabilities(process, field, s, f) < 0 ||
	    parse_rlimits(process, field, s, f) < 0)
		goto failed;
	s->allow_new_privs = !no_new_privileges;
	s->oom_score_adj = (int)oom;
	if (selinux && selinux[0])
		warn("config.json: %s.selinuxLabel: SELinux labels are not "
		     "applied by container-fs",
		     field->name);
	if (arg_count == 0) {
		refuse_field(&args_field, "missing or empty", f);
		goto failed;
	}
	for (size_t i = 0; i < env_count; i++)
		if (!strchr(env[i], '=') || env[i][0] == '=') {
			struct field env_field = field_of(field, "env");
			struct field item = element_of(&env_field, i);
			refuse_field(&item, "expected NAME=VALUE", f);
			goto failed;
		}
	if (cwd && !valid_container_path(cwd) && strcmp(cwd, "/") != 0) {
		refuse_field(&cwd_field,
			     "not an absolute path without '.' "
			     "or '..'",
			     f);
		goto failed;
	}
	for (size_t i = 0; s->command && s->command[i]; i++)
		free(s->command[i]);
	free(s->command);
	s->command = args;
	for (size_t i = 0; i < s->env_count; i++)
		free(s->env[i]);
	free(s->env);
	s->env = env;
	s->env_count = env_count;
	if (cwd) {
		free(s->cwd);
		s->cwd = cwd;
	}
	free(selinux);
	return 0;
failed:
	for (size_t i = 0; i < arg_count; i++)
		free(args[i]);
	free(args);
	for (size_t i = 0; i < env_count; i++)
		free(env[i]);
	free(env);
	free(cwd);
	free(selinux);
	return -1;
}

static int parse_hook(const struct json *item, const struct field *field,
		      struct hook *h, struct failure *f)
{
	static const char *const known[] = {"path", "args", "env", "timeout",
					    NULL};
	size_t count = 0;
	long long timeout = 0;
	struct field path_field = field_of(field, "path");
	if (check_object(item, field, known, f) < 0 ||
	    get_string(item, field, "path", true, &h->path, f) < 0 ||
	    get_strings(item, field, "args", &h->args, &count, f) < 0 ||
	    (count = 0,
	     get_strings(item, field, "env", &h->env, &count, f) < 0) ||
	    get_integer(item, field, "timeout", 1, 86400, false, &timeout, NULL,
			f) < 0)
		return -1;
	h->timeout = (int)timeout;
	if (h->path[0] != '/')
		return refuse_field(&path_field, "not an absolute path", f);
	return 0;
}

static int parse_hooks(const struct json *config, struct container_spec *s,
		       struct failure *f)
{
	static const char *const names[HOOK_STAGES] = {
	    "prestart",	      "createRuntime", "createContainer",
	    "startContainer", "poststart",     "poststop"};
	static const char *const known[] = {"prestart",
					    "createRuntime",
					    "createContainer",
					    "startContainer",
					    "poststart",
					    "poststop",
					    NULL};
	struct field field = field_of(NULL, "hooks");
	const struct json *hooks = json_member(config, "hooks");
	if (!hooks)
		return 0;
	if (check_object(hooks, &field, known, f) < 0)
		return -1;
	for (int stage = 0; stage < HOOK_STAGES; stage++) {
		const struct json *array;
		struct field stage_field = field_of(&field, names[stage]);
		if (get_array(hooks, &field, names[stage], &array, f) < 0)
			return -1;
		if (!array || !array->count)
			continue;
		struct hook_list *list = &s->hooks[stage];
		list->hooks = calloc(array->count, sizeof(*list->hooks));
		if (!list->hooks)
			return fail(f, "config.json", "allocate", ENOMEM);
		for (size_t i = 0; i < array->count; i++) {
			struct field at = element_of(&stage_field, i);
			list->count++;
			if (parse_hook(&array->items[i], &at, &list->hooks[i],
				       f) < 0)
				return -1;
		}
	}
	return 0;
}

static int parse_annotations(const struct json *config,
			     struct container_spec *s, struct failure *f)
{
	struct field field = field_of(NULL, "annotations");
	const struct json *annotations = json_member(config, "annotations");
	if (!annotations || annotations->type == JSON_NULL)
		return 0;
	if (annotations->type != JSON_OBJECT)
		return refuse_field(&field, "expected an object", f);
	for (size_t i = 0; i < annotations->count; i++) {
		struct field item = field_of(&field, annotations->keys[i]);
		const char *value = json_string(&annotations->items[i]);
		if (!value)
			return refuse_field(&item, "expected a string", f);
		if (append_list(&s->annotations, &s->annotation_count,
				annotations->keys[i], f) < 0 ||
		    append_list(&s->annotations, &s->annotation_count, value,
				f) < 0)
			return -1;
	}
	return 0;
}

static int parse_names(const struct json *config, struct container_spec *s,
		       struct failure *f)
{
	struct field hostname = field_of(NULL, "hostname");
	struct field domainname = field_of(NULL, "domainname");
	if (get_string(config, NULL, "hostname", false, &s->hostname, f) < 0 ||
	    get_string(config, NULL, "domainname", false, &s->domainname, f) <
		0)
		return -1;
	/* The kernel takes 64 bytes (__NEW_UTS_LEN) for either. */
	if (s->hostname && (strlen(s->hostname) > 64 || !s->hostname[0]))
		return refuse_field(&hostname, "empty or longer than 64 bytes",
				    f);
	if (s->domainname && strlen(s->domainname) > 64)
		return refuse_field(&domainname, "longer than 64 bytes", f);
	return 0;
}

int parse_bundle(const char *text, size_t length, const char *bundle,
		 const char *id, struct container_spec *s, struct failure *f)
{
	static const char *const known[] = {
	    "ociVersion", "root",  "mounts",	  "process", "hostname",
	    "domainname", "hooks", "annotations", "linux",   NULL};
	struct json config;
	char error[256];
	if (init_spec(s, f) < 0)
		return -1;
	if (parse_json(text, length, MAX_CONFIG_SIZE, &config, error,
		       sizeof(error)) < 0) {
		free_json(&config);
		fail(f, "config.json", error, 0);
		f->status = 1;
		return -1;
	}
	/* A bundle lists all its mounts and masks, and has no defaults
	 * for its environment, its capabilities or its namespaces. */
	remove_mounts(s);
	for (size_t i = 0; i < s->masked_count; i++)
		free(s->masked_paths[i]);
	for (size_t i = 0; i < s->readonly_count; i++)
		free(s->readonly_paths[i]);
	s->masked_count = s->readonly_count = 0;
	s->default_environment = false;
	s->exact_capabilities = true;
	s->namespaces = CLONE_NEWNS;
	s->allow_new_privs = true;
	s->seccomp_unconfined = true;
	s->userns = USERNS_OFF;
	s->only_given_devices = true;
	struct field process_field = field_of(NULL, "process");
	const struct json *process = json_member(&config, "process");
	int result = -1;
	if (!(s->id = strdup(id)) || !(s->bundle = strdup(bundle))) {
		fail(f, "config.json", "allocate", ENOMEM);
		goto done;
	}
	if (config.type != JSON_OBJECT) {
		refuse_field(&process_field, "the document is no object", f);
		goto done;
	}
	if (!process) {
		refuse_field(&process_field, "missing", f);
		goto done;
	}
	struct field top = field_of(NULL, "");
	if (check_object(&config, &top, known, f) < 0 ||
	    check_version(&config, f) < 0 ||
	    parse_root(&config, bundle, s, f) < 0 ||
	    parse_process(process, &process_field, s, f) < 0 ||
	    parse_names(&config, s, f) < 0 || parse_hooks(&config, s, f) < 0 ||
	    parse_annotations(&config, s, f) < 0 ||
	    parse_mounts(&config, bundle, s, f) < 0)
		goto done;
	const struct json *linux_object = json_member(&config, "linux");
	if (linux_object && parse_linux(linux_object, s, f) < 0)
		goto done;
	result = finish_mounts(s, f);
done:
	free_json(&config);
	return result;
}
