/* unit.c - unit tests of the string builder, escaping, the lowerdir
 * order and argument splitting; the seccomp filter's are in
 * unit_seccomp.c. Prints "ok - NAME" or "not ok - NAME" for each case;
 * tests/run counts them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "cli.h"
#include "json.h"
#include "network.h"
#include "overlay.h"
#include "unit.h"
#include "utils.h"

static int failures;

void check(int condition, const char *name)
{
	printf("%s - %s\n", condition ? "ok" : "not ok", name);
	if (!condition)
		failures++;
}

/* escape_directory of in must give exactly out. */
static int escapes_to(const char *in, const char *out)
{
	struct string s = {0};
	int ok = escape_directory(&s, in) == 0 && strcmp(s.data, out) == 0;
	if (!ok)
		fprintf(stderr, "  escape_directory(%s) gave %s, not %s\n", in,
			s.data ? s.data : "(null)", out);
	free_string(&s);
	return ok;
}

static void test_escape_directory(void)
{
	check(escapes_to("/plain/path", "/plain/path"), "escape: plain path");
	check(escapes_to("a,b", "a\\,b"), "escape: comma");
	check(escapes_to("a:b", "a\\:b"), "escape: colon");
	check(escapes_to("a\\b", "a\\\\b"), "escape: backslash");
	check(escapes_to(",:\\", "\\,\\:\\\\"), "escape: only specials");
	check(escapes_to("a b=c\td", "a b=c\td"),
	      "escape: space, = and tab stay as they are");
	check(escapes_to("", ""), "escape: empty string");
	check(escapes_to("\xff\xfe,", "\xff\xfe\\,"),
	      "escape: non-UTF-8 bytes");
}

static void test_append_string(void)
{
	struct string s = {0};
	int ok = append_string(&s, "") == 0 && s.data && s.data[0] == '\0';
	check(ok && s.length == 0, "append: empty string to empty builder");
	free_string(&s);

	/* 100,000 appends: far past any page or fixed buffer. */
	ok = 1;
	for (int i = 0; i < 100000 && ok; i++)
		ok = append_string(&s, "0123456789") == 0;
	ok = ok && s.length == 1000000 && strlen(s.data) == 1000000;
	for (size_t i = 0; ok && i < s.length; i++)
		ok = s.data[i] == (char)('0' + i % 10);
	check(ok, "append: grows to 1,000,000 bytes intact");
	free_string(&s);
	check(s.data == NULL && s.length == 0, "append: free resets");

	ok = append_string(&s, "lowerdir=") == 0 &&
	     escape_directory(&s, "a:b") == 0 && append_string(&s, ",x") == 0;
	check(ok && strcmp(s.data, "lowerdir=a\\:b,x") == 0,
	      "append: mixes with escape_directory");
	free_string(&s);
}

static void test_build_lowerdir(void)
{
	char *names[] = {"rootfs", "app", "top,1"};
	struct string s = {0};
	int ok = build_lowerdir(&s, names, 3) == 0;
	check(ok && strcmp(s.data, "top\\,1:app:rootfs") == 0,
	      "lowerdir: top layer first, escaped, ':' between");
	free_string(&s);
	ok = build_lowerdir(&s, names, 1) == 0;
	check(ok && strcmp(s.data, "rootfs") == 0, "lowerdir: one layer");
	free_string(&s);
}

/* Parses a NULL-terminated argv into the command line cl (its spec
 * freed first, if an earlier call filled it); returns
 * parse_command_line's result. */
static struct command_line cl;
static int parse(struct container_spec *s, enum action *action,
		 struct failure *f, char **argv)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	free_spec(&cl.spec);
	int result = parse_command_line(argc, argv, &cl, f);
	*s = cl.spec;
	*action = cl.action;
	return result;
}

#define ARGV(...) ((char *[]){"container-fs", __VA_ARGS__, NULL})

static bool has_env(const struct container_spec *s, const char *pair)
{
	for (size_t i = 0; i < s->env_count; i++)
		if (strcmp(s->env[i], pair) == 0)
			return true;
	return false;
}

/* The mount entry with this destination, or NULL. */
static const struct mount_entry *mount_at(const struct container_spec *s,
					  const char *destination)
{
	for (size_t i = 0; i < s->mount_count; i++)
		if (s->mounts[i].destination &&
		    strcmp(s->mounts[i].destination, destination) == 0)
			return &s->mounts[i];
	return NULL;
}

static void test_parse_command_line(void)
{
	struct container_spec o = {0};
	enum action action;
	struct failure f;

	int r = parse(&o, &action, &f,
		      ARGV("rootfs", "app", "w", "--", "sh", "-c", "x"));
	check(r == 0 && o.layer_count == 2 &&
		  strcmp(o.layers[0], "rootfs") == 0 &&
		  strcmp(o.layers[1], "app") == 0 &&
		  strcmp(o.writedir, "w") == 0 &&
		  strcmp(o.command[0], "sh") == 0 &&
		  strcmp(o.command[2], "x") == 0 && o.command[3] == NULL,
	      "args: split at '--' into layers, writedir, command");

	r = parse(&o, &action, &f, ARGV("a", "w", "--", "cmd", "--", "--help"));
	check(r == 0 && strcmp(o.command[1], "--") == 0 &&
		  strcmp(o.command[2], "--help") == 0,
	      "args: only the first '--' splits; the rest is the command's");

	r = parse(&o, &action, &f,
		  ARGV("--overlay-workdir", "wd", "--legacy-mount", "a", "w",
		       "--", "true"));
	check(r == 0 && o.overlay_workdir &&
		  strcmp(o.overlay_workdir, "wd") == 0 && o.legacy_mount &&
		  o.layer_count == 1,
	      "args: options before the first directory");

	r = parse(&o, &action, &f,
		  ARGV("a", "--legacy-mount", "w", "--", "true"));
	check(r < 0 && strstr(f.detail, "options go before the first"),
	      "args: after the first directory, '-' words are refused");

	r = parse(&o, &action, &f, ARGV("a", "w", "sh"));
	check(r < 0 && strstr(f.detail, "missing '--'"), "args: missing '--'");

	r = parse(&o, &action, &f, ARGV("a", "w", "--"));
	check(r < 0 && strstr(f.detail, "missing COMMAND"),
	      "args: '--' without a command");

	r = parse(&o, &action, &f, ARGV("w", "--", "sh"));
	check(r < 0 && strstr(f.detail, "at least one LAYER"),
	      "args: one directory is not enough");

	r = parse(&o, &action, &f, ARGV("--", "sh"));
	check(r < 0 && f.status == 125, "args: no directory at all");

	r = parse(&o, &action, &f, ARGV("--bogus", "a", "w", "--", "sh"));
	check(r < 0 && strstr(f.detail, "unknown option '--bogus'"),
	      "args: unknown option");

	r = parse(&o, &action, &f, ARGV("a", "w", "--overlay-workdir"));
	check(r < 0, "args: nothing but directories and an option");

	r = parse(&o, &action, &f, ARGV("--overlay-workdir"));
	check(r < 0 && strstr(f.detail, "needs a value"),
	      "args: option without its value");

	r = parse(&o, &action, &f, ARGV("", "w", "--", "sh"));
	check(r < 0 && strstr(f.detail, "empty"), "args: empty path refused");

	r = parse(&o, &action, &f, ARGV("--help"));
	check(r == 0 && action == ACTION_HELP, "args: --help");

	r = parse(&o, &action, &f, ARGV("-V", "a", "w", "--", "sh"));
	check(r == 0 && action == ACTION_VERSION, "args: -V");

	r = parse(&o, &action, &f, (char *[]){"container-fs", NULL});
	check(r < 0, "args: no arguments at all");

	/* The run options fill the description. */
	r = parse(&o, &action, &f,
		  ARGV("--rm", "-v", "src:/data:ro", "--tmpfs",
		       "/scratch:size=1m,noexec", "-w", "/work", "-u",
		       "app:staff", "--group-add", "wheel", "--hostname", "box",
		       "--network", "none", "a", "b", "--", "sh"));
	const struct mount_entry *volume = mount_at(&o, "/data"),
				 *scratch = mount_at(&o, "/scratch");
	check(r == 0 && o.writable == WRITABLE_TMPFS && !o.writedir &&
		  o.layer_count == 2 && volume && volume->kind == MOUNT_BIND &&
		  strcmp(volume->source, "src") == 0 &&
		  (volume->flags & MS_RDONLY) && scratch &&
		  scratch->kind == MOUNT_TMPFS &&
		  (scratch->flags & MS_NOEXEC) &&
		  strcmp(scratch->data, "size=1m") == 0 &&
		  strcmp(o.cwd, "/work") == 0 &&
		  strcmp(o.user, "app:staff") == 0 && o.group_count == 1 &&
		  strcmp(o.hostname, "box") == 0 && o.network == NETWORK_NONE,
	      "args: run options fill the description");

	r = parse(&o, &action, &f,
		  ARGV("--read-only", "--tmpfs", "/run", "a", "--", "sh"));
	check(r == 0 && o.read_only_root && mount_at(&o, "/tmp") &&
		  mount_at(&o, "/var/tmp") &&
		  mount_at(&o, "/tmp") < mount_at(&o, "/run"),
	      "args: --read-only adds tmpfs before the mounts given");

	r = parse(
	    &o, &action, &f,
	    ARGV("--read-only", "--read-only-tmpfs=false", "a", "--", "sh"));
	check(r == 0 && !mount_at(&o, "/tmp"), "args: --read-only-tmpfs=false");

	setenv("CFS_UNIT", "from-caller", 1);
	r = parse(&o, &action, &f,
		  ARGV("-e", "B=late", "-e", "CFS_UNIT", "-e", "NOT_SET_HERE",
		       "--env-host", "-e", "B=last", "a", "w", "--", "sh"));
	check(r == 0 && has_env(&o, "CFS_UNIT=from-caller") &&
		  has_env(&o, "B=last") && !has_env(&o, "B=late"),
	      "args: -e NAME copies, later -e wins, --env-host first");

	static const char *const refused[][8] = {
	    {"-v", "src", "a", "w", "--", "sh"},
	    {"-v", "src:relative", "a", "w", "--", "sh"},
	    {"-v", "src:/", "a", "w", "--", "sh"},
	    {"-v", "src:/a/../b", "a", "w", "--", "sh"},
	    {"-v", "src:/x:rx", "a", "w", "--", "sh"},
	    {"-v", "s:/proc/x", "a", "w", "--", "sh"},
	    {"-v", "s:/x", "--tmpfs", "/x/", "a", "w", "--", "sh"},
	    {"--tmpfs", "/t:size=lots", "a", "w", "--", "sh"},
	    {"--tmpfs", "/t:mode=999", "a", "w", "--", "sh"},
	    {"--tmpfs", "/t:bogus", "a", "w", "--", "sh"},
	    {"--rm", "--read-only", "a", "--", "sh"},
	    {"--rm", "--overlay-workdir", "x", "a", "--", "sh"},
	    {"-e", "=x", "a", "w", "--", "sh"},
	    {"-e", "A B=x", "a", "w", "--", "sh"},
	    {"-w", "relative", "a", "w", "--", "sh"},
	    {"--hostname", "-bad", "a", "w", "--", "sh"},
	    {"--network", "bridge", "a", "w", "--", "sh"},
	    {"-u", "", "a", "w", "--", "sh"},
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(*refused); i++) {
		char *argv[10] = {"container-fs"};
		for (int j = 0; j < 8 && refused[i][j]; j++)
			argv[j + 1] = (char *)refused[i][j];
		r = parse(&o, &action, &f, argv);
		char name[128];
		snprintf(name, sizeof(name), "args: refused: %s %s", argv[1],
			 argv[2]);
		check(r < 0 && f.status == 125 && f.detail[0], name);
	}
}

/* Parses text; returns parse_json's result, the tree in *root. */
static int json(const char *text, struct json *root, char *error)
{
	free_json(root);
	return parse_json(text, strlen(text), 1 << 20, root, error, 200);
}

static void test_json(void)
{
	struct json root = {0};
	char error[200];
	long long n;
	bool b;
	int r = json(
	    "{\"a\": [1, -2, 3.5e2, true, null, \"x\\u00e9\\ud83d\\ude00\"],"
	    " \"b\": {\"c\": false}}",
	    &root, error);
	const struct json *a = json_member(&root, "a");
	check(r == 0 && root.type == JSON_OBJECT && root.count == 2 && a &&
		  a->type == JSON_ARRAY && a->count == 6 &&
		  json_integer(&a->items[0], 0, 10, &n) && n == 1 &&
		  json_integer(&a->items[1], -5, 5, &n) && n == -2 &&
		  !json_integer(&a->items[2], -1000, 1000, &n) &&
		  json_boolean(&a->items[3], &b) && b &&
		  a->items[4].type == JSON_NULL &&
		  strcmp(json_string(&a->items[5]),
			 "x\xc3\xa9\xf0\x9f\x98\x80") == 0 &&
		  json_boolean(json_member(json_member(&root, "b"), "c"), &b) &&
		  !b && !json_member(&root, "missing"),
	      "json: a document, escapes and surrogate pairs decoded");
	check(json_integer(&a->items[0], 2, 10, &n) == false,
	      "json: an integer out of range is refused");
	static const char *const refused[] = {
	    "",
	    "{",
	    "[1,]",
	    "{\"a\":1,}",
	    "{'a':1}",
	    "[01]",
	    "[1.]",
	    "[.5]",
	    "[NaN]",
	    "// x\n1",
	    "[1] [2]",
	    "\"\\x\"",
	    "\"\\u12\"",
	    "\"\\ud800\"",
	    "\"\\udc00x\"",
	    "\"\\u0000\"",
	    "\"\xc0\xaf\"",
	    "\"\xed\xa0\x80\"",
	    "\"\x01\"",
	    "{\"a\":1,\"a\":2}",
	    "[tru]",
	    "\"abc",
	};
	for (size_t i = 0; i < sizeof(refused) / sizeof(*refused); i++) {
		char name[80];
		snprintf(name, sizeof(name), "json: refused #%zu", i);
		check(json(refused[i], &root, error) < 0 && error[0], name);
	}
	char deep[2 * JSON_MAX_DEPTH + 8];
	memset(deep, '[', JSON_MAX_DEPTH);
	memset(deep + JSON_MAX_DEPTH, ']', JSON_MAX_DEPTH);
	deep[2 * JSON_MAX_DEPTH] = '\0';
	check(json(deep, &root, error) == 0, "json: nesting at the limit");
	memset(deep, '[', JSON_MAX_DEPTH + 1);
	memset(deep + JSON_MAX_DEPTH + 1, ']', JSON_MAX_DEPTH + 1);
	deep[2 * JSON_MAX_DEPTH + 2] = '\0';
	check(json(deep, &root, error) < 0 && strstr(error, "nested deeper"),
	      "json: nesting past the limit refused");
	r = json("{\n  \"a\": 1\n  \"b\": 2}", &root, error);
	check(r < 0 && strstr(error, "line 3, column 3"),
	      "json: errors say the line and column");
	free_json(&root);
	check(parse_json("[1]", 3, 2, &root, error, sizeof(error)) < 0,
	      "json: larger than allowed refused");
	free_json(&root);
}

static void test_parse_verbs(void)
{
	struct container_spec o;
	enum action action;
	struct failure f;

	int r = parse(&o, &action, &f, ARGV("rm", "w1", "w2"));
	check(r == 0 && action == ACTION_RM && cl.operand_count == 2 &&
		  strcmp(cl.operands[0], "w1") == 0 &&
		  strcmp(cl.operands[1], "w2") == 0,
	      "verbs: rm WRITEDIR...");

	r = parse(&o, &action, &f, ARGV("rm", "w", "--", "true"));
	check(r == 0 && action == ACTION_RUN && o.layer_count == 1 &&
		  strcmp(o.layers[0], "rm") == 0,
	      "verbs: with '--', rm is a LAYER");

	r = parse(&o, &action, &f, (char *[]){"container-fs", "rm", NULL});
	check(r < 0 && strstr(f.detail, "at least one WRITEDIR"),
	      "verbs: rm without a WRITEDIR");

	r = parse(&o, &action, &f, ARGV("rm", "-f", "w"));
	check(r < 0 && strstr(f.detail, "rm takes no options"),
	      "verbs: rm takes no options");

	r = parse(&o, &action, &f, ARGV("rm", ""));
	check(r < 0 && strstr(f.detail, "empty"), "verbs: rm of an empty path");

	r = parse(&o, &action, &f, ARGV("w", "rm"));
	check(r < 0 && strstr(f.detail, "missing '--'"),
	      "verbs: only as the first word");

	r = parse(&o, &action, &f, ARGV("--single-id", "a", "w", "--", "true"));
	check(r == 0 && o.single_id && o.layer_count == 1, "args: --single-id");
	free_spec(&cl.spec);
}

static void test_hostnames(void)
{
	check(valid_hostname("box") && valid_hostname("a-b.c9") &&
		  valid_hostname("1"),
	      "hostname: plain names");
	check(!valid_hostname("") && !valid_hostname("-a") &&
		  !valid_hostname("a-") && !valid_hostname("a..b") &&
		  !valid_hostname("a b") && !valid_hostname("a_b") &&
		  !valid_hostname(".a") && !valid_hostname("a."),
	      "hostname: refused");
	char long_name[70];
	memset(long_name, 'a', 65);
	long_name[65] = '\0';
	check(!valid_hostname(long_name), "hostname: 65 bytes refused");
	long_name[60] = '\0';
	check(valid_hostname(long_name), "hostname: 60 bytes");
}

static void test_path_is_within(void)
{
	check(path_is_within("/a/b", "/a"), "within: child");
	check(path_is_within("/a", "/a"), "within: itself");
	check(!path_is_within("/ab", "/a"),
	      "within: sibling with a prefix name");
	check(path_is_within("/x", "/"), "within: everything is within /");
	check(!path_is_within("/a", "/a/b"), "within: parent is not within");
}

int main(void)
{
	test_escape_directory();
	test_append_string();
	test_build_lowerdir();
	test_parse_command_line();
	test_parse_verbs();
	test_hostnames();
	test_json();
	test_path_is_within();
	test_seccomp();
	test_image();
	test_bundle();
	test_bundle_resources();
	return failures ? 1 : 0;
}
