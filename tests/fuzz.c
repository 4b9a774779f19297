/* fuzz.c - a libFuzzer target for what handles untrusted text: the option
 * string builder (append_string, escape_directory) and the command-line
 * splitter (parse_command_line). Built and run by `make fuzz`.
 *
 * The first input byte picks the target; the rest is its input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "overlay.h"
#include "utils.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Undoes escape_directory: drops the backslash before each character. */
static char *unescape(const char *text)
{
	char *out = malloc(strlen(text) + 1), *o = out;
	if (!out)
		abort();
	for (const char *p = text; *p; p++) {
		if (*p == '\\')
			p++;
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

/* Splits the input on NUL bytes into NUL-terminated words. Returns a
 * malloc'd argv with argv[0] = "container-fs" and *argc set. */
static char **split_words(const uint8_t *data, size_t size, int *argc,
			  char **buffer)
{
	*buffer = malloc(size + 1);
	char **argv = malloc(sizeof(*argv) * (size + 3));
	if (!*buffer || !argv)
		abort();
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

/* Each path escapes, then joins as lowerdir does; unescaping every piece
 * gives the paths back, and no ',' or ':' is left unescaped. */
static void check_escaping(const uint8_t *data, size_t size)
{
	int argc;
	char *buffer;
	char **words = split_words(data, size, &argc, &buffer);
	struct string joined = {0};
	if (build_lowerdir(&joined, words + 1, argc - 1) < 0)
		abort();
	/* Split the result on unescaped ':' and compare, top first. */
	int piece = argc - 1;
	char *start = joined.data;
	for (char *p = joined.data;; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (*p == ',')
			abort(); /* an unescaped ',' would end the option */
		if (*p != ':' && *p != '\0')
			continue;
		char end = *p;
		*p = '\0';
		char *path = unescape(start);
		if (piece < 1 || strcmp(path, words[piece]) != 0)
			abort();
		free(path);
		piece--;
		if (end == '\0')
			break;
		start = p + 1;
	}
	if (piece != 0)
		abort();
	free_string(&joined);
	free(words);
	free(buffer);
}

static void check_arguments(const uint8_t *data, size_t size)
{
	int argc;
	char *buffer;
	char **argv = split_words(data, size, &argc, &buffer);
	struct options options;
	struct failure failure;
	if (parse_command_line(argc, argv, &options, &failure) == 0 &&
	    options.action == ACTION_RUN) {
		/* What it found lies within argv, in order, around "--". */
		if (options.layer_count < 1 || !options.command ||
		    !options.command[0] ||
		    strcmp(options.command[-1], "--") != 0 ||
		    options.layers[options.layer_count] != options.writedir)
			abort();
	}
	free(argv);
	free(buffer);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		check_escaping(data + 1, size - 1);
	else
		check_arguments(data + 1, size - 1);
	return 0;
}
