/* bundle_resources.c - a config.json's cgroupsPath and resources: the
 * limits as the cgroup v2 files they become (cgroups.c writes them),
 * converted as crun converts v1 values; and the device rules, which
 * decide whether the container may use only the devices it is given. */
#include "oci/bundle.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int add_setting(struct container_spec *s, const char *file,
		       const char *value, struct failure *f)
{
	struct cgroup_setting *more = realloc(
	    s->cgroup_settings, (s->cgroup_setting_count + 1) * sizeof(*more));
	if (!more)
		return fail(f, "config.json", "allocate", ENOMEM);
	s->cgroup_settings = more;
	struct cgroup_setting *c = &s->cgroup_settings[s->cgroup_setting_count];
	c->file = strdup(file);
	c->value = strdup(value);
	s->cgroup_setting_count++;
	return c->file && c->value ? 0
				   : fail(f, "config.json", "allocate", ENOMEM);
}

static int add_number(struct container_spec *s, const char *file,
		      long long value, struct failure *f)
{
	char text[32];
	if (value < 0)
		snprintf(text, sizeof(text), "max");
	else
		snprintf(text, sizeof(text), "%lld", value);
	return add_setting(s, file, text, f);
}

/* A deny of everything ("a", no numbers, "rwm") makes the container's
 * devices its given ones; an allow of everything (a privileged
 * container) lets it use any. The last such rule wins; without any,
 * only the given ones, as runc's default policy is deny. */
static int parse_device_rules(const struct json *resources,
			      const struct field *parent,
			      struct container_spec *s, struct failure *f)
{
	static const char *const known[] = {"allow", "type",   "major",
					    "minor", "access", NULL};
	const struct json *rules;
	struct field field = field_of(parent, "devices");
	bool only_given = true;
	if (get_array(resources, parent, "devices", &rules, f) < 0)
		return -1;
	for (size_t i = 0; rules && i < rules->count; i++) {
		const struct json *rule = &rules->items[i];
		struct field at = element_of(&field, i);
		bool allow;
		char *type = NULL, *access = NULL;
		long long number;
		bool has_major, has_minor;
		if (check_object(rule, &at, known, f) < 0 ||
		    get_bool(rule, &at, "allow", &allow, f) < 0 ||
		    get_string(rule, &at, "type", false, &type, f) < 0 ||
		    get_string(rule, &at, "access", false, &access, f) < 0 ||
		    get_integer(rule, &at, "major", -1, 4095, false, &number,
				&has_major, f) < 0 ||
		    get_integer(rule, &at, "minor", -1, 1048575, false, &number,
				&has_minor, f) < 0) {
			free(type);
			free(access);
			return -1;
		}
		bool every =
		    (!type || strcmp(type, "a") == 0) && !has_major &&
		    !has_minor &&
		    (!access || strspn(access, "rwm") == strlen(access));
		bool valid_type =
		    !type || strspn(type, "acbup") == strlen(type);
		free(type);
		free(access);
		if (!valid_type) {
			struct field type_field = field_of(&at, "type");
			return refuse_field(&type_field,
					    "expected a, c, b, u "
					    "or p",
					    f);
		}
		if (every)
			only_given = !allow;
	}
	s->only_given_devices = only_given;
	return 0;
}

static int parse_memory(const struct json *resources,
			const struct field *parent, struct container_spec *s,
			struct failure *f)
{
	static const char *const known[] = {"limit",
					    "reservation",
					    "swap",
					    "kernel",
					    "kernelTCP",
					    "swappiness",
					    "disableOOMKiller",
					    "useHierarchy",
					    "checkBeforeUpdate",
					    NULL};
	struct field field = field_of(parent, "memory");
	const struct json *memory = json_member(resources, "memory");
	long long limit, reservation, swap;
	bool has_limit, has_reservation, has_swap;
	const long long most = 9223372036854775807LL;
	if (!memory)
		return 0;
	if (check_object(memory, &field, known, f) < 0 ||
	    get_integer(memory, &field, "limit", -1, most, false, &limit,
			&has_limit, f) < 0 ||
	    get_integer(memory, &field, "reservation", -1, most, false,
			&reservation, &has_reservation, f) < 0 ||
	    get_integer(memory, &field, "swap", -1, most, false, &swap,
			&has_swap, f) < 0)
		return -1;
	if (has_limit && add_number(s, "memory.max", limit, f) < 0)
		return -1;
	if (has_reservation && add_number(s, "memory.low", reservation, f) < 0)
		return -1;
	/* v1's swap limit counts memory and swap; v2's, swap alone. */
	if (has_swap) {
		long long v2 = swap < 0 ? -1
			       : has_limit && limit >= 0 && swap >= limit
				   ? swap - limit
				   : swap;
		if (add_number(s, "memory.swap.max", v2, f) < 0)
			return -1;
	}
	return 0;
}

static int parse_cpu(const struct json *resources, const struct field *parent,
		     struct container_spec *s, struct failure *f)
{
	static const char *const known[] = {
	    "shares",	      "quota", "burst", "period", "realtimeRuntime",
	    "realtimePeriod", "cpus",  "mems",	"idle",	  NULL};
	struct field field = field_of(parent, "cpu");
	const struct json *cpu = json_member(resources, "cpu");
	long long shares, quota, period, idle;
	bool has_shares, has_quota, has_period, has_idle;
	char *cpus = NULL, *mems = NULL;
	if (!cpu)
		return 0;
	if (check_object(cpu, &field, known, f) < 0 ||
	    get_integer(cpu, &field, "shares", 0, 262144, false, &shares,
			&has_shares, f) < 0 ||
	    get_integer(cpu, &field, "quota", -1, 9223372036854775807LL, false,
			&quota, &has_quota, f) < 0 ||
	    get_integer(cpu, &field, "period", 0, 4294967295LL, false, &period,
			&has_period, f) < 0 ||
	    get_integer(cpu, &field, "idle", 0, 1, false, &idle, &has_idle, f) <
		0 ||
	    get_string(cpu, &field, "cpus", false, &cpus, f) < 0 ||
	    get_string(cpu, &field, "mems", false, &mems, f) < 0)
		goto failed;
	char text[64];
	/* shares 2-262144 onto weight 1-10000, as crun maps them. */
	if (has_shares && shares >= 2 &&
	    add_number(s, "cpu.weight", 1 + ((shares - 2) * 9999) / 262142, f) <
		0)
		goto failed;
	if (has_quota || has_period) {
		if (quota > 0)
			snprintf(text, sizeof(text), "%lld %lld", quota,
				 has_period && period ? period : 100000);
		else
			snprintf(text, sizeof(text), "max %lld",
				 has_period && period ? period : 100000);
		if (add_setting(s, "cpu.max", text, f) < 0)
			goto failed;
	}
	if ((has_idle && add_number(s, "cpu.idle", idle, f) < 0) ||
	    (cpus && cpus[0] && add_setting(s, "cpuset.cpus", cpus, f) < 0) ||
	    (mems && mems[0] && add_setting(s, "cpuset.mems", mems, f) < 0))
		goto failed;
	free(cpus);
	free(mems);
	return 0;
failed:
	free(cpus);
	free(mems);
	return -1;
}

static int parse_pids(const struct json *resources, const struct field *parent,
		      struct container_spec *s, struct failure *f)
{
	static const char *const known[] = {"limit", NULL};
	struct field field = field_of(parent, "pids");
	const struct json *pids = json_member(resources, "pids");
	long long limit;
	bool has_limit;
	if (!pids)
		return 0;
	if (check_object(pids, &field, known, f) < 0 ||
	    get_integer(pids, &field, "limit", -1, 4194304, false, &limit,
			&has_limit, f) < 0)
		return -1;
	return has_limit ? add_number(s, "pids.max", limit > 0 ? limit : -1, f)
			 : 0;
}

/* linux.resources.unified: cgroup v2 files by name, as given. */
static int parse_unified(const struct json *resources,
			 const struct field *parent, struct container_spec *s,
			 struct failure *f)
{
	struct field field = field_of(parent, "unified");
	const struct json *unified = json_member(resources, "unified");
	if (!unified || unified->type == JSON_NULL)
		return 0;
	if (unified->type != JSON_OBJECT)
		return refuse_field(&field, "expected an object", f);
	for (size_t i = 0; i < unified->count; i++) {
		const char *name = unified->keys[i];
		struct field at = field_of(&field, name);
		const char *value = json_string(&unified->items[i]);
		if (!value)
			return refuse_field(&at, "expected a string", f);
		if (!strchr(name, '.') || strstr(name, "..") ||
		    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_.") !=
			strlen(name) ||
		    strncmp(name, "cgroup.", 7) == 0)
			return refuse_field(&at, "not a cgroup v2 limit file",
					    f);
		if (add_setting(s, name, value, f) < 0)
			return -1;
	}
	return 0;
}

static int parse_hugepages(const struct json *resources,
			   const struct field *parent, struct container_spec *s,
			   struct failure *f)
{
	static const char *const known[] = {"pageSize", "limit", NULL};
	const struct json *array;
	struct field field = field_of(parent, "hugepageLimits");
	if (get_array(resources, parent, "hugepageLimits", &array, f) < 0)
		return -1;
	for (size_t i = 0; array && i < array->count; i++) {
		struct field at = element_of(&field, i);
		char *size, file[96];
		unsigned long long limit;
		if (check_object(&array->items[i], &at, known, f) < 0 ||
		    get_string(&array->items[i], &at, "pageSize", true, &size,
			       f) < 0)
			return -1;
		bool valid = size[0] && strlen(size) < 16 &&
			     strspn(size, "0123456789KMGB") == strlen(size);
		snprintf(file, sizeof(file), "hugetlb.%s.max", size);
		free(size);
		if (!valid) {
			struct field size_field = field_of(&at, "pageSize");
			return refuse_field(&size_field, "not a page size", f);
		}
		if (get_unsigned(&array->items[i], &at, "limit", true, &limit,
				 NULL, f) < 0 ||
		    add_number(s, file, (long long)limit, f) < 0)
			return -1;
	}
	return 0;
}

int parse_resources(const struct json *linux_object, const struct field *parent,
		    struct container_spec *s, struct failure *f)
{
	static const char *const known[] = {
	    "devices",	      "memory",	 "cpu",	 "pids",    "blockIO",
	    "hugepageLimits", "network", "rdma", "unified", NULL};
	struct field path_field = field_of(parent, "cgroupsPath");
	struct field field = field_of(parent, "resources");
	if (get_string(linux_object, parent, "cgroupsPath", false,
		       &s->cgroup_path, f) < 0)
		return -1;
	if (s->cgroup_path &&
	    (!s->cgroup_path[0] || strstr(s->cgroup_path, "..") ||
	     strlen(s->cgroup_path) > 1024))
		return refuse_field(&path_field, "empty, too long or with '..'",
				    f);
	const struct json *resources = json_member(linux_object, "resources");
	s->only_given_devices = true;
	if (!resources)
		return 0;
	if (check_object(resources, &field, known, f) < 0 ||
	    parse_device_rules(resources, &field, s, f) < 0 ||
	    parse_memory(resources, &field, s, f) < 0 ||
	    parse_cpu(resources, &field, s, f) < 0 ||
	    parse_pids(resources, &field, s, f) < 0 ||
	    parse_hugepages(resources, &field, s, f) < 0 ||
	    parse_unified(resources, &field, s, f) < 0)
		return -1;
	static const char *const v1_only[] = {"blockIO", "network", "rdma",
					      NULL};
	for (const char *const *k = v1_only; *k; k++)
		if (json_member(resources, *k)) {
			struct field at = field_of(&field, *k);
			warn("config.json: %s: not applied by container-fs",
			     at.name);
		}
	return 0;
}
