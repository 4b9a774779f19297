/* fields.c - reading a config.json's fields, each checked, each refusal
 * naming the field (see fields.h). */
#include "oci/fields.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"

struct field field_of(const struct field *parent, const char *key)
{
	struct field f;
	if (parent && parent->name[0])
		snprintf(f.name, sizeof(f.name), "%.180s.%.60s", parent->name,
			 key);
	else
		snprintf(f.name, sizeof(f.name), "%.60s", key);
	return f;
}

struct field element_of(const struct field *parent, size_t index)
{
	struct field f;
	snprintf(f.name, sizeof(f.name), "%.200s[%zu]", parent->name, index);
	return f;
}

int refuse_field(const struct field *field, const char *problem,
		 struct failure *f)
{
	fail(f, "config.json", "", 0);
	snprintf(f->detail, sizeof(f->detail), "%s: %s", field->name, problem);
	f->status = 1;
	return -1;
}

static int refuse_type(const struct field *field, const char *expected,
		       const struct json *value, struct failure *f)
{
	char problem[128];
	snprintf(problem, sizeof(problem), "expected %s, not %s", expected,
		 json_type_name(value->type));
	return refuse_field(field, problem, f);
}

int check_object(const struct json *value, const struct field *field,
		 const char *const *known, struct failure *f)
{
	if (value->type != JSON_OBJECT)
		return refuse_type(field, "an object", value, f);
	for (size_t i = 0; i < value->count; i++) {
		bool found = false;
		for (const char *const *k = known; *k && !found; k++)
			found = strcmp(*k, value->keys[i]) == 0;
		if (!found) {
			struct field unknown = field_of(field, value->keys[i]);
			warn("config.json: %s: unknown property, ignored",
			     unknown.name);
		}
	}
	return 0;
}

int get_string(const struct json *object, const struct field *parent,
	       const char *key, bool required, char **out, struct failure *f)
{
	const struct json *value = json_member(object, key);
	struct field field = field_of(parent, key);
	*out = NULL;
	if (!value) {
		if (required)
			return refuse_field(&field, "missing", f);
		return 0;
	}
	if (value->type != JSON_STRING)
		return refuse_type(&field, "a string", value, f);
	*out = strdup(value->text);
	return *out ? 0 : fail(f, "config.json", "allocate", ENOMEM);
}

int get_bool(const struct json *object, const struct field *parent,
	     const char *key, bool *out, struct failure *f)
{
	const struct json *value = json_member(object, key);
	struct field field = field_of(parent, key);
	*out = false;
	if (value && !json_boolean(value, out))
		return refuse_type(&field, "true or false", value, f);
	return 0;
}

int get_integer(const struct json *object, const struct field *parent,
		const char *key, long long minimum, long long maximum,
		bool required, long long *out, bool *present, struct failure *f)
{
	const struct json *value = json_member(object, key);
	struct field field = field_of(parent, key);
	if (present)
		*present = value != NULL;
	if (!value)
		return required ? refuse_field(&field, "missing", f) : 0;
	if (!json_integer(value, minimum, maximum, out)) {
		char problem[128];
		snprintf(problem, sizeof(problem),
			 "expected an integer from %lld to %lld", minimum,
			 maximum);
		return refuse_field(&field, problem, f);
	}
	return 0;
}

int get_unsigned(const struct json *object, const struct field *parent,
		 const char *key, bool required, unsigned long long *out,
		 bool *present, struct failure *f)
{
	const struct json *value = json_member(object, key);
	struct field field = field_of(parent, key);
	if (present)
		*present = value != NULL;
	if (!value)
		return required ? refuse_field(&field, "missing", f) : 0;
	char *end;
	errno = 0;
	if (value->type != JSON_NUMBER ||
	    strspn(value->text, "0123456789") != value->length ||
	    (*out = strtoull(value->text, &end, 10), errno) || *end)
		return refuse_field(&field,
				    "expected an integer from 0 to 2^64-1", f);
	return 0;
}

int get_array(const struct json *object, const struct field *parent,
	      const char *key, const struct json **out, struct failure *f)
{
	const struct json *value = json_member(object, key);
	struct field field = field_of(parent, key);
	*out = NULL;
	if (!value || value->type == JSON_NULL)
		return 0;
	if (value->type != JSON_ARRAY)
		return refuse_type(&field, "an array", value, f);
	*out = value;
	return 0;
}

int get_strings(const struct json *object, const struct field *parent,
		const char *key, char ***list, size_t *count, struct failure *f)
{
	const struct json *array;
	struct field field = field_of(parent, key);
	if (get_array(object, parent, key, &array, f) < 0)
		return -1;
	for (size_t i = 0; array && i < array->count; i++) {
		struct field item = element_of(&field, i);
		if (array->items[i].type != JSON_STRING)
			return refuse_type(&item, "a string", &array->items[i],
					   f);
		if (append_list(list, count, array->items[i].text, f) < 0)
			return -1;
	}
	return 0;
}

bool valid_absolute(const char *path)
{
	return valid_container_path(path);
}
