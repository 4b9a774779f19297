/* bundle_mounts.c - a config.json's mounts, in order, into the
 * description's mount entries: binds, the kernel's filesystems, and
 * after them the devices and the masks. */
#include "oci/bundle.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

/* The options of mount(8) and the spec that are flags (set or clear),
 * propagation, or the kind of bind; anything else is data for the
 * filesystem ("mode=755", "size=64m", "newinstance"). */
static const struct {
	const char *name;
	unsigned long set, clear;
} flag_options[] = {
    {"ro", MS_RDONLY, 0},
    {"rw", 0, MS_RDONLY},
    {"nosuid", MS_NOSUID, 0},
    {"suid", 0, MS_NOSUID},
    {"nodev", MS_NODEV, 0},
    {"dev", 0, MS_NODEV},
    {"noexec", MS_NOEXEC, 0},
    {"exec", 0, MS_NOEXEC},
    {"sync", MS_SYNCHRONOUS, 0},
    {"async", 0, MS_SYNCHRONOUS},
    {"dirsync", MS_DIRSYNC, 0},
    {"mand", MS_MANDLOCK, 0},
    {"nomand", 0, MS_MANDLOCK},
    {"atime", 0, MS_NOATIME},
    {"noatime", MS_NOATIME, 0},
    {"diratime", 0, MS_NODIRATIME},
    {"nodiratime", MS_NODIRATIME, 0},
    {"relatime", MS_RELATIME, 0},
    {"norelatime", 0, MS_RELATIME},
    {"strictatime", MS_STRICTATIME, 0},
    {"nostrictatime", 0, MS_STRICTATIME},
    {"lazytime", MS_LAZYTIME, 0},
    {"nolazytime", 0, MS_LAZYTIME},
    {"silent", MS_SILENT, 0},
    {"loud", 0, MS_SILENT},
    {"defaults", 0, 0},
};

static const struct {
	const char *name;
	unsigned long propagation;
} propagation_options[] = {
    {"private", MS_PRIVATE},	   {"rprivate", MS_REC | MS_PRIVATE},
    {"shared", MS_SHARED},	   {"rshared", MS_REC | MS_SHARED},
    {"slave", MS_SLAVE},	   {"rslave", MS_REC | MS_SLAVE},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_REC | MS_UNBINDABLE},
};

/* What the options of one mount say. */
struct options {
	unsigned long flags, propagation;
	bool bind, recursive, copy_up;
	struct string data;
};

static int read_option(const char *option, const struct field *field,
		       struct options *o, struct failure *f)
{
	for (size_t i = 0; i < sizeof(flag_options) / sizeof(*flag_options);
	     i++)
		if (strcmp(option, flag_options[i].name) == 0) {
			o->flags = (o->flags | flag_options[i].set) &
				   ~flag_options[i].clear;
			return 0;
		}
	for (size_t i = 0;
	     i < sizeof(propagation_options) / sizeof(*propagation_options);
	     i++)
		if (strcmp(option, propagation_options[i].name) == 0) {
			o->propagation = propagation_options[i].propagation;
			return 0;
		}
	if (strcmp(option, "tmpcopyup") == 0) {
		o->copy_up = true;
		return 0;
	}
	if (strcmp(option, "bind") == 0 || strcmp(option, "rbind") == 0) {
		o->bind = true;
		o->recursive |= option[0] == 'r';
		return 0;
	}
	if (strcmp(option, "remount") == 0 || strcmp(option, "idmap") == 0 ||
	    strcmp(option, "ridmap") == 0 || strcmp(option, "recursive") == 0 ||
	    strncmp(option, "rro", 3) == 0 || strncmp(option, "rrw", 3) == 0)
		return refuse_field(field,
				    "option not supported by "
				    "container-fs",
				    f);
	/* One option, one word: a ',' would slip in others. */
	if (!option[0] || strchr(option, ','))
		return refuse_field(field, "empty option, or one holding ','",
				    f);
	if ((o->data.length && append_string(&o->data, ",") < 0) ||
	    append_string(&o->data, option) < 0)
		return fail(f, "config.json", "allocate", ENOMEM);
	return 0;
}

/* "/dev/shm", or a relative "dev/shm" taken from "/" as runc does. */
static int destination_of(const char *given, const struct field *field,
			  char *out, size_t size, struct failure *f)
{
	int n = snprintf(out, size, "%s%s", given[0] == '/' ? "" : "/", given);
	if (n < 0 || (size_t)n >= size)
		return refuse_field(field, "too long", f);
	/* "/dev/shm/" is "/dev/shm". */
	while (n > 1 && out[n - 1] == '/')
		out[--n] = '\0';
	if (!valid_container_path(out))
		return refuse_field(field,
				    "not a path in the container "
				    "without '.' or '..', nor \"/\"",
				    f);
	return 0;
}

static bool valid_type(const char *type)
{
	return type[0] && strlen(type) < 64 &&
	       strspn(type, "abcdefghijklmnopqrstuvwxyz0123456789_.-") ==
		   strlen(type);
}

static int add_bind(struct container_spec *s, const char *bundle,
		    const char *source, const char *destination,
		    const struct options *o, const struct field *field,
		    struct failure *f)
{
	struct field source_field = field_of(field, "source");
	if (!source || !source[0])
		return refuse_field(&source_field, "a bind needs a source", f);
	/* The host's /sys bound at /sys (rootless podman's, which may not
	 * mount a sysfs without a network namespace) is the setup's own
	 * /sys, as a sysfs there is: bound from the host where it must be,
	 * read-only unless asked otherwise, masked as ever. */
	if (strcmp(source, "/sys") == 0 && strcmp(destination, "/sys") == 0) {
		s->writable_sys = !(o->flags & MS_RDONLY);
		return add_mount(s, MOUNT_SYS, NULL, "/sys", 0, NULL, f);
	}
	/* And the host's /proc at /proc (its --pid host): the setup's
	 * /proc, bound from the host (a source), then masked. */
	if (strcmp(source, "/proc") == 0 && strcmp(destination, "/proc") == 0)
		return add_mount(s, MOUNT_PROC, "/proc", "/proc", 0, NULL, f);
	char *path = NULL;
	if (source[0] != '/' && asprintf(&path, "%s/%s", bundle, source) < 0)
		return fail(f, "config.json", "allocate", ENOMEM);
	int result = add_mount(s, MOUNT_BIND, path ? path : source, destination,
			       o->flags, NULL, f);
	free(path);
	if (result < 0)
		return -1;
	struct mount_entry *m = &s->mounts[s->mount_count - 1];
	m->single = !o->recursive;
	m->propagation = o->propagation;
	return 0;
}

/* The kernel's own: proc at /proc and sysfs at /sys are the setup's
 * (checked, masked); any other a filesystem mounted as given. */
static int add_filesystem(struct container_spec *s, const char *type,
			  const char *source, const char *destination,
			  struct options *o, struct failure *f)
{
	if (strcmp(type, "proc") == 0 && strcmp(destination, "/proc") == 0)
		return add_mount(s, MOUNT_PROC, NULL, "/proc", 0, NULL, f);
	if (strcmp(type, "sysfs") == 0 && strcmp(destination, "/sys") == 0) {
		s->writable_sys = !(o->flags & MS_RDONLY);
		return add_mount(s, MOUNT_SYS, NULL, "/sys", 0, NULL, f);
	}
	if (add_mount(s, MOUNT_FILESYSTEM, source && source[0] ? source : type,
		      destination, o->flags, o->data.data, f) < 0)
		return -1;
	struct mount_entry *m = &s->mounts[s->mount_count - 1];
	m->propagation = o->propagation;
	m->copy_up = o->copy_up;
	m->type = strdup(type);
	return m->type ? 0 : fail(f, "config.json", "allocate", ENOMEM);
}

static int parse_mount(const struct json *item, const struct field *field,
		       const char *bundle, struct container_spec *s,
		       struct failure *f)
{
	static const char *const known[] = {
	    "destination", "type",	  "source", "options",
	    "uidMappings", "gidMappings", NULL};
	static const char *const unsupported[] = {"uidMappings", "gidMappings",
						  NULL};
	struct field destination_field = field_of(field, "destination");
	struct field type_field = field_of(field, "type");
	struct field options_field = field_of(field, "options");
	char *given = NULL, *type = NULL, *source = NULL, destination[4096];
	const struct json *options;
	struct options o = {0};
	int result = -1;
	if (check_object(item, field, known, f) < 0 ||
	    get_string(item, field, "destination", true, &given, f) < 0 ||
	    get_string(item, field, "type", false, &type, f) < 0 ||
	    get_string(item, field, "source", false, &source, f) < 0 ||
	    get_array(item, field, "options", &options, f) < 0)
		goto done;
	for (const char *const *k = unsupported; *k; k++)
		if (json_member(item, *k) &&
		    json_member(item, *k)->type == JSON_ARRAY &&
		    json_member(item, *k)->count) {
			struct field at = field_of(field, *k);
			refuse_field(&at,
				     "id-mapped mounts are not "
				     "supported by container-fs",
				     f);
			goto done;
		}
	if (destination_of(given, &destination_field, destination,
			   sizeof(destination), f) < 0)
		goto done;
	for (size_t i = 0; options && i < options->count; i++) {
		struct field at = element_of(&options_field, i);
		const char *option = json_string(&options->items[i]);
		if (!option) {
			refuse_field(&at, "expected a string", f);
			goto done;
		}
		if (read_option(option, &at, &o, f) < 0)
			goto done;
	}
	if (type && !type[0]) {
		free(type);
		type = NULL;
	}
	if (type && strcmp(type, "bind") != 0 && !valid_type(type)) {
		refuse_field(&type_field, "not a filesystem type", f);
		goto done;
	}
	if (o.copy_up && (!type || strcmp(type, "tmpfs") != 0 || o.bind)) {
		struct field options_at = field_of(field, "options");
		result =
		    refuse_field(&options_at, "tmpcopyup is for a tmpfs", f);
	} else if (o.bind || (type && strcmp(type, "bind") == 0))
		result = add_bind(s, bundle, source, destination, &o, field, f);
	else if (!type)
		result = refuse_field(&type_field,
				      "missing (and no bind "
				      "option)",
				      f);
	else
		result = add_filesystem(s, type, source, destination, &o, f);
done:
	free(given);
	free(type);
	free(source);
	free_string(&o.data);
	return result;
}

int parse_mounts(const struct json *config, const char *bundle,
		 struct container_spec *s, struct failure *f)
{
	const struct json *mounts;
	struct field field = field_of(NULL, "mounts");
	if (get_array(config, NULL, "mounts", &mounts, f) < 0)
		return -1;
	for (size_t i = 0; mounts && i < mounts->count; i++) {
		struct field at = element_of(&field, i);
		if (parse_mount(&mounts->items[i], &at, bundle, s, f) < 0)
			return -1;
	}
	return 0;
}

int finish_mounts(struct container_spec *s, struct failure *f)
{
	if (add_mount(s, MOUNT_DEVICES, NULL, "/dev", 0, NULL, f) < 0 ||
	    add_mount(s, MOUNT_MASKS, NULL, NULL, 0, NULL, f) < 0)
		return -1;
	for (size_t i = 0; s->only_given_devices && i < s->mount_count; i++) {
		struct mount_entry *m = &s->mounts[i];
		/* A devpts's nodes are ptys, which must open. */
		if ((m->kind == MOUNT_BIND || m->kind == MOUNT_FILESYSTEM) &&
		    !(m->type && strcmp(m->type, "devpts") == 0))
			m->flags |= MS_NODEV;
	}
	return check_spec(s, f);
}
