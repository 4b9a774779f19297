/* bundle_linux.c - a config.json's "linux" object into the description:
 * namespaces (made, or joined by path), id mappings, devices, sysctls,
 * masked and read-only paths, root propagation, the personality, the
 * cgroup and its limits (as cgroup v2 files), and the seccomp profile
 * (seccomp_profile.c). */
#include "oci/bundle.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/stat.h>

#include "process_limits.h"

static const struct {
	const char *name;
	int type;
} namespace_types[] = {
    {"pid", CLONE_NEWPID},	 {"network", CLONE_NEWNET},
    {"mount", CLONE_NEWNS},	 {"ipc", CLONE_NEWIPC},
    {"uts", CLONE_NEWUTS},	 {"user", CLONE_NEWUSER},
    {"cgroup", CLONE_NEWCGROUP}, {"time", 0x80 /* CLONE_NEWTIME */},
};

static int add_join(struct container_spec *s, int type, const char *path,
		    struct failure *f)
{
	struct namespace_join *more =
	    realloc(s->joins, (s->join_count + 1) * sizeof(*more));
	if (!more)
		return fail(f, "config.json", "allocate", ENOMEM);
	s->joins = more;
	s->joins[s->join_count] = (struct namespace_join){type, strdup(path)};
	if (!s->joins[s->join_count++].path)
		return fail(f, "config.json", "allocate", ENOMEM);
	return 0;
}

/* A namespace listed without a path is made; with one, joined; one not
 * listed is the host's (but the mount namespace: the setup needs one
 * of its own). A new network namespace gets lo up, as runc does. */
static int parse_namespace(const struct json *item, const struct field *field,
			   struct container_spec *s, int *seen,
			   struct failure *f)
{
	static const char *const known[] = {"type", "path", NULL};
	struct field type_field = field_of(field, "type");
	struct field path_field = field_of(field, "path");
	char *name, *path;
	int type = -1;
	if (check_object(item, field, known, f) < 0 ||
	    get_string(item, field, "type", true, &name, f) < 0)
		return -1;
	for (size_t i = 0;
	     i < sizeof(namespace_types) / sizeof(*namespace_types); i++)
		if (strcmp(name, namespace_types[i].name) == 0)
			type = namespace_types[i].type;
	free(name);
	if (type < 0)
		return refuse_field(&type_field, "unknown namespace type", f);
	if (*seen & type)
		return refuse_field(&type_field, "given twice", f);

	*seen |= type;
	if (type == 0x80)
		return refuse_field(&type_field,
				    "time namespaces are not "
				    "supported by container-fs",
				    f);
	if (get_string(item, field, "path", false, &path, f) < 0)
		return -1;
	int result = 0;
	if (path && path[0]) {
		if (path[0] != '/')
			result = refuse_field(&path_field,
					      "not an absolute path", f);
		else if (type == CLONE_NEWUSER)
			result = refuse_field(&path_field,
					      "joining a user namespace is not "
					      "supported by container-fs",
					      f);
		else
			result = add_join(s, type, path, f);
	} else if (type == CLONE_NEWUSER) {
		s->userns = USERNS_ON;
	} else if (type == CLONE_NEWNET) {
		s->network = NETWORK_NONE;
	} else {
		s->namespaces |= type;
	}
	free(path);
	return result;
}

static int parse_mappings(const struct json *linux_object,
			  const struct field *parent, const char *key,
			  struct id_mapping **out, size_t *count,
			  struct failure *f)
{
	static const char *const known[] = {"containerID", "hostID", "size",
					    NULL};
	const struct json *array;
	struct field field = field_of(parent, key);
	if (get_array(linux_object, parent, key, &array, f) < 0)
		return -1;
	if (!array)
		return 0;
	if (array->count > 340) /* the kernel's limit per map */
		return refuse_field(&field, "more than 340 mappings", f);
	*out = calloc(array->count + 1, sizeof(**out));
	if (!*out)
		return fail(f, "config.json", "allocate", ENOMEM);
	for (size_t i = 0; i < array->count; i++) {
		struct field at = element_of(&field, i);
		long long container, host, size;
		if (check_object(&array->items[i], &at, known, f) < 0 ||
		    get_integer(&array->items[i], &at, "containerID", 0,
				4294967294LL, true, &container, NULL, f) < 0 ||
		    get_integer(&array->items[i], &at, "hostID", 0,
				4294967294LL, true, &host, NULL, f) < 0 ||
		    get_integer(&array->items[i], &at, "size", 1, 4294967295LL,
				true, &size, NULL, f) < 0)
			return -1;
		(*out)[(*count)++] = (struct id_mapping){
		    (unsigned)container, (unsigned)host, (unsigned)size};
	}
	return 0;
}

static int parse_device(const struct json *item, const struct field *field,
			struct device_node *d, struct failure *f)
{
	static const char *const known[] = {
	    "type", "path", "major", "minor", "fileMode", "uid", "gid", NULL};
	struct field type_field = field_of(field, "type");
	struct field path_field = field_of(field, "path");
	char *type;
	long long major = 0, minor = 0, mode = 0666, uid = 0, gid = 0;
	bool has_major, has_minor;
	if (check_object(item, field, known, f) < 0 ||
	    get_string(item, field, "path", true, &d->path, f) < 0 ||
	    get_string(item, field, "type", true, &type, f) < 0)
		return -1;
	d->type = strcmp(type, "c") == 0 || strcmp(type, "u") == 0 ? S_IFCHR
		  : strcmp(type, "b") == 0			   ? S_IFBLK
		  : strcmp(type, "p") == 0			   ? S_IFIFO
								   : 0;
	free(type);
	if (!d->type)
		return refuse_field(&type_field, "expected c, b, u or p", f);
	if (!valid_container_path(d->path))
		return refuse_field(&path_field,
				    "not an absolute path without "
				    "'.' or '..'",
				    f);
	if (get_integer(item, field, "major", 0, 4095, false, &major,
			&has_major, f) < 0 ||
	    get_integer(item, field, "minor", 0, 1048575, false, &minor,
			&has_minor, f) < 0 ||
	    get_integer(item, field, "fileMode", 0, 0177777, false, &mode, NULL,
			f) < 0 ||
	    get_integer(item, field, "uid", 0, 4294967294LL, false, &uid, NULL,
			f) < 0 ||
	    get_integer(item, field, "gid", 0, 4294967294LL, false, &gid, NULL,
			f) < 0)
		return -1;
	if (d->type != S_IFIFO && (!has_major || !has_minor))
		return refuse_field(field, "a device needs major and minor", f);
	/* Engines give the type's bits too (podman: 020666); only the
	 * permissions are the mode. */
	if ((mode & S_IFMT) && (mode_t)(mode & S_IFMT) != d->type) {
		struct field mode_field = field_of(field, "fileMode");
		return refuse_field(&mode_field, "its type is not the device's",
				    f);
	}
	d->major = (unsigned)major;
	d->minor = (unsigned)minor;
	d->mode = (mode_t)(mode & 07777);
	d->uid = (uid_t)uid;
	d->gid = (gid_t)gid;
	return 0;
}

static int parse_devices(const struct json *linux_object,
			 const struct field *parent, struct container_spec *s,
			 struct failure *f)
{
	const struct json *array;
	struct field field = field_of(parent, "devices");
	if (get_array(linux_object, parent, "devices", &array, f) < 0)
		return -1;
	if (!array)
		return 0;
	s->devices = calloc(array->count + 1, sizeof(*s->devices));
	if (!s->devices)
		return fail(f, "config.json", "allocate", ENOMEM);
	for (size_t i = 0; i < array->count; i++) {
		struct field at = element_of(&field, i);
		s->device_count++;
		if (parse_device(&array->items[i], &at, &s->devices[i], f) < 0)
			return -1;
	}
	return 0;
}

/* Only a namespace of the container's own may take a sysctl: one of
 * the host's whole kernel would change the host. */
static int parse_sysctls(const struct json *linux_object,
			 const struct field *parent, struct container_spec *s,
			 struct failure *f)
{
	struct field field = field_of(parent, "sysctl");
	const struct json *sysctl = json_member(linux_object, "sysctl");
	if (!sysctl || sysctl->type == JSON_NULL)
		return 0;
	if (sysctl->type != JSON_OBJECT)
		return refuse_field(&field, "expected an object", f);
	s->sysctls = calloc(sysctl->count + 1, sizeof(*s->sysctls));
	if (!s->sysctls)
		return fail(f, "config.json", "allocate", ENOMEM);
	int own =
	    s->namespaces | (s->network == NETWORK_NONE ? CLONE_NEWNET : 0);
	for (size_t i = 0; i < s->join_count; i++)
		own |= s->joins[i].type;
	for (size_t i = 0; i < sysctl->count; i++) {
		const char *name = sysctl->keys[i];
		struct field at = field_of(&field, name);
		const char *value = json_string(&sysctl->items[i]);
		if (!value)
			return refuse_field(&at, "expected a string", f);
		if (!name[0] || strlen(name) > 200 ||
		    strspn(name, "abcdefghijklmnopqrstuvwxyz"
				 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") !=
			strlen(name) ||
		    strstr(name, "..") || name[0] == '.')
			return refuse_field(&at, "not a sysctl name", f);
		int type = sysctl_namespace(name);
		if (!type || !(own & type))
			return refuse_field(&at,
					    "not in a namespace of the "
					    "container's own",
					    f);
		s->sysctls[i].name = strdup(name);
		s->sysctls[i].value = strdup(value);
		s->sysctl_count++;
		if (!s->sysctls[i].name || !s->sysctls[i].value)
			return fail(f, "config.json", "allocate", ENOMEM);
	}
	return 0;
}

static int parse_paths(const struct json *linux_object,
		       const struct field *parent, const char *key,
		       char ***list, size_t *count, struct failure *f)
{
	struct field field = field_of(parent, key);
	if (get_strings(linux_object, parent, key, list, count, f) < 0)
		return -1;
	for (size_t i = 0; i < *count; i++)
		if (!valid_container_path((*list)[i])) {
			struct field at = element_of(&field, i);
			return refuse_field(&at,
					    "not an absolute path "
					    "without '.' or '..'",
					    f);
		}
	return 0;
}

static int parse_propagation(const struct json *linux_object,
			     const struct field *parent,
			     struct container_spec *s, struct failure *f)
{
	static const struct {
		const char *name;
		unsigned long flags;
	} kinds[] = {
	    {"private", MS_PRIVATE},
	    {"rprivate", MS_REC | MS_PRIVATE},
	    {"shared", MS_SHARED},
	    {"rshared", MS_REC | MS_SHARED},
	    {"slave", MS_SLAVE},
	    {"rslave", MS_REC | MS_SLAVE},
	    {"unbindable", MS_UNBINDABLE},
	    {"runbindable", MS_REC | MS_UNBINDABLE},
	};
	struct field field = field_of(parent, "rootfsPropagation");
	char *name;
	if (get_string(linux_object, parent, "rootfsPropagation", false, &name,
		       f) < 0)
		return -1;
	if (!name || !name[0]) {
		free(name);
		return 0;
	}
	unsigned long flags = 0;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
		if (strcmp(name, kinds[i].name) == 0)
			flags = kinds[i].flags;
	free(name);
	if (!flags)
		return refuse_field(&field, "unknown propagation", f);
	s->root_propagation = flags;
	return 0;
}

static int parse_personality(const struct json *linux_object,
			     const struct field *parent,
			     struct container_spec *s, struct failure *f)
{
	static const char *const known[] = {"domain", "flags", NULL};
	struct field field = field_of(parent, "personality");
	const struct json *p = json_member(linux_object, "personality");
	char *domain;
	if (!p)
		return 0;
	if (check_object(p, &field, known, f) < 0 ||
	    get_string(p, &field, "domain", true, &domain, f) < 0)
		return -1;
	struct field domain_field = field_of(&field, "domain");
	s->personality = strcmp(domain, "LINUX") == 0	  ? PER_LINUX
			 : strcmp(domain, "LINUX32") == 0 ? PER_LINUX32
							  : -1;
	free(domain);
	if (s->personality < 0)
		return refuse_field(&domain_field, "expected LINUX or LINUX32",
				    f);
	const struct json *flags = json_member(p, "flags");
	if (flags && flags->type == JSON_ARRAY && flags->count) {
		struct field flags_field = field_of(&field, "flags");
		return refuse_field(&flags_field,
				    "not supported by "
				    "container-fs",
				    f);
	}
	return 0;
}

int parse_linux(const struct json *linux_object, struct container_spec *s,
		struct failure *f)
{
	static const char *const known[] = {
	    "namespaces",	 "uidMappings", "gidMappings",	 "devices",
	    "cgroupsPath",	 "resources",	"sysctl",	 "seccomp",
	    "rootfsPropagation", "maskedPaths", "readonlyPaths", "mountLabel",
	    "personality",	 "intelRdt",	"timeOffsets",	 "memoryPolicy",
	    "netDevices",	 NULL};
	static const char *const unsupported[] = {
	    "intelRdt", "timeOffsets", "memoryPolicy", "netDevices", NULL};
	struct field field = field_of(NULL, "linux");
	const struct json *namespaces, *seccomp;
	struct field namespaces_field = field_of(&field, "namespaces");
	char *mount_label = NULL;
	int seen = 0;
	if (check_object(linux_object, &field, known, f) < 0 ||
	    get_array(linux_object, &field, "namespaces", &namespaces, f) < 0)
		return -1;
	for (const char *const *k = unsupported; *k; k++) {
		const struct json *value = json_member(linux_object, *k);
		if (value && value->type != JSON_NULL &&
		    !(value->type == JSON_OBJECT && value->count == 0) &&
		    !(value->type == JSON_ARRAY && value->count == 0)) {
			struct field at = field_of(&field, *k);
			return refuse_field(&at,
					    "not supported by container-fs", f);
		}
	}
	for (size_t i = 0; namespaces && i < namespaces->count; i++) {
		struct field at = element_of(&namespaces_field, i);
		if (parse_namespace(&namespaces->items[i], &at, s, &seen, f) <
		    0)
			return -1;
	}
	if (parse_mappings(linux_object, &field, "uidMappings",
			   &s->uid_mappings, &s->uid_mapping_count, f) < 0 ||
	    parse_mappings(linux_object, &field, "gidMappings",
			   &s->gid_mappings, &s->gid_mapping_count, f) < 0 ||
	    parse_devices(linux_object, &field, s, f) < 0 ||
	    parse_sysctls(linux_object, &field, s, f) < 0 ||
	    parse_paths(linux_object, &field, "maskedPaths", &s->masked_paths,
			&s->masked_count, f) < 0 ||
	    parse_paths(linux_object, &field, "readonlyPaths",
			&s->readonly_paths, &s->readonly_count, f) < 0 ||
	    parse_propagation(linux_object, &field, s, f) < 0 ||
	    parse_personality(linux_object, &field, s, f) < 0 ||
	    get_string(linux_object, &field, "mountLabel", false, &mount_label,
		       f) < 0 ||
	    parse_resources(linux_object, &field, s, f) < 0)
		return -1;
	if (mount_label && mount_label[0])
		warn("config.json: linux.mountLabel: SELinux labels are not "
		     "applied by container-fs");
	free(mount_label);
	bool mapped = s->uid_mapping_count || s->gid_mapping_count;
	if (mapped != (s->userns == USERNS_ON) ||
	    (mapped && (!s->uid_mapping_count || !s->gid_mapping_count)))
		return refuse_field(&field,
				    "a user namespace needs uidMappings and "
				    "gidMappings, and they need one",
				    f);
	seccomp = json_member(linux_object, "seccomp");
	if (seccomp && seccomp->type != JSON_NULL) {
		struct field at = field_of(&field, "seccomp");
		return parse_seccomp(seccomp, &at, s, f);
	}
	return 0;
}
