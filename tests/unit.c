/* unit.c - unit tests of the string builder, escaping, the lowerdir
 * order and argument splitting. Prints "ok - NAME" or "not ok - NAME"
 * for each case; tests/run counts them. */
#include <errno.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>

#include "cli.h"
#include "overlay.h"
#include "seccomp.h"
#include "utils.h"

static int failures;

static void check(int condition, const char *name)
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

/* Parses a NULL-terminated argv; returns parse_command_line's result. */
static int parse(struct options *o, struct failure *f, char **argv)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	return parse_command_line(argc, argv, o, f);
}

#define ARGV(...) ((char *[]){"container-fs", __VA_ARGS__, NULL})

static void test_parse_command_line(void)
{
	struct options o;
	struct failure f;

	int r =
	    parse(&o, &f, ARGV("rootfs", "app", "w", "--", "sh", "-c", "x"));
	check(r == 0 && o.layer_count == 2 &&
		  strcmp(o.layers[0], "rootfs") == 0 &&
		  strcmp(o.layers[1], "app") == 0 &&
		  strcmp(o.writedir, "w") == 0 &&
		  strcmp(o.command[0], "sh") == 0 &&
		  strcmp(o.command[2], "x") == 0 && o.command[3] == NULL,
	      "args: split at '--' into layers, writedir, command");

	r = parse(&o, &f, ARGV("a", "w", "--", "cmd", "--", "--help"));
	check(r == 0 && strcmp(o.command[1], "--") == 0 &&
		  strcmp(o.command[2], "--help") == 0,
	      "args: only the first '--' splits; the rest is the command's");

	r = parse(
	    &o, &f,
	    ARGV("--workdir", "wd", "--legacy-mount", "a", "w", "--", "true"));
	check(r == 0 && o.workdir && strcmp(o.workdir, "wd") == 0 &&
		  o.legacy_mount && o.layer_count == 1,
	      "args: options before the first directory");

	r = parse(&o, &f, ARGV("a", "--legacy-mount", "w", "--", "true"));
	check(r < 0 && strstr(f.detail, "options go before the first"),
	      "args: after the first directory, '-' words are refused");

	r = parse(&o, &f, ARGV("a", "w", "sh"));
	check(r < 0 && strstr(f.detail, "missing '--'"), "args: missing '--'");

	r = parse(&o, &f, ARGV("a", "w", "--"));
	check(r < 0 && strstr(f.detail, "missing COMMAND"),
	      "args: '--' without a command");

	r = parse(&o, &f, ARGV("w", "--", "sh"));
	check(r < 0 && strstr(f.detail, "at least one LAYER"),
	      "args: one directory is not enough");

	r = parse(&o, &f, ARGV("--", "sh"));
	check(r < 0 && f.status == 125, "args: no directory at all");

	r = parse(&o, &f, ARGV("--bogus", "a", "w", "--", "sh"));
	check(r < 0 && strstr(f.detail, "unknown option '--bogus'"),
	      "args: unknown option");

	r = parse(&o, &f, ARGV("a", "w", "--workdir"));
	check(r < 0, "args: nothing but directories and an option");

	r = parse(&o, &f, ARGV("--workdir"));
	check(r < 0 && strstr(f.detail, "needs a value"),
	      "args: option without its value");

	r = parse(&o, &f, ARGV("", "w", "--", "sh"));
	check(r < 0 && strstr(f.detail, "empty"), "args: empty path refused");

	r = parse(&o, &f, ARGV("--help"));
	check(r == 0 && o.action == ACTION_HELP, "args: --help");

	r = parse(&o, &f, ARGV("-V", "a", "w", "--", "sh"));
	check(r == 0 && o.action == ACTION_VERSION, "args: -V");

	r = parse(&o, &f, (char *[]){"container-fs", NULL});
	check(r < 0, "args: no arguments at all");

	r = parse(&o, &f, ARGV("--single-id", "a", "w", "--", "true"));
	check(r == 0 && o.single_id && o.layer_count == 1, "args: --single-id");
}

static void test_parse_verbs(void)
{
	struct options o;
	struct failure f;

	int r = parse(&o, &f, ARGV("rm", "w1", "w2"));
	check(r == 0 && o.action == ACTION_RM && o.target_count == 2 &&
		  strcmp(o.targets[0], "w1") == 0 &&
		  strcmp(o.targets[1], "w2") == 0,
	      "verbs: rm WRITEDIR...");

	r = parse(&o, &f, ARGV("rm", "w", "--", "true"));
	check(r == 0 && o.action == ACTION_RUN && o.layer_count == 1 &&
		  strcmp(o.layers[0], "rm") == 0,
	      "verbs: with '--', rm is a LAYER");

	r = parse(&o, &f, (char *[]){"container-fs", "rm", NULL});
	check(r < 0 && strstr(f.detail, "at least one WRITEDIR"),
	      "verbs: rm without a WRITEDIR");

	r = parse(&o, &f, ARGV("rm", "-f", "w"));
	check(r < 0 && strstr(f.detail, "rm takes no options"),
	      "verbs: rm takes no options");

	r = parse(&o, &f, ARGV("rm", ""));
	check(r < 0 && strstr(f.detail, "empty"), "verbs: rm of an empty path");

	r = parse(&o, &f, ARGV("w", "rm"));
	check(r < 0 && strstr(f.detail, "missing '--'"),
	      "verbs: only as the first word");
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

/* Runs a classic BPF program the way the kernel runs a seccomp filter,
 * for the instructions build_seccomp_filter uses; counts the steps.
 * Returns the filter's answer, or 0xdead on anything it cannot run
 * (a jump out of the program, an unknown instruction). */
static unsigned run_filter(const struct sock_filter *program, int length,
			   const struct seccomp_data *data, int *steps)
{
	unsigned a = 0;
	*steps = 0;
	for (int pc = 0; pc >= 0 && pc < length; pc++) {
		const struct sock_filter *i = &program[pc];
		++*steps;
		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (i->k + 4 > sizeof(*data))
				return 0xdead;
			memcpy(&a, (const char *)data + i->k, 4);
			break;
		case BPF_RET | BPF_K:
			return i->k;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += a > i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += a & i->k ? i->jt : i->jf;
			break;
		default:
			return 0xdead;
		}
	}
	return 0xdead;
}

static unsigned filter_answer(const struct sock_filter *program, int length,
			      unsigned arch, int nr, unsigned long flags,
			      int *steps)
{
	struct seccomp_data data = {.nr = nr, .arch = arch};
	data.args[0] = flags;
	return run_filter(program, length, &data, steps);
}

/* Every system call number gets the answer the refused list gives it,
 * in a few steps (the filter is a binary search, not a list). */
static void test_seccomp_filter(void)
{
	struct sock_filter program[SECCOMP_MAX_INSTRUCTIONS];
	int length = build_seccomp_filter(program);
	check(length > 0 && length <= SECCOMP_MAX_INSTRUCTIONS,
	      "seccomp: filter builds");
	if (length <= 0)
		return;
	const unsigned refuse = SECCOMP_RET_ERRNO | EPERM;
	int wrong = 0;
	int longest = 0;
	for (int nr = 0; nr < 1024; nr++) {
		int refused = 0;
		for (int i = 0; i < seccomp_refused_count; i++)
			refused |= seccomp_refused_calls[i] == nr;
		unsigned expected = refused ? refuse : SECCOMP_RET_ALLOW;
		if (nr == SYS_clone3)
			expected = SECCOMP_RET_ERRNO | ENOSYS;
		int steps;
		unsigned got = filter_answer(program, length, AUDIT_ARCH_NATIVE,
					     nr, 0, &steps);
		if (got != expected && wrong++ < 5)
			fprintf(stderr, "  seccomp: call %d got %#x, not %#x\n",
				nr, got, expected);
		if (got == SECCOMP_RET_ALLOW && steps > longest)
			longest = steps;
	}
	check(wrong == 0, "seccomp: each call number gets the listed answer");
	if (longest > 24)
		fprintf(stderr, "  seccomp: an allowed call took %d steps\n",
			longest);
	check(longest <= 24, "seccomp: an allowed call passes in few steps");
	int steps;
	check(filter_answer(program, length, AUDIT_ARCH_NATIVE, SYS_mount, 0,
			    &steps) == refuse &&
		  filter_answer(program, length, AUDIT_ARCH_NATIVE, SYS_reboot,
				0, &steps) == refuse &&
		  filter_answer(program, length, AUDIT_ARCH_NATIVE, SYS_read, 0,
				&steps) == SECCOMP_RET_ALLOW,
	      "seccomp: mount and reboot refused, read allowed");
	check(filter_answer(program, length, AUDIT_ARCH_NATIVE, SYS_clone,
			    CLONE_NEWUSER, &steps) == refuse &&
		  filter_answer(program, length, AUDIT_ARCH_NATIVE, SYS_clone,
				CLONE_NEWNS | CLONE_VM, &steps) == refuse,
	      "seccomp: clone with a namespace flag refused");
	check(filter_answer(program, length, AUDIT_ARCH_NATIVE, SYS_clone,
			    CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
				CLONE_THREAD,
			    &steps) == SECCOMP_RET_ALLOW,
	      "seccomp: clone for a thread allowed");
	check(filter_answer(program, length, AUDIT_ARCH_I386, SYS_read, 0,
			    &steps) == SECCOMP_RET_KILL_PROCESS,
	      "seccomp: another architecture's call kills");
#ifdef __x86_64__
	check(filter_answer(program, length, AUDIT_ARCH_NATIVE,
			    X32_SYSCALL_BIT | SYS_read, 0, &steps) == refuse,
	      "seccomp: x32 calls refused");
#endif
}

int main(void)
{
	test_escape_directory();
	test_append_string();
	test_build_lowerdir();
	test_parse_command_line();
	test_parse_verbs();
	test_path_is_within();
	test_seccomp_filter();
	return failures ? 1 : 0;
}
