/* seccomp_bpf.c - a seccomp profile compiled to classic BPF: the
 * architecture checked, the call number found by binary search over
 * runs of numbers with the same answer, then the rules of the call
 * found, in order. The built-in allowlist and an OCI bundle's profile
 * go through the same generator.
 *
 * Two layouts. The compact one (every built-in filter) puts each
 * answer's code once at the end and jumps there from the search and
 * the rules, which needs every jump within 255 instructions (classic
 * BPF's conditional jumps have 8-bit offsets). When a large profile
 * does not fit so, the general one puts each answer where it is needed
 * and reaches the rule blocks and far subtrees with BPF_JA, whose
 * offset has 32 bits. */
#include "seccomp.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>

#define ARCH_OFFSET offsetof(struct seccomp_data, arch)
#define NR_OFFSET   offsetof(struct seccomp_data, nr)
/* The two halves of argument i, whatever the byte order. */
#define LOW_OFFSET(i)                                                          \
	(offsetof(struct seccomp_data, args[i]) +                              \
	 (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? 4 : 0))
#define HIGH_OFFSET(i)                                                         \
	(offsetof(struct seccomp_data, args[i]) +                              \
	 (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? 0 : 4))

/* Jump targets: resolved once every position is known. */
#define MAX_LABELS (3 * SECCOMP_PROGRAM_LIMIT)
enum { NEXT = -1 }; /* "the next instruction": offset 0 */

struct fixup {
	int at;	   /* the instruction */
	int field; /* 0: jt, 1: jf, 2: k (BPF_JA) */
	int label;
};

/* Each call number's answer is a block: an action alone, or rules and
 * the action when none applies. */
struct block {
	uint32_t action; /* alone, or when no rule applies */
	const struct seccomp_rule **rules;
	int rule_count; /* 0: the action alone */
	int label;
};

struct run {
	int first; /* call number */
	int block;
};

struct compiler {
	struct sock_filter *program;
	int length, capacity;
	bool compact;
	int labels[MAX_LABELS];
	int label_count;
	struct fixup *fixups;
	int fixup_count, fixup_capacity;
	struct block *blocks;
	int block_count;
	struct run *runs;
	int run_count;
	int loaded; /* the word in A on the way here, or -1 */
	bool failed;
};

static int new_label(struct compiler *c)
{
	if (c->label_count == MAX_LABELS) {
		c->failed = true;
		return 0;
	}
	c->labels[c->label_count] = -1;
	return c->label_count++;
}

static void place(struct compiler *c, int label)
{
	c->labels[label] = c->length;
}

static int emit(struct compiler *c, struct sock_filter instruction)
{
	if (c->length == c->capacity) {
		c->failed = true;
		return 0;
	}
	c->program[c->length] = instruction;
	return c->length++;
}

static void refer(struct compiler *c, int at, int field, int label)
{
	if (label == NEXT)
		return;
	if (c->fixup_count == c->fixup_capacity) {
		int grown = c->fixup_capacity ? 2 * c->fixup_capacity : 256;
		struct fixup *more =
		    realloc(c->fixups, (size_t)grown * sizeof(*more));
		if (!more) {
			c->failed = true;
			return;
		}
		c->fixups = more;
		c->fixup_capacity = grown;
	}
	c->fixups[c->fixup_count++] = (struct fixup){at, field, label};
}

static void load(struct compiler *c, unsigned offset)
{
	if (c->loaded == (int)offset)
		return;
	emit(c, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offset));
	c->loaded = (int)offset;
}

/* A conditional jump on A: to then or otherwise (labels, or NEXT). */
static void jump(struct compiler *c, unsigned short code, uint32_t k, int then,
		 int otherwise)
{
	int at = emit(
	    c, (struct sock_filter)BPF_JUMP(BPF_JMP | code | BPF_K, k, 0, 0));
	refer(c, at, 0, then);
	refer(c, at, 1, otherwise);
}

static void go_to(struct compiler *c, int label)
{
	int at = emit(c, (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, 0));
	refer(c, at, 2, label);
}

static void give(struct compiler *c, uint32_t action)
{
	emit(c, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, action));
}

/* One 32-bit half of a condition, to pass if it holds and to fail if
 * not (both labels). last_half: the comparison is decided here; else
 * (the high half) equality goes on to the low half, just after. */
static void compare_half(struct compiler *c, const struct seccomp_condition *k,
			 unsigned offset, uint32_t value, uint32_t value_two,
			 bool last_half, int pass, int fail)
{
	load(c, offset);
	switch (k->op) {
	case SECCOMP_EQ:
		jump(c, BPF_JEQ, value, last_half ? pass : NEXT, fail);
		return;
	case SECCOMP_NE:
		jump(c, BPF_JEQ, value, last_half ? fail : NEXT, pass);
		return;
	case SECCOMP_MASKED_EQ:
		if (value_two == 0) { /* no bit of the mask may be set */
			jump(c, BPF_JSET, value, fail, last_half ? pass : NEXT);
			return;
		}
		emit(c, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K,
						     value));
		c->loaded = -1;
		jump(c, BPF_JEQ, value_two, last_half ? pass : NEXT, fail);
		return;
	default:
		break;
	}
	/* Orderings: GT is a > v, GE a >= v, LT !(a >= v), LE !(a > v);
	 * a high half decides unless it is equal. */
	bool greater = k->op == SECCOMP_GT || k->op == SECCOMP_GE;
	bool strict = k->op == SECCOMP_GT || k->op == SECCOMP_LE;
	int when_true = greater ? pass : fail,
	    when_false = greater ? fail : pass;
	if (last_half) {
		jump(c, strict ? BPF_JGT : BPF_JGE, value, when_true,
		     when_false);
		return;
	}
	jump(c, BPF_JGT, value, when_true, NEXT);
	jump(c, BPF_JEQ, value, NEXT, when_false);
}

/* A condition: the high half first (unless low_only, or it cannot
 * matter), then the low half. pass NEXT: on after it. */
static void compare(struct compiler *c, const struct seccomp_condition *k,
		    int pass, int fail)
{
	uint32_t high = (uint32_t)(k->value >> 32), low = (uint32_t)k->value;
	uint32_t high_two = (uint32_t)(k->value_two >> 32);
	uint32_t low_two = (uint32_t)k->value_two;
	bool skip_high = k->low_only || (k->op == SECCOMP_MASKED_EQ &&
					 high == 0 && high_two == 0);
	int after = pass == NEXT ? new_label(c) : pass;
	if (!skip_high)
		compare_half(c, k, HIGH_OFFSET(k->arg), high, high_two, false,
			     after, fail);
	compare_half(c, k, LOW_OFFSET(k->arg), low, low_two, true, after, fail);
	if (pass == NEXT) {
		place(c, after);
		if (!skip_high) /* reached from either half */
			c->loaded = -1;
	}
}

/* Where a rule's action is: the shared block of that action (compact),
 * or a RET right after the rule (general: -1). */
static int action_label(struct compiler *c, uint32_t action)
{
	if (!c->compact)
		return -1;
	for (int i = 0; i < c->block_count; i++)
		if (c->blocks[i].rule_count == 0 &&
		    c->blocks[i].action == action)
			return c->blocks[i].label;
	return -1;
}

/* Whether every condition of r ends with A holding one same word on
 * its way out to the next rule (so that rule need not load it). */
static int word_after(const struct seccomp_rule *r)
{
	int word = -1;
	for (int i = 0; i < r->condition_count; i++) {
		const struct seccomp_condition *k = &r->conditions[i];
		if (!k->low_only ||
		    (k->op == SECCOMP_MASKED_EQ && (uint32_t)k->value_two != 0))
			return -1;
		int here = (int)LOW_OFFSET(k->arg);
		if (word != -1 && word != here)
			return -1;
		word = here;
	}
	return word;
}

static void emit_rules(struct compiler *c, const struct block *b)
{
	int fallthrough = action_label(c, b->action);
	c->loaded = -1;
	for (int i = 0; i < b->rule_count; i++) {
		const struct seccomp_rule *r = b->rules[i];
		bool last = i == b->rule_count - 1;
		int next =
		    last && fallthrough >= 0 ? fallthrough : new_label(c);
		int action = action_label(c, r->action);
		for (int j = 0; j < r->condition_count; j++) {
			bool final = j == r->condition_count - 1;
			compare(c, &r->conditions[j],
				final && action >= 0 ? action : NEXT, next);
		}
		if (action < 0)
			give(c, r->action);
		int word = word_after(r);
		if (next != fallthrough)
			place(c, next);
		c->loaded = word;
	}
	if (fallthrough < 0)
		give(c, b->action);
}

/* The search over runs[low, high): compact, each test jumps straight
 * to a subtree or a block; the general layout is below. */
static void emit_compact_search(struct compiler *c, int low, int high)
{
	int middle = (low + high) / 2;
	int left = middle - low > 1 ? new_label(c)
				    : c->blocks[c->runs[low].block].label;
	int right = high - middle > 1 ? new_label(c)
				      : c->blocks[c->runs[middle].block].label;
	jump(c, BPF_JGE, (uint32_t)c->runs[middle].first, right, left);
	if (middle - low > 1) {
		place(c, left);
		emit_compact_search(c, low, middle);
	}
	if (high - middle > 1) {
		place(c, right);
		emit_compact_search(c, middle, high);
	}
}

/* The general search: a single run is reached inline (its RET, or a
 * BPF_JA to its rules); a right subtree out of reach of the test gets
 * a BPF_JA of its own. Sizes first, so every offset is known. */
static int general_size(const struct compiler *c, int low, int high)
{
	if (high - low == 1)
		return 1;
	int middle = (low + high) / 2;
	int left = general_size(c, low, middle);
	return 1 + (left > 255) + left + general_size(c, middle, high);
}

static void emit_general_search(struct compiler *c, int low, int high)
{
	if (high - low == 1) {
		const struct block *b = &c->blocks[c->runs[low].block];
		if (b->rule_count == 0)
			give(c, b->action);
		else
			go_to(c, b->label);
		return;
	}
	int middle = (low + high) / 2;
	int left = general_size(c, low, middle);
	uint32_t first = (uint32_t)c->runs[middle].first;
	if (left <= 255) {
		emit(c, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
						     first, (unsigned char)left,
						     0));
	} else {
		emit(c, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
						     first, 0, 1));
		emit(c, (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA,
						     (uint32_t)left));
	}
	emit_general_search(c, low, middle);
	emit_general_search(c, middle, high);
}

/* The block for a call's rules, in profile order (by_call[first, end)
 * are their indexes): those with conditions, up to the first without
 * (which gives the fallthrough). */
static int block_of_call(struct compiler *c, const struct seccomp_profile *p,
			 const int *by_call, int first, int end)
{
	struct block b = {.action = p->default_action};
	for (int i = first; i < end; i++) {
		const struct seccomp_rule *r = &p->rules[by_call[i]];
		if (r->condition_count == 0) {
			b.action = r->action;
			break;
		}
		const struct seccomp_rule **more = realloc(
		    b.rules, (size_t)(b.rule_count + 1) * sizeof(*more));
		if (!more) {
			c->failed = true;
			break;
		}
		b.rules = more;
		b.rules[b.rule_count++] = r;
	}
	/* An action alone is shared by every call that has it. */
	if (b.rule_count == 0)
		for (int i = 0; i < c->block_count; i++)
			if (c->blocks[i].rule_count == 0 &&
			    c->blocks[i].action == b.action)
				return i;
	c->blocks[c->block_count] = b;
	return c->block_count++;
}

/* Every number's block, and the runs they make. The rules are sorted
 * by call number first (stably: a call's rules keep their order), so
 * each number looks at its own rules only: a launch compiles its
 * filter, and scanning every rule for every number cost it 80 us.
 * 0 or -1. */
static int plan(struct compiler *c, const struct seccomp_profile *p)
{
	int start[SECCOMP_CALL_LIMIT + 1] = {0};
	int *by_call = malloc((p->rule_count + 1) * sizeof(*by_call));
	c->blocks = calloc(SECCOMP_CALL_LIMIT + 1, sizeof(*c->blocks));
	c->runs = calloc(SECCOMP_CALL_LIMIT + 1, sizeof(*c->runs));
	if (!by_call || !c->blocks || !c->runs) {
		free(by_call);
		return -1;
	}
	for (size_t i = 0; i < p->rule_count; i++) {
		if (p->rules[i].call < 0 ||
		    p->rules[i].call >= SECCOMP_CALL_LIMIT ||
		    p->rules[i].condition_count > SECCOMP_MAX_CONDITIONS) {
			free(by_call);
			return -1;
		}
		start[p->rules[i].call + 1]++;
	}
	for (int nr = 0; nr < SECCOMP_CALL_LIMIT; nr++)
		start[nr + 1] += start[nr];
	int filled[SECCOMP_CALL_LIMIT];
	memcpy(filled, start, sizeof(filled));
	for (size_t i = 0; i < p->rule_count; i++)
		by_call[filled[p->rules[i].call]++] = (int)i;
	for (int nr = 0; nr < SECCOMP_CALL_LIMIT && !c->failed; nr++) {
		int block =
		    block_of_call(c, p, by_call, start[nr], start[nr + 1]);
		if (c->run_count > 0 &&
		    c->runs[c->run_count - 1].block == block)
			continue;
		c->runs[c->run_count++] = (struct run){nr, block};
	}
	free(by_call);
	/* Numbers from SECCOMP_CALL_LIMIT up (and x32's, bit 30 set) get
	 * the default answer, a block of no rules: the last run reaches
	 * to 2^32. */
	int beyond = block_of_call(c, p, NULL, 0, 0);
	if (c->runs[c->run_count - 1].block != beyond)
		c->runs[c->run_count++] =
		    (struct run){SECCOMP_CALL_LIMIT, beyond};
	return c->failed ? -1 : 0;
}

static void emit_header(struct compiler *c, const struct seccomp_profile *p)
{
	/* The numbers below are this architecture's: a call through any
	 * other table (e.g. i386 int 0x80 on x86_64) is killed. */
	load(c, ARCH_OFFSET);
	emit(c, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
					     AUDIT_ARCH_NATIVE, 1, 0));
	give(c, SECCOMP_RET_KILL_PROCESS);
	load(c, NR_OFFSET);
#ifdef X32_SYSCALL_BIT
	/* x32's calls are numbered as x86_64's with bit 30 set: a profile
	 * that allows by default would let an x32 call pass what it
	 * refuses by name. They get ENOSYS then (else the default). */
	uint32_t kind = p->default_action & SECCOMP_RET_ACTION_FULL;
	if (kind == SECCOMP_RET_ALLOW || kind == SECCOMP_RET_LOG ||
	    kind == SECCOMP_RET_TRACE || kind == SECCOMP_RET_USER_NOTIF) {
		emit(c, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K,
						     X32_SYSCALL_BIT, 0, 1));
		give(c, SECCOMP_RET_ERRNO | ENOSYS);
	}
#else
	(void)p;
#endif
}

/* Lays the filter out: header, search, rule blocks, then (compact)
 * the shared actions. Returns the length, or -1. */
static int lay_out(struct compiler *c, const struct seccomp_profile *p)
{
	c->length = c->label_count = c->fixup_count = 0;
	c->failed = false;
	c->loaded = -1;
	for (int i = 0; i < c->block_count; i++)
		c->blocks[i].label = new_label(c);
	emit_header(c, p);
	if (c->run_count == 1) {
		give(c, c->blocks[c->runs[0].block].action);
		return c->failed ? -1 : c->length;
	}
	if (c->compact)
		emit_compact_search(c, 0, c->run_count);
	else
		emit_general_search(c, 0, c->run_count);
	for (int i = 0; i < c->block_count; i++)
		if (c->blocks[i].rule_count > 0) {
			place(c, c->blocks[i].label);
			emit_rules(c, &c->blocks[i]);
		}
	for (int i = 0; c->compact && i < c->block_count; i++)
		if (c->blocks[i].rule_count == 0) {
			place(c, c->blocks[i].label);
			give(c, c->blocks[i].action);
		}
	if (c->failed)
		return -1;
	for (int i = 0; i < c->fixup_count; i++) {
		const struct fixup *x = &c->fixups[i];
		int distance = c->labels[x->label] - x->at - 1;
		if (c->labels[x->label] < 0 || distance < 0)
			return -1;
		if (x->field == 2)
			c->program[x->at].k = (uint32_t)distance;
		else if (distance > 255)
			return -1;
		else if (x->field == 0)
			c->program[x->at].jt = (unsigned char)distance;
		else
			c->program[x->at].jf = (unsigned char)distance;
	}
	return c->length;
}

int compile_seccomp_profile(const struct seccomp_profile *p,
			    struct sock_filter *program, int capacity)
{
	struct compiler c = {.program = program, .capacity = capacity};
	int length = -1;
	if (plan(&c, p) == 0) {
		c.compact = true;
		length = lay_out(&c, p);
		if (length < 0) {
			c.compact = false;
			length = lay_out(&c, p);
		}
	}
	for (int i = 0; c.blocks && i < c.block_count; i++)
		free(c.blocks[i].rules);
	free(c.blocks);
	free(c.runs);
	free(c.fixups);
	return length;
}

int add_seccomp_rule(struct seccomp_profile *p, const struct seccomp_rule *r)
{
	struct seccomp_rule *more =
	    realloc(p->rules, (p->rule_count + 1) * sizeof(*more));
	if (!more)
		return -1;
	p->rules = more;
	p->rules[p->rule_count++] = *r;
	return 0;
}

void free_seccomp_profile(struct seccomp_profile *p)
{
	if (!p)
		return;
	free(p->rules);
	free(p);
}
