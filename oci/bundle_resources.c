/* bundle_resources.c - a config.json's cgroupsPath and resources: the
 * limits as the files of both cgroup versions (cgroups.c writes one
 * list or the other, as the host has them): v1's as runc writes them,
 * v2's converted from v1 values as crun converts them. And the device
 * rules, which decide whether the container may use only the devices
 * it is given, and are a device cgroup's rules where there is one. */
#include "oci/bundle.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int add_cgroup_setting(struct container_spec *s, enum cgroup_version version,
		       const struct field *parent, const char *key,
		       const char *file, const char *value, struct failure *f)
{
	struct cgroup_setting **list =
	    version == V1 ? &s->cgroup_v1_settings : &s->cgroup_settings;
	size_t *count = version == V1 ? &s->cgroup_v1_setting_count
				      : &s->cgroup_setting_count;
	struct cgroup_setting *more =
	    realloc(*list, (*count + 1) * sizeof(*more));
	if (!more)
		return fail(f, "config.json", "allocate", ENOMEM);
	*list = more;
	struct field field = key ? field_of(parent, key) : *parent;
	struct cgroup_setting *c = &more[*count];
	c->file = strdup(file);
	c->value = strdup(value);
	c->field = strdup(field.name);
	(*count)++;
	return c->file && c->value && c->field
		   ? 0
		   : fail(f, "config.json", "allocate", ENOMEM);
}

/* A number; a negative one is unlimited: "max" in v2, -1 in v1. */
int add_cgroup_number(struct container_spec *s, enum cgroup_version version,
		      const struct field *parent, const char *key,
		      const char *file, long long value, struct failure *f)
{
	char text[32];
	if (value < 0)
		snprintf(text, sizeof(text), version == V2 ? "max" : "-1");
	else
		snprintf(text, sizeof(text), "%lld", value);
	return add_cgroup_setting(s, version, parent, key, file, text, f);
}

/* One device rule into s->device_rules. */
static int add_device_rule(struct container_spec *s, bool allow,
			   const char *type, long long major, long long minor,
			   const char *access, struct failure *f)
{
	struct device_rule *more = realloc(
	    s->device_rules, (s->device_rule_count + 1) * sizeof(*more));
	if (!more)
		return fail(f, "config.json", "allocate", ENOMEM);
	s->device_rules = more;
	struct device_rule *r = &more[s->device_rule_count++];
	*r = (struct device_rule){.allow = allow,
				  .type = type && type[0] ? type[0] : 'a',
				  .major = major,
				  .minor = minor};
	/* An empty access is every kind, as runc takes it. */
	snprintf(r->access, sizeof(r->access), "%s",
		 access && access[0] ? access : "rwm");
	return 0;
}

/* The rules, kept in order. A deny of everything ("a", no numbers,
 * "rwm") makes the container's devices its given ones; an allow of
 * everything (a privileged container) lets it use any. The last such
 * rule wins; without any, only the given ones, as runc's default
 * policy is deny. */
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
		long long major = -1, minor = -1;
		bool has_major, has_minor;
		if (check_object(rule, &at, known, f) < 0 ||
		    get_bool(rule, &at, "allow", &allow, f) < 0 ||
		    get_string(rule, &at, "type", false, &type, f) < 0 ||
		    get_string(rule, &at, "access", false, &access, f) < 0 ||
		    get_integer(rule, &at, "major", -1, 4095, false, &major,
				&has_major, f) < 0 ||
		    get_integer(rule, &at, "minor", -1, 1048575, false, &minor,
				&has_minor, f) < 0) {
			free(type);
			free(access);
			return -1;
		}
		bool every =
		    (!type || strcmp(type, "a") == 0) && !has_major &&
		    !has_minor &&
		    (!access || strspn(access, "rwm") == strlen(access));
		const char *problem =
		    type && (strlen(type) > 1 || strspn(type, "acbup") != 1)
			? "type: expected a, c, b, u or p"
		    : access && (strlen(access) > 3 ||
				 strspn(access, "rwm") != strlen(access))
			? "access: expected some of r, w and m"
			: NULL;
		int result =
		    problem ? refuse_field(&at, problem, f)
		    /* p: a FIFO, which no device cgroup guards */
		    : type && type[0] == 'p'
			? 0
			: add_device_rule(s, allow,
					  type && type[0] == 'u' ? "c" : type,
					  major, minor, access, f);
		free(type);
		free(access);
		if (result < 0)
			return -1;
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
	long long limit = 0, reservation = 0, swap = 0, kernel = 0, tcp = 0,
		  swappiness = -1;
	bool has_limit, has_reservation, has_swap, has_kernel, has_tcp,
	    no_oom_killer;
	const long long most = 9223372036854775807LL;
	if (!memory)
		return 0;
	if (check_object(memory, &field, known, f) < 0 ||
	    get_integer(memory, &field, "limit", -1, most, false, &limit,
			&has_limit, f) < 0 ||
	    get_integer(memory, &field, "reservation", -1, most, false,
			&reservation, &has_reservation, f) < 0 ||
	    get_integer(memory, &field, "swap", -1, most, false, &swap,
			&has_swap, f) < 0 ||
	    get_integer(memory, &field, "kernel", -1, most, false, &kernel,
			&has_kernel, f) < 0 ||
	    get_integer(memory, &field, "kernelTCP", -1, most, false, &tcp,
			&has_tcp, f) < 0 ||
	    get_integer(memory, &field, "swappiness", -1, 100, false,
			&swappiness, NULL, f) < 0 ||
	    get_bool(memory, &field, "disableOOMKiller", &no_oom_killer, f) < 0)
		return -1;
	if (has_limit && add_cgroup_number(s, V2, &field, "limit", "memory.max",
					   limit, f) < 0)
		return -1;
	if (has_reservation &&
	    add_cgroup_number(s, V2, &field, "reservation", "memory.low",
			      reservation, f) < 0)
		return -1;
	/* v1's swap limit counts memory and swap; v2's, swap alone. */
	if (has_swap) {
		long long v2 = swap < 0 ? -1
			       : has_limit && limit >= 0 && swap >= limit
				   ? swap - limit
				   : swap;
		if (add_cgroup_number(s, V2, &field, "swap", "memory.swap.max",
				      v2, f) < 0)
			return -1;
	}
	/* v1: the limit first, for memsw may not be below it. */
	if ((has_limit &&
	     add_cgroup_number(s, V1, &field, "limit", "memory.limit_in_bytes",
			       limit, f) < 0) ||
	    (has_reservation && add_cgroup_number(s, V1, &field, "reservation",
						  "memory.soft_limit_in_bytes",
						  reservation, f) < 0) ||
	    (has_swap &&
	     add_cgroup_number(s, V1, &field, "swap",
			       "memory.memsw.limit_in_bytes", swap, f) < 0) ||
	    (has_kernel &&
	     add_cgroup_number(s, V1, &field, "kernel",
			       "memory.kmem.limit_in_bytes", kernel, f) < 0) ||
	    (has_tcp &&
	     add_cgroup_number(s, V1, &field, "kernelTCP",
			       "memory.kmem.tcp.limit_in_bytes", tcp, f) < 0) ||
	    (swappiness >= 0 &&
	     add_cgroup_number(s, V1, &field, "swappiness", "memory.swappiness",
			       swappiness, f) < 0) ||
	    (no_oom_killer &&
	     add_cgroup_setting(s, V1, &field, "disableOOMKiller",
				"memory.oom_control", "1", f) < 0))
		return -1;
	return 0;
}

/* cpu's numbers: absent ones 0, which neither version writes. */
struct cpu_numbers {
	long long shares, quota, period, runtime, runtime_period, idle;
	bool has_quota, has_period, has_idle;
};

/* cpuset.cpus and cpuset.mems: the same files in both versions. */
static int add_cpuset(struct container_spec *s, enum cgroup_version version,
		      const struct field *field, const char *cpus,
		      const char *mems, struct failure *f)
{
	if ((cpus && cpus[0] &&
	     add_cgroup_setting(s, version, field, "cpus", "cpuset.cpus", cpus,
				f) < 0) ||
	    (mems && mems[0] &&
	     add_cgroup_setting(s, version, field, "mems", "cpuset.mems", mems,
				f) < 0))
		return -1;
	return 0;
}

static int parse_cpu_v1(const struct field *field, const struct cpu_numbers *n,
			const char *cpus, const char *mems,
			struct container_spec *s, struct failure *f)
{
	/* Each period before what is measured in it, as runc writes
	 * them: a quota or runtime must fit the period it is set in. */
	if ((n->shares && add_cgroup_number(s, V1, field, "shares",
					    "cpu.shares", n->shares, f) < 0) ||
	    (n->period &&
	     add_cgroup_number(s, V1, field, "period", "cpu.cfs_period_us",
			       n->period, f) < 0) ||
	    (n->quota &&
	     add_cgroup_number(s, V1, field, "quota", "cpu.cfs_quota_us",
			       n->quota, f) < 0) ||
	    (n->runtime_period &&
	     add_cgroup_number(s, V1, field, "realtimePeriod",
			       "cpu.rt_period_us", n->runtime_period, f) < 0) ||
	    (n->runtime &&
	     add_cgroup_number(s, V1, field, "realtimeRuntime",
			       "cpu.rt_runtime_us", n->runtime, f) < 0) ||
	    (n->has_idle && add_cgroup_number(s, V1, field, "idle", "cpu.idle",
					      n->idle, f) < 0))
		return -1;
	return add_cpuset(s, V1, field, cpus, mems, f);
}

static int parse_cpu_v2(const struct field *field, const struct cpu_numbers *n,
			const char *cpus, const char *mems,
			struct container_spec *s, struct failure *f)
{
	char text[64];
	long long period = n->has_period && n->period ? n->period : 100000;
	/* shares 2-262144 onto weight 1-10000, as crun maps them. */
	if (n->shares >= 2 &&
	    add_cgroup_number(s, V2, field, "shares", "cpu.weight",
			      1 + ((n->shares - 2) * 9999) / 262142, f) < 0)
		return -1;
	if (n->has_quota || n->has_period) {
		if (n->quota > 0)
			snprintf(text, sizeof(text), "%lld %lld", n->quota,
				 period);
		else
			snprintf(text, sizeof(text), "max %lld", period);
		if (add_cgroup_setting(s, V2, field,
				       n->has_quota ? "quota" : "period",
				       "cpu.max", text, f) < 0)
			return -1;
	}
	if (n->has_idle &&
	    add_cgroup_number(s, V2, field, "idle", "cpu.idle", n->idle, f) < 0)
		return -1;
	return add_cpuset(s, V2, field, cpus, mems, f);
}

static int parse_cpu(const struct json *resources, const struct field *parent,
		     struct container_spec *s, struct failure *f)
{
	static const char *const known[] = {
	    "shares",	      "quota", "burst", "period", "realtimeRuntime",
	    "realtimePeriod", "cpus",  "mems",	"idle",	  NULL};
	struct field field = field_of(parent, "cpu");
	const struct json *cpu = json_member(resources, "cpu");
	struct cpu_numbers n = {0};
	char *cpus = NULL, *mems = NULL;
	if (!cpu)
		return 0;
	int result = -1;
	if (check_object(cpu, &field, known, f) < 0 ||
	    get_integer(cpu, &field, "shares", 0, 262144, false, &n.shares,
			NULL, f) < 0 ||
	    get_integer(cpu, &field, "quota", -1, 9223372036854775807LL, false,
			&n.quota, &n.has_quota, f) < 0 ||
	    get_integer(cpu, &field, "period", 0, 4294967295LL, false,
			&n.period, &n.has_period, f) < 0 ||
	    get_integer(cpu, &field, "realtimeRuntime", -1,
			9223372036854775807LL, false, &n.runtime, NULL,
			f) < 0 ||
	    get_integer(cpu, &field, "realtimePeriod", 0, 4294967295LL, false,
			&n.runtime_period, NULL, f) < 0 ||
	    get_integer(cpu, &field, "idle", 0, 1, false, &n.idle, &n.has_idle,
			f) < 0 ||
	    get_string(cpu, &field, "cpus", false, &cpus, f) < 0 ||
	    get_string(cpu, &field, "mems", false, &mems, f) < 0)
		goto done;
	if (parse_cpu_v2(&field, &n, cpus, mems, s, f) < 0 ||
	    parse_cpu_v1(&field, &n, cpus, mems, s, f) < 0)
		goto done;
	result = 0;
done:
	free(cpus);
	free(mems);
	return result;
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
	if (!has_limit)
		return 0;
	/* 0 or less: no limit, which both versions write as "max". */
	char text[32] = "max";
	if (limit > 0)
		snprintf(text, sizeof(text), "%lld", limit);
	if (add_cgroup_setting(s, V2, &field, "limit", "pids.max", text, f) <
		0 ||
	    add_cgroup_setting(s, V1, &field, "limit", "pids.max", text, f) < 0)
		return -1;
	return 0;
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
		if (add_cgroup_setting(s, V2, &at, NULL, name, value, f) < 0)
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
		char *size, v2[96], v1[96];
		unsigned long long limit;
		if (check_object(&array->items[i], &at, known, f) < 0 ||
		    get_string(&array->items[i], &at, "pageSize", true, &size,
			       f) < 0)
			return -1;
		bool valid = size[0] && strlen(size) < 16 &&
			     strspn(size, "0123456789KMGB") == strlen(size);
		snprintf(v2, sizeof(v2), "hugetlb.%s.max", size);
		snprintf(v1, sizeof(v1), "hugetlb.%s.limit_in_bytes", size);
		free(size);
		if (!valid) {
			struct field size_field = field_of(&at, "pageSize");
			return refuse_field(&size_field, "not a page size", f);
		}
		if (get_unsigned(&array->items[i], &at, "limit", true, &limit,
				 NULL, f) < 0 ||
		    add_cgroup_number(s, V2, &at, "limit", v2, (long long)limit,
				      f) < 0 ||
		    add_cgroup_number(s, V1, &at, "limit", v1, (long long)limit,
				      f) < 0)
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
	/* "/" alone would be each hierarchy's root, the host's own. */
	if (s->cgroup_path &&
	    (strspn(s->cgroup_path, "/") == strlen(s->cgroup_path) ||
	     strstr(s->cgroup_path, "..") || strlen(s->cgroup_path) > 1024))
		return refuse_field(
		    &path_field, "empty, the root, too long or with '..'", f);
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
	    parse_block_io(resources, &field, s, f) < 0 ||
	    parse_network(resources, &field, s, f) < 0 ||
	    parse_unified(resources, &field, s, f) < 0)
		return -1;
	if (json_member(resources, "rdma")) {
		struct field at = field_of(&field, "rdma");
		warn("config.json: %s: not applied by container-fs", at.name);
	}
	return 0;
}
