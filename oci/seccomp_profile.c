/* seccomp_profile.c - a config.json's linux.seccomp (the OCI profile:
 * default action, architectures, calls by name with conditions on
 * their arguments) into a seccomp_profile, which the same generator as
 * the built-in allowlist compiles (seccomp_bpf.c). Names are this
 * architecture's (seccomp_names.c); a name it lacks is skipped, as
 * runc and crun do (profiles list every architecture's calls). */
#include "oci/bundle.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

/* An action by name; errno_value for ERRNO and TRACE (their data).
 * Returns 0 or -1 for a name not known or not supported. */
static int action_of(const char *name, unsigned errno_value, uint32_t *out)
{
	if (strcmp(name, "SCMP_ACT_ALLOW") == 0)
		*out = SECCOMP_RET_ALLOW;
	else if (strcmp(name, "SCMP_ACT_ERRNO") == 0)
		*out = SECCOMP_RET_ERRNO | (errno_value & SECCOMP_RET_DATA);
	else if (strcmp(name, "SCMP_ACT_KILL") == 0 ||
		 strcmp(name, "SCMP_ACT_KILL_THREAD") == 0)
		*out = SECCOMP_RET_KILL_THREAD;
	else if (strcmp(name, "SCMP_ACT_KILL_PROCESS") == 0)
		*out = SECCOMP_RET_KILL_PROCESS;
	else if (strcmp(name, "SCMP_ACT_TRAP") == 0)
		*out = SECCOMP_RET_TRAP;
	else if (strcmp(name, "SCMP_ACT_TRACE") == 0)
		*out = SECCOMP_RET_TRACE | (errno_value & SECCOMP_RET_DATA);
	else if (strcmp(name, "SCMP_ACT_LOG") == 0)
		*out = SECCOMP_RET_LOG;
	else
		return -1; /* SCMP_ACT_NOTIFY needs a listener: not here */
	return 0;
}

static int read_action(const struct json *object, const struct field *parent,
		       const char *key, const char *errno_key,
		       unsigned fallback, uint32_t *out, struct failure *f)
{
	char *name;
	long long value = fallback;
	struct field field = field_of(parent, key);
	if (get_string(object, parent, key, true, &name, f) < 0 ||
	    get_integer(object, parent, errno_key, 0, 4095, false, &value, NULL,
			f) < 0) {
		free(name);
		return -1;
	}
	int result = action_of(name, (unsigned)value, out);
	free(name);
	return result < 0 ? refuse_field(&field,
					 "unknown or unsupported "
					 "action",
					 f)
			  : 0;
}

static int parse_architectures(const struct json *seccomp,
			       const struct field *parent, struct failure *f)
{
#if defined(__x86_64__)
	static const char *const native = "SCMP_ARCH_X86_64";
#else
	static const char *const native = "SCMP_ARCH_AARCH64";
#endif
	const struct json *array;
	struct field field = field_of(parent, "architectures");
	if (get_array(seccomp, parent, "architectures", &array, f) < 0)
		return -1;
	bool found = !array || array->count == 0;
	for (size_t i = 0; array && i < array->count; i++) {
		const char *name = json_string(&array->items[i]);
		struct field at = element_of(&field, i);
		if (!name || strncmp(name, "SCMP_ARCH_", 10) != 0)
			return refuse_field(&at, "not an architecture", f);
		found |= strcmp(name, native) == 0;
	}
	/* Calls through another architecture's table are killed (the
	 * filter's first test): only the native one can be described. */
	return found ? 0 : refuse_field(&field, "lacks this machine's own", f);
}

static int parse_flags(const struct json *seccomp, const struct field *parent,
		       struct seccomp_profile *p, struct failure *f)
{
	static const struct {
		const char *name;
		unsigned flag;
	} known[] = {
	    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
	    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
	    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
	     SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
	};
	const struct json *array;
	struct field field = field_of(parent, "flags");
	if (get_array(seccomp, parent, "flags", &array, f) < 0)
		return -1;
	for (size_t i = 0; array && i < array->count; i++) {
		const char *name = json_string(&array->items[i]);
		struct field at = element_of(&field, i);
		bool found = false;
		for (size_t k = 0; name && k < sizeof(known) / sizeof(*known);
		     k++)
			if (strcmp(name, known[k].name) == 0) {
				p->flags |= known[k].flag;
				found = true;
			}
		if (!found)
			return refuse_field(&at, "unknown or unsupported flag",
					    f);
	}
	return 0;
}

static int parse_condition(const struct json *item, const struct field *field,
			   struct seccomp_condition *c, struct failure *f)
{
	static const char *const known[] = {"index", "value", "valueTwo", "op",
					    NULL};
	static const struct {
		const char *name;
		enum seccomp_operator op;
	} operators[] = {
	    {"SCMP_CMP_EQ", SECCOMP_EQ},
	    {"SCMP_CMP_NE", SECCOMP_NE},
	    {"SCMP_CMP_LT", SECCOMP_LT},
	    {"SCMP_CMP_LE", SECCOMP_LE},
	    {"SCMP_CMP_GT", SECCOMP_GT},
	    {"SCMP_CMP_GE", SECCOMP_GE},
	    {"SCMP_CMP_MASKED_EQ", SECCOMP_MASKED_EQ},
	};
	long long index;
	char *op;
	unsigned long long value = 0, value_two = 0;
	struct field op_field = field_of(field, "op");
	if (check_object(item, field, known, f) < 0 ||
	    get_integer(item, field, "index", 0, 5, true, &index, NULL, f) <
		0 ||
	    get_unsigned(item, field, "value", true, &value, NULL, f) < 0 ||
	    get_unsigned(item, field, "valueTwo", false, &value_two, NULL, f) <
		0 ||
	    get_string(item, field, "op", true, &op, f) < 0)
		return -1;
	int found = -1;
	for (size_t i = 0; i < sizeof(operators) / sizeof(*operators); i++)
		if (strcmp(op, operators[i].name) == 0)
			found = (int)operators[i].op;
	free(op);
	if (found < 0)
		return refuse_field(&op_field, "unknown operator", f);
	*c = (struct seccomp_condition){.arg = (unsigned char)index,
					.op = (unsigned char)found,
					.value = value,
					.value_two = value_two};
	return 0;
}

/* One entry of "syscalls": a rule for each of its names this
 * architecture has, in the profile's order. */
static int parse_entry(const struct json *item, const struct field *field,
		       struct seccomp_profile *p, struct failure *f)
{
	static const char *const known[] = {"names",	"action",  "errnoRet",
					    "args",	"comment", "includes",
					    "excludes", NULL};
	struct seccomp_rule rule = {0};
	char **names = NULL;
	size_t name_count = 0;
	const struct json *args;
	struct field args_field = field_of(field, "args");
	int result = -1;
	if (check_object(item, field, known, f) < 0 ||
	    read_action(item, field, "action", "errnoRet", EPERM, &rule.action,
			f) < 0 ||
	    get_strings(item, field, "names", &names, &name_count, f) < 0 ||
	    get_array(item, field, "args", &args, f) < 0)
		goto done;
	if (args && args->count > SECCOMP_MAX_CONDITIONS) {
		refuse_field(&args_field, "more than 6 conditions", f);
		goto done;
	}
	for (size_t i = 0; args && i < args->count; i++) {
		struct field at = element_of(&args_field, i);
		if (parse_condition(&args->items[i], &at, &rule.conditions[i],
				    f) < 0)
			goto done;
		rule.condition_count++;
	}
	for (size_t i = 0; i < name_count; i++) {
		rule.call = seccomp_call_number(names[i]);
		if (rule.call < 0 || rule.call >= SECCOMP_CALL_LIMIT)
			continue;
		if (add_seccomp_rule(p, &rule) < 0) {
			fail(f, "config.json", "allocate", ENOMEM);
			goto done;
		}
	}
	result = 0;
done:
	for (size_t i = 0; i < name_count; i++)
		free(names[i]);
	free(names);
	return result;
}

int parse_seccomp(const struct json *seccomp, const struct field *field,
		  struct container_spec *s, struct failure *f)
{
	static const char *const known[] = {
	    "defaultAction", "defaultErrnoRet",	 "architectures", "flags",
	    "listenerPath",  "listenerMetadata", "syscalls",	  NULL};
	struct seccomp_profile *p = calloc(1, sizeof(*p));
	const struct json *syscalls;
	struct field syscalls_field = field_of(field, "syscalls");
	struct field listener = field_of(field, "listenerPath");
	char *listener_path = NULL;
	if (!p)
		return fail(f, "config.json", "allocate", ENOMEM);
	free_seccomp_profile(s->seccomp_profile);
	s->seccomp_profile = p;
	s->seccomp_unconfined = false;
	if (check_object(seccomp, field, known, f) < 0 ||
	    read_action(seccomp, field, "defaultAction", "defaultErrnoRet",
			EPERM, &p->default_action, f) < 0 ||
	    parse_architectures(seccomp, field, f) < 0 ||
	    parse_flags(seccomp, field, p, f) < 0 ||
	    get_string(seccomp, field, "listenerPath", false, &listener_path,
		       f) < 0 ||
	    get_array(seccomp, field, "syscalls", &syscalls, f) < 0) {
		free(listener_path);
		return -1;
	}
	bool listening = listener_path && listener_path[0];
	free(listener_path);
	if (listening)
		return refuse_field(&listener,
				    "seccomp notification is not "
				    "supported by container-fs",
				    f);
	for (size_t i = 0; syscalls && i < syscalls->count; i++) {
		struct field at = element_of(&syscalls_field, i);
		if (parse_entry(&syscalls->items[i], &at, p, f) < 0)
			return -1;
	}
	/* Compiled now, so a profile the generator cannot fit in a filter
	 * is refused by `create`, not found out at start. */
	static struct sock_filter program[SECCOMP_PROGRAM_LIMIT];
	if (compile_seccomp_profile(p, program, SECCOMP_PROGRAM_LIMIT) < 0)
		return refuse_field(field, "too large for one filter", f);
	return 0;
}
