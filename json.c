/* json.c - a small, strict, bounded JSON reader (RFC 8259): recursive
 * descent into a tree, depth-bounded, every string checked to be UTF-8
 * without NUL. */
#include "json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utils.h"

struct parser {
	const char *text;
	size_t length;
	size_t at;
	char *error;
	size_t error_size;
	bool failed;
};

/* Records the first error, with the line and column where it is. */
static int refuse(struct parser *p, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static int refuse(struct parser *p, const char *format, ...)
{
	if (p->failed)
		return -1;
	p->failed = true;
	size_t line = 1, column = 1;
	for (size_t i = 0; i < p->at && i < p->length; i++) {
		column++;
		if (p->text[i] == '\n') {
			line++;
			column = 1;
		}
	}
	char reason[160];
	va_list args;
	va_start(args, format);
	vsnprintf(reason, sizeof(reason), format, args);
	va_end(args);
	snprintf(p->error, p->error_size, "line %zu, column %zu: %s", line,
		 column, reason);
	return -1;
}

static void skip_space(struct parser *p)
{
	while (p->at < p->length &&
	       (p->text[p->at] == ' ' || p->text[p->at] == '\t' ||
		p->text[p->at] == '\n' || p->text[p->at] == '\r'))
		p->at++;
}

static int peek(struct parser *p)
{
	return p->at < p->length ? (unsigned char)p->text[p->at] : -1;
}

static int expect(struct parser *p, char c)
{
	skip_space(p);
	if (peek(p) != c)
		return refuse(p, "expected '%c'", c);
	p->at++;
	return 0;
}

/* Appends code point c to out as UTF-8; out has room for 4 bytes. */
static size_t put_utf8(unsigned c, char *out)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* The length of the valid UTF-8 sequence at s (at most n bytes), or 0:
 * no overlong forms, no surrogates, nothing past U+10FFFF. */
static size_t utf8_length(const unsigned char *s, size_t n)
{
	if (s[0] < 0x80)
		return 1;
	size_t length = s[0] >= 0xf0   ? 4
			: s[0] >= 0xe0 ? 3
			: s[0] >= 0xc2 ? 2
				       : 0;
	if (length == 0 || length > n || s[0] > 0xf4)
		return 0;
	for (size_t i = 1; i < length; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return length;
}

static int hex4(struct parser *p, unsigned *out)
{
	*out = 0;
	if (p->at + 4 > p->length)
		return refuse(p, "short \\u escape");
	for (int i = 0; i < 4; i++) {
		char c = p->text[p->at++];
		unsigned digit =
		    c >= '0' && c <= '9'   ? (unsigned)(c - '0')
		    : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
		    : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
					   : 16;
		if (digit == 16)
			return refuse(p, "bad \\u escape");
		*out = *out * 16 + digit;
	}
	return 0;
}

/* A \u escape (after the "\u"), a surrogate pair taken whole. */
static int unicode_escape(struct parser *p, unsigned *code)
{
	if (hex4(p, code) < 0)
		return -1;
	if (*code >= 0xdc00 && *code <= 0xdfff)
		return refuse(p, "lone low surrogate");
	if (*code >= 0xd800 && *code <= 0xdbff) {
		unsigned low;
		if (p->at + 2 > p->length || p->text[p->at] != '\\' ||
		    p->text[p->at + 1] != 'u')
			return refuse(p, "lone high surrogate");
		p->at += 2;
		if (hex4(p, &low) < 0)
			return -1;
		if (low < 0xdc00 || low > 0xdfff)
			return refuse(p, "bad surrogate pair");
		*code = 0x10000 + ((*code - 0xd800) << 10) + (low - 0xdc00);
	}
	if (*code == 0)
		return refuse(p, "NUL in a string");
	return 0;
}

/* A string, after skipping space; decoded into a malloc'd *out. The
 * decoded text is never longer than the escaped one. */
static int parse_string(struct parser *p, char **out, size_t *out_length)
{
	skip_space(p);
	if (peek(p) != '"')
		return refuse(p, "expected a string");
	size_t start = ++p->at;
	size_t end = start;
	while (end < p->length && p->text[end] != '"')
		end += p->text[end] == '\\' ? 2 : 1;
	if (end >= p->length)
		return refuse(p, "unterminated string");
	char *text = malloc(end - start + 1);
	if (!text)
		return refuse(p, "out of memory");
	size_t n = 0;
	while (p->at < end) {
		unsigned char c = (unsigned char)p->text[p->at];
		if (c < 0x20) {
			free(text);
			return refuse(p, "control character in a string");
		}
		if (c != '\\') {
			size_t length =
			    utf8_length((const unsigned char *)p->text + p->at,
					end - p->at);
			if (!length) {
				free(text);
				return refuse(p, "invalid UTF-8");
			}
			memcpy(text + n, p->text + p->at, length);
			n += length;
			p->at += length;
			continue;
		}
		char escape = p->text[++p->at];
		p->at++;
		const char *simple = strchr("\"\\/bfnrt", escape);
		unsigned code;
		if (escape && simple) {
			text[n++] = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
		} else if (escape == 'u' && unicode_escape(p, &code) == 0) {
			n += put_utf8(code, text + n);
		} else {
			free(text);
			return refuse(p, "bad escape in a string");
		}
	}
	p->at = end + 1;
	text[n] = '\0';
	*out = text;
	*out_length = n;
	return 0;
}

static int parse_number(struct parser *p, struct json *value)
{
	size_t start = p->at;
	const char *s = p->text;
	size_t i = start;
	if (i < p->length && s[i] == '-')
		i++;
	if (i < p->length && s[i] == '0')
		i++;
	else if (i < p->length && s[i] >= '1' && s[i] <= '9')
		while (i < p->length && s[i] >= '0' && s[i] <= '9')
			i++;
	else
		return refuse(p, "bad number");
	if (i < p->length && s[i] == '.') {
		if (++i >= p->length || s[i] < '0' || s[i] > '9')
			return refuse(p, "bad number");
		while (i < p->length && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	if (i < p->length && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < p->length && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= p->length || s[i] < '0' || s[i] > '9')
			return refuse(p, "bad number");
		while (i < p->length && s[i] >= '0' && s[i] <= '9')
			i++;
	}
	value->type = JSON_NUMBER;
	value->text = strndup(s + start, i - start);
	value->length = i - start;
	p->at = i;
	return value->text ? 0 : refuse(p, "out of memory");
}

static int parse_value(struct parser *p, struct json *value, int depth);

/* Appends a fresh value to value's items (and a key slot for objects). */
static struct json *add_item(struct parser *p, struct json *value,
			     size_t *capacity)
{
	if (value->count == *capacity) {
		size_t grown = *capacity ? 2 * *capacity : 4;
		struct json *items =
		    realloc(value->items, grown * sizeof(*items));
		if (!items)
			return refuse(p, "out of memory"), NULL;
		value->items = items;
		if (value->type == JSON_OBJECT) {
			char **keys =
			    realloc(value->keys, grown * sizeof(*keys));
			if (!keys)
				return refuse(p, "out of memory"), NULL;
			value->keys = keys;
		}
		*capacity = grown;
	}
	struct json *item = &value->items[value->count];
	*item = (struct json){0};
	if (value->type == JSON_OBJECT)
		value->keys[value->count] = NULL;
	value->count++;
	return item;
}

static int compare_keys(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A key given twice would make the document mean two things. Sorting a
 * copy keeps a hostile object with many keys n log n. */
static int check_duplicates(struct parser *p, const struct json *object)
{
	if (object->count < 2)
		return 0;
	char **sorted = malloc(object->count * sizeof(*sorted));
	if (!sorted)
		return refuse(p, "out of memory");
	memcpy(sorted, object->keys, object->count * sizeof(*sorted));
	qsort(sorted, object->count, sizeof(*sorted), compare_keys);
	int result = 0;
	for (size_t i = 1; i < object->count && result == 0; i++)
		if (strcmp(sorted[i - 1], sorted[i]) == 0)
			result =
			    refuse(p, "duplicate key \"%.60s\"", sorted[i]);
	free(sorted);
	return result;
}

static int parse_members(struct parser *p, struct json *value, int depth)
{
	size_t capacity = 0;
	bool object = value->type == JSON_OBJECT;
	char close = object ? '}' : ']';
	skip_space(p);
	if (peek(p) == close) {
		p->at++;
		return 0;
	}
	for (;;) {
		struct json *item = add_item(p, value, &capacity);
		if (!item)
			return -1;
		size_t key_length;
		if (object && (parse_string(p, &value->keys[value->count - 1],
					    &key_length) < 0 ||
			       expect(p, ':') < 0))
			return -1;
		if (parse_value(p, item, depth + 1) < 0)
			return -1;
		skip_space(p);
		if (peek(p) == ',') {
			p->at++;
			continue;
		}
		if (peek(p) == close) {
			p->at++;
			return object ? check_duplicates(p, value) : 0;
		}
		return refuse(p, "expected ',' or '%c'", close);
	}
}

static int parse_value(struct parser *p, struct json *value, int depth)
{
	static const struct {
		const char *word;
		enum json_type type;
	} literals[] = {
	    {"null", JSON_NULL}, {"false", JSON_FALSE}, {"true", JSON_TRUE}};
	if (depth > JSON_MAX_DEPTH)
		return refuse(p, "nested deeper than %d", JSON_MAX_DEPTH);
	skip_space(p);
	int c = peek(p);
	if (c == '"') {
		value->type = JSON_STRING;
		return parse_string(p, &value->text, &value->length);
	}
	if (c == '{' || c == '[') {
		value->type = c == '{' ? JSON_OBJECT : JSON_ARRAY;
		p->at++;
		return parse_members(p, value, depth);
	}
	if (c == '-' || (c >= '0' && c <= '9'))
		return parse_number(p, value);
	for (size_t i = 0; i < sizeof(literals) / sizeof(*literals); i++) {
		size_t n = strlen(literals[i].word);
		if (p->at + n <= p->length &&
		    memcmp(p->text + p->at, literals[i].word, n) == 0) {
			value->type = literals[i].type;
			p->at += n;
			return 0;
		}
	}
	return refuse(p, c < 0 ? "unexpected end" : "unexpected character");
}

int parse_json(const char *text, size_t length, size_t max_length,
	       struct json *root, char *error, size_t error_size)
{
	struct parser p = {.text = text,
			   .length = length,
			   .error = error,
			   .error_size = error_size};
	*root = (struct json){0};
	if (length > max_length) {
		snprintf(error, error_size, "larger than %zu bytes",
			 max_length);
		return -1;
	}
	if (parse_value(&p, root, 1) < 0)
		return -1;
	skip_space(&p);
	if (p.at != length)
		return refuse(&p, "more after the document");
	return 0;
}

void free_json(struct json *value)
{
	for (size_t i = 0; i < value->count; i++) {
		free_json(&value->items[i]);
		if (value->keys)
			free(value->keys[i]);
	}
	free(value->items);
	free(value->keys);
	free(value->text);
	*value = (struct json){0};
}

const struct json *json_member(const struct json *object, const char *key)
{
	if (!object || object->type != JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < object->count; i++)
		if (object->keys[i] && strcmp(object->keys[i], key) == 0)
			return &object->items[i];
	return NULL;
}

const char *json_string(const struct json *value)
{
	return value && value->type == JSON_STRING ? value->text : NULL;
}

bool json_integer(const struct json *value, long long minimum,
		  long long maximum, long long *out)
{
	if (!value || value->type != JSON_NUMBER ||
	    strspn(value->text + (value->text[0] == '-'), "0123456789") !=
		value->length - (value->text[0] == '-'))
		return false;
	errno = 0;
	char *end;
	long long n = strtoll(value->text, &end, 10);
	if (errno || *end || n < minimum || n > maximum)
		return false;
	*out = n;
	return true;
}

bool json_boolean(const struct json *value, bool *out)
{
	if (!value || (value->type != JSON_TRUE && value->type != JSON_FALSE))
		return false;
	*out = value->type == JSON_TRUE;
	return true;
}

const char *json_type_name(enum json_type type)
{
	static const char *const names[] = {
	    "null",	"false",    "true",	 "a number",
	    "a string", "an array", "an object",
	};
	return names[type];
}

int append_json_string(struct string *out, const char *text)
{
	char escape[8] = "\\u00";
	if (append_string(out, "\"") < 0)
		return -1;
	for (const char *p = text; *p;) {
		size_t plain = 0;
		while (p[plain] && (unsigned char)p[plain] >= 0x20 &&
		       p[plain] != '"' && p[plain] != '\\')
			plain++;
		char chunk[256];
		size_t n =
		    plain < sizeof(chunk) - 1 ? plain : sizeof(chunk) - 1;
		memcpy(chunk, p, n);
		chunk[n] = '\0';
		if (n && append_string(out, chunk) < 0)
			return -1;
		p += n;
		if (n < plain || !*p)
			continue;
		unsigned char c = (unsigned char)*p++;
		if (c == '"' || c == '\\')
			snprintf(escape, sizeof(escape), "\\%c", c);
		else
			snprintf(escape, sizeof(escape), "\\u%04x", c);
		if (append_string(out, escape) < 0)
			return -1;
	}
	return append_string(out, "\"");
}
