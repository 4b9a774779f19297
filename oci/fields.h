/* fields.h - reading a config.json's fields: each checked for its type
 * and range, each refusal naming the field ("process.user.uid: ..."),
 * and an unknown key ignored with a warning, as the OCI spec's
 * extensibility rule asks (a runtime MUST NOT refuse an unknown
 * property). For bundle.c, bundle_linux.c and seccomp_profile.c. */
#ifndef CONTAINER_FS_OCI_FIELDS_H
#define CONTAINER_FS_OCI_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "json.h"
#include "utils.h"

/* The field being read, for messages: "linux.devices[2].path". */
struct field {
	char name[256];
};

/* parent's member key, or element index (key NULL). */
struct field field_of(const struct field *parent, const char *key);
struct field element_of(const struct field *parent, size_t index);

/* Refuses field: "config.json: FIELD: PROBLEM", exit status 1. */
int refuse_field(const struct field *field, const char *problem,
		 struct failure *f);

/* value must be an object; any key not in known (NULL-terminated) is
 * warned about and ignored. 0 or -1. */
int check_object(const struct json *value, const struct field *field,
		 const char *const *known, struct failure *f);

/* The member key of object as a copied string into *out (NULL if
 * absent and not required). 0 or -1. */
int get_string(const struct json *object, const struct field *parent,
	       const char *key, bool required, char **out, struct failure *f);

/* A boolean member (false if absent). 0 or -1. */
int get_bool(const struct json *object, const struct field *parent,
	     const char *key, bool *out, struct failure *f);

/* An integer member in [minimum, maximum]; *present says if it was
 * there (required: refused if not). 0 or -1. */
int get_integer(const struct json *object, const struct field *parent,
		const char *key, long long minimum, long long maximum,
		bool required, long long *out, bool *present,
		struct failure *f);

/* The same for an unsigned 64-bit number (rlimits, seccomp values). */
int get_unsigned(const struct json *object, const struct field *parent,
		 const char *key, bool required, unsigned long long *out,
		 bool *present, struct failure *f);

/* An array member of strings, appended to *list (NULL-terminated, as
 * spec.c's append_list keeps it). Absent: nothing. 0 or -1. */
int get_strings(const struct json *object, const struct field *parent,
		const char *key, char ***list, size_t *count,
		struct failure *f);

/* The member key if it is an array (NULL if absent). -1 if it is
 * something else. */
int get_array(const struct json *object, const struct field *parent,
	      const char *key, const struct json **out, struct failure *f);

/* An absolute path in the container, without "." or ".." (one made
 * absolute by a leading '/' when relative is allowed). */
bool valid_absolute(const char *path);

#endif
