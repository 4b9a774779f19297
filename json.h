/* json.h - a small, strict, bounded JSON reader (RFC 8259) for what
 * container-fs reads from others: an image's index, manifest and config,
 * an OCI bundle's config.json. Input is hostile until checked: depth and
 * size are bounded, strings must be valid UTF-8 without NUL, duplicate
 * keys and anything RFC 8259 does not allow (comments, trailing commas,
 * single quotes, leading zeros, NaN) are refused with the line and
 * column. */
#ifndef CONTAINER_FS_JSON_H
#define CONTAINER_FS_JSON_H

#include <stdbool.h>
#include <stddef.h>

/* Nesting deeper than this is refused: no real document needs it, and
 * recursion must stay bounded. */
#define JSON_MAX_DEPTH 64

enum json_type {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json {
	enum json_type type;
	/* JSON_STRING: the decoded text (UTF-8, no NUL); JSON_NUMBER: the
	 * number as written. */
	char *text;
	size_t length; /* of text */
	/* JSON_ARRAY and JSON_OBJECT: count items; an object's keys are
	 * keys[i], decoded, in document order. */
	size_t count;
	struct json *items;
	char **keys;
};

/* Parses text[0..length) (no more than max_length bytes accepted) into
 * *root. Returns 0, or -1 with a one-line reason in error ("line 3,
 * column 7: expected ':'"). free_json(root) afterwards in either case. */
int parse_json(const char *text, size_t length, size_t max_length,
	       struct json *root, char *error, size_t error_size);

void free_json(struct json *value);

/* The member key of object, or NULL if absent (or value is no object). */
const struct json *json_member(const struct json *object, const char *key);

/* The string's text, or NULL if value is absent or no string. */
const char *json_string(const struct json *value);

/* A number that is an integer in [minimum, maximum] into *out; false
 * for anything else (a fraction, an exponent, out of range, absent). */
bool json_integer(const struct json *value, long long minimum,
		  long long maximum, long long *out);

/* Whether value is true or false, into *out; false if it is neither. */
bool json_boolean(const struct json *value, bool *out);

/* The name of a type, for messages ("an object", "a string", ...). */
const char *json_type_name(enum json_type type);

struct string;

/* Appends text (UTF-8) to out as a JSON string, quoted, with '"', '\\'
 * and control characters escaped. 0, or -1 with errno ENOMEM. */
int append_json_string(struct string *out, const char *text);

#endif
