/* fuzz.c - a libFuzzer target for what handles untrusted text: the option
 * string builder (append_string, escape_directory, build_lowerdir) and the
 * command line into the container's description (parse_command_line,
 * with -v, --tmpfs, -e and the rest). Built and run by `make fuzz`.
 *
 * The input's first byte picks the check (from 0xf0 up an OCI bundle's
 * config.json; else modulo 4: 1 escaping, 0 arguments, 2 JSON, 3 the
 * tar reader); for escaping and arguments the rest is a list of words
 * separated by NUL bytes, for JSON, tar and config.json it is the
 * document. Any broken property calls abort(), which libFuzzer reports
 * as a crash. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "image/tar.h"
#include "json.h"
#include "oci/bundle.h"
#include "overlay.h"
#include "utils.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int condition)
{
	if (!condition)
		abort();
}

static int is_special(char c)
{
	return c == '\\' || c == ',' || c == ':';
}

/* A struct string is NUL-terminated at length, within its capacity. */
static void check_string(const struct string *s)
{
	require(s->data != NULL);
	require(s->length < s->capacity);
	require(s->data[s->length] == '\0');
	require(strlen(s->data) == s->length);
}

/* Undoes escape_directory on text[0..length): drops the backslash before
 * each character. Every backslash must escape a special character, and
 * no special character may stand unescaped: that is what keeps a path
 * from ending an option (',') or a layer (':') early. */
static char *unescape(const char *text, size_t length)
{
	char *out = malloc(length + 1), *o = out;
	require(out != NULL);
	for (size_t i = 0; i < length; i++) {
		if (text[i] == '\\') {
			require(i + 1 < length && is_special(text[i + 1]));
			i++;
		} else {
			require(text[i] != ',' && text[i] != ':');
		}
		*o++ = text[i];
	}
	*o = '\0';
	return out;
}

/* Splits data on NUL bytes into words (the last need not end in one).
 * Returns a malloc'd argv, NULL-terminated, with argv[0] = "container-fs"
 * and *argc set; *buffer holds the words, for free(). */
static char **split_words(const uint8_t *data, size_t size, int *argc,
			  char **buffer)
{
	*buffer = malloc(size + 1);
	char **argv = malloc(sizeof(*argv) * (size + 3));
	require(*buffer && argv);
	memcpy(*buffer, data, size);
	(*buffer)[size] = '\0';
	int n = 0;
	argv[n++] = "container-fs";
	for (size_t start = 0; start <= size;) {
		argv[n++] = *buffer + start;
		start += strlen(*buffer + start) + 1;
	}
	argv[n] = NULL;
	*argc = n;
	return argv;
}

/* escape_directory appends: after append_string(prefix) and any number of
 * escaped words, the prefix is intact and each word unescapes back. */
static void check_escape_directory(char **words, int count)
{
	struct string s = {0};
	require(append_string(&s, words[0]) == 0);
	check_string(&s);
	size_t prefix = strlen(words[0]);
	require(memcmp(s.data, words[0], prefix) == 0);
	for (int i = 1; i < count; i++) {
		size_t start = s.length;
		require(escape_directory(&s, words[i]) == 0);
		check_string(&s);
		require(memcmp(s.data, words[0], prefix) == 0);
		char *path = unescape(s.data + start, s.length - start);
		require(strcmp(path, words[i]) == 0);
		free(path);
	}
	/* An empty append changes nothing. */
	size_t length = s.length;
	require(append_string(&s, "") == 0);
	require(s.length == length);
	check_string(&s);
	free_string(&s);
	require(s.data == NULL && s.length == 0 && s.capacity == 0);
}

/* build_lowerdir joins the escaped paths top first with ':': splitting
 * the result on unescaped ':' and unescaping each piece gives the paths
 * back, in reverse order, and nothing else. */
static void check_lowerdir(char **names, int count)
{
	struct string joined = {0};
	require(build_lowerdir(&joined, names, count) == 0);
	check_string(&joined);
	int piece = count - 1;
	size_t start = 0;
	for (size_t i = 0;; i++) {
		if (joined.data[i] == '\\' && i + 1 < joined.length) {
			i++;
			continue;
		}
		if (joined.data[i] != ':' && joined.data[i] != '\0')
			continue;
		require(piece >= 0);
		char *path = unescape(joined.data + start, i - start);
		require(strcmp(path, names[piece]) == 0);
		free(path);
		piece--;
		if (joined.data[i] == '\0')
			break;
		start = i + 1;
	}
	require(piece == -1);
	free_string(&joined);
}

static void check_escaping(const uint8_t *data, size_t size)
{
	int argc;
	char *buffer;
	char **words = split_words(data, size, &argc, &buffer);
	check_escape_directory(words + 1, argc - 1);
	check_lowerdir(words + 1, argc - 1);
	free(words);
	free(buffer);
}

/* A struct failure's text fields end within their arrays. */
static void check_failure(const struct failure *f)
{
	require(memchr(f->step, '\0', sizeof(f->step)) != NULL);
	require(memchr(f->detail, '\0', sizeof(f->detail)) != NULL);
	require(memchr(f->hint, '\0', sizeof(f->hint)) != NULL);
	require(f->step[0] != '\0');
	require(f->status == EXIT_SETUP_FAILED);
}

/* On success with a command to run: at least one layer, WRITEDIR just
 * before the first "--" (unless --rm or --read-only), COMMAND after it,
 * all copied word for word; every mount destination a valid container
 * path; every variable NAME=VALUE with a NAME. free_spec frees it all
 * (LeakSanitizer checks). */
static void check_arguments(const uint8_t *data, size_t size)
{
	int argc;
	char *buffer;
	char **argv = split_words(data, size, &argc, &buffer);
	struct command_line cl;
	struct container_spec *spec = &cl.spec;
	struct failure failure;
	/* Twice: getopt's state must not leak from one call to the next. */
	for (int round = 0; round < 2; round++) {
		memset(&failure, 0xff, sizeof(failure));
		int result = parse_command_line(argc, argv, &cl, &failure);
		if (result < 0)
			check_failure(&failure);
		if (result == 0 && cl.action == ACTION_RM) {
			/* "rm WRITEDIR...": every word after it, none empty. */
			require(cl.operands == argv + 2);
			require(cl.operand_count == argc - 2);
			for (int i = 0; i < cl.operand_count; i++)
				require(cl.operands[i][0] != '\0' &&
					cl.operands[i][0] != '-');
		}
		if (result < 0 || cl.action != ACTION_RUN) {
			free_spec(spec);
			continue;
		}
		int split = 1;
		while (split < argc && strcmp(argv[split], "--") != 0)
			split++;
		require(split < argc - 1);
		for (int i = split + 1; i < argc; i++)
			require(strcmp(spec->command[i - split - 1], argv[i]) ==
				0);
		require(spec->command[argc - split - 1] == NULL);
		int last = split;
		if (spec->writable == WRITABLE_WRITEDIR) {
			require(strcmp(spec->writedir, argv[split - 1]) == 0);
			last--;
		}
		require(spec->layer_count >= 1);
		for (int i = 0; i < spec->layer_count; i++) {
			require(spec->layers[i][0] != '\0' &&
				spec->layers[i][0] != '-');
			require(strcmp(spec->layers[i],
				       argv[last - spec->layer_count + i]) ==
				0);
		}
		for (size_t i = 0; i < spec->mount_count; i++)
			require(
			    spec->mounts[i].kind == MOUNT_FILES ||
			    !spec->mounts[i].destination ||
			    valid_container_path(spec->mounts[i].destination));
		for (size_t i = 0; i < spec->env_count; i++)
			require(spec->env[i][0] != '=' &&
				strchr(spec->env[i], '=') != NULL);
		free_spec(spec);
	}
	free(argv);
	free(buffer);
}

/* Every string parse_json returns is valid UTF-8 without NUL, of the
 * length it says; every object's keys are there; it never reads past
 * the input (ASan), never recurses unbounded, never leaks. */
static size_t check_json_value(const struct json *value, int depth)
{
	size_t nodes = 1;
	require(depth <= JSON_MAX_DEPTH + 1);
	if (value->type == JSON_STRING || value->type == JSON_NUMBER)
		require(value->text && strlen(value->text) == value->length);
	if (value->type == JSON_OBJECT)
		for (size_t i = 0; i < value->count; i++)
			require(value->keys[i] != NULL);
	for (size_t i = 0; i < value->count; i++)
		nodes += check_json_value(&value->items[i], depth + 1);
	return nodes;
}

static void check_json(const uint8_t *data, size_t size)
{
	struct json root;
	char error[200];
	memset(error, 0xff, sizeof(error));
	if (parse_json((const char *)data, size, 1 << 20, &root, error,
		       sizeof(error)) == 0)
		require(check_json_value(&root, 1) <= size);
	else
		require(memchr(error, '\0', sizeof(error)) && error[0]);
	free_json(&root);
}

/* A config.json into the description: taken whole (every mount with a
 * destination, a command to run), or refused with a step and a detail
 * naming why; never a leak, never a read past the input. Bundle "/"
 * (its root.path may name any directory there). */
static void ignore_warning(const char *message)
{
	(void)message;
}

static void check_bundle(const uint8_t *data, size_t size)
{
	struct container_spec s;
	warning_sink = ignore_warning;
	struct failure f;
	memset(&f, 0, sizeof(f));
	if (parse_bundle((const char *)data, size, "/", "fuzz", &s, &f) == 0) {
		require(s.command && s.command[0]);
		require(s.root_directory && s.root_directory[0] == '/');
		for (size_t i = 0; i < s.mount_count; i++)
			require(s.mounts[i].kind == MOUNT_MASKS ||
				s.mounts[i].destination);
	} else {
		require(f.step[0] && memchr(f.detail, '\0', sizeof(f.detail)));
	}
	free_spec(&s);
}

struct bytes {
	const uint8_t *data;
	size_t size, at;
};

/* Hands out the input in pieces of odd sizes, as a pipe would. */
static ssize_t read_bytes(void *context, void *buffer, size_t length)
{
	struct bytes *b = context;
	size_t left = b->size - b->at;
	if (length > left)
		length = left;
	if (length > 1 + b->at % 700)
		length = 1 + b->at % 700;
	memcpy(buffer, b->data + b->at, length);
	b->at += length;
	return (ssize_t)length;
}

/* The tar reader never reads past its input (ASan), never returns more
 * data than an entry's size, and every entry it returns is whole: a
 * name without NUL, links with a target, xattrs within bounds; on an
 * error it says why. */
static void check_tar(const uint8_t *data, size_t size)
{
	struct bytes b = {data, size, 0};
	struct tar_reader r;
	struct tar_entry e = {0};
	char buffer[1000];
	int got;
	tar_begin(&r, (struct tar_input){read_bytes, NULL, &b});
	while ((got = tar_next(&r, &e)) == 1) {
		require(e.name && e.name[0]);
		require((e.type != TAR_HARDLINK && e.type != TAR_SYMLINK) ||
			(e.link && e.link[0]));
		require(e.type == TAR_FILE || e.size == 0);
		require(e.size <= TAR_MAX_SIZE);
		require(e.xattr_count <= TAR_MAX_XATTRS);
		for (size_t i = 0; i < e.xattr_count; i++)
			require(e.xattrs[i].length <= TAR_MAX_XATTR);
		uint64_t read = 0;
		ssize_t n;
		while ((n = tar_read(&r, buffer, sizeof(buffer))) > 0)
			read += (uint64_t)n;
		require(read <= e.size);
		if (n < 0)
			break;
	}
	require(got != -1 ||
		(memchr(r.error, '\0', sizeof(r.error)) && r.error[0]));
	require(b.at <= size);
	tar_free_entry(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] >= 0xf0)
		check_bundle(data + 1, size - 1);
	else if (data[0] % 4 == 1)
		check_escaping(data + 1, size - 1);
	else if (data[0] % 4 == 0)
		check_arguments(data + 1, size - 1);
	else if (data[0] % 4 == 2)
		check_json(data + 1, size - 1);
	else
		check_tar(data + 1, size - 1);
	return 0;
}
