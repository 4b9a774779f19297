/* tar.c - a strict, bounded, streaming tar reader (see tar.h).
 *
 * Framing follows Go's archive/tar, which writes nearly every image
 * layer: a header block, then for regular files size bytes of data
 * padded to a block; links, directories, devices and FIFOs never have
 * data, whatever their size field says. Pax 'x' headers and GNU 'L'/'K'
 * records apply to the next entry; pax 'g' headers are checked and
 * otherwise ignored. */
#include "tar.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int refuse(struct tar_reader *r, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

static int refuse(struct tar_reader *r, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	vsnprintf(r->error, sizeof(r->error), format, args);
	va_end(args);
	return -1;
}

void tar_begin(struct tar_reader *r, struct tar_input input)
{
	*r = (struct tar_reader){.input = input};
}

/* Reads exactly length bytes; a short input is a truncated archive. */
static int read_exactly(struct tar_reader *r, void *buffer, size_t length)
{
	char *p = buffer;
	while (length > 0) {
		ssize_t n = r->input.read(r->input.context, p, length);
		if (n < 0)
			return refuse(r, "read failed");
		if (n == 0)
			return refuse(r, "truncated: the archive ends inside "
					 "an entry");
		p += n;
		length -= (size_t)n;
		r->offset += (uint64_t)n;
	}
	return 0;
}

/* Skips length bytes of input. */
static int skip(struct tar_reader *r, uint64_t length)
{
	char buffer[64 * 1024];
	if (r->input.skip && length > 0) {
		if (r->input.skip(r->input.context, length) < 0)
			return refuse(r, "read failed");
		r->offset += length;
		return 0;
	}
	while (length > 0) {
		size_t chunk =
		    length < sizeof(buffer) ? length : sizeof(buffer);
		if (read_exactly(r, buffer, chunk) < 0)
			return -1;
		length -= chunk;
	}
	return 0;
}

ssize_t tar_read(struct tar_reader *r, void *buffer, size_t length)
{
	if (r->remaining == 0)
		return 0;
	if (length > r->remaining)
		length = r->remaining;
	ssize_t n = r->input.read(r->input.context, buffer, length);
	if (n < 0)
		return refuse(r, "read failed");
	if (n == 0)
		return refuse(r, "truncated: the archive ends inside a file");
	r->offset += (uint64_t)n;
	r->remaining -= (uint64_t)n;
	return n;
}

/* A numeric field: octal digits (leading spaces allowed, ended by a
 * space or NUL), or GNU's base-256 for large values. Negative base-256
 * values are refused. */
static int parse_number(struct tar_reader *r, const char *field, size_t length,
			const char *what, uint64_t *out)
{
	const unsigned char *p = (const unsigned char *)field;
	uint64_t value = 0;
	if (p[0] & 0x80) {
		if (p[0] & 0x40)
			return refuse(r, "negative %s", what);
		value = p[0] & 0x3f;
		for (size_t i = 1; i < length; i++) {
			if (value >> 55)
				return refuse(r, "%s too large", what);
			value = value << 8 | p[i];
		}
		*out = value;
		return 0;
	}
	size_t i = 0;
	while (i < length && p[i] == ' ')
		i++;
	size_t digits = 0;
	for (; i < length && p[i] >= '0' && p[i] <= '7'; i++, digits++) {
		if (value >> 60)
			return refuse(r, "%s too large", what);
		value = value * 8 + (p[i] - '0');
	}
	for (; i < length; i++)
		if (p[i] != ' ' && p[i] != '\0')
			return refuse(r, "bad %s field", what);
	*out = value;
	return 0;
}

/* Decimal, for pax values: digits only (mtime may have a fraction,
 * which is dropped, and a sign). */
static bool parse_decimal(const char *text, bool fraction, uint64_t maximum,
			  int64_t *out)
{
	bool negative = fraction && *text == '-';
	const char *p = text + negative;
	if (*p < '0' || *p > '9')
		return false;
	uint64_t value = 0;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (value > (maximum - (uint64_t)(*p - '0')) / 10)
			return false;
		value = value * 10 + (uint64_t)(*p - '0');
	}
	if (fraction && *p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (*p)
		return false;
	*out = negative ? -(int64_t)value : (int64_t)value;
	return true;
}

/* What pax and GNU headers said about the next entry. */
struct pending {
	char *path, *linkpath, *long_name, *long_link;
	bool has_size, has_uid, has_gid, has_mtime;
	int64_t size, uid, gid, mtime;
	struct tar_xattr *xattrs;
	size_t xattr_count;
};

static void free_pending(struct pending *p)
{
	free(p->path);
	free(p->linkpath);
	free(p->long_name);
	free(p->long_link);
	for (size_t i = 0; i < p->xattr_count; i++) {
		free(p->xattrs[i].name);
		free(p->xattrs[i].value);
	}
	free(p->xattrs);
	*p = (struct pending){0};
}

/* A copy of value that must hold no NUL (names and links). */
static int take_text(struct tar_reader *r, const char *key, const char *value,
		     size_t length, char **out)
{
	if (memchr(value, '\0', length) || length == 0)
		return refuse(r, "pax %s empty or holding a NUL byte", key);
	free(*out);
	*out = strndup(value, length);
	return *out ? 0 : refuse(r, "out of memory");
}

static int add_xattr(struct tar_reader *r, struct pending *p, const char *name,
		     const char *value, size_t length)
{
	if (!*name || strlen(name) > 255)
		return refuse(r, "bad xattr name in a pax header");
	if (length > TAR_MAX_XATTR)
		return refuse(r, "xattr %.100s larger than %d bytes", name,
			      TAR_MAX_XATTR);
	for (size_t i = 0; i < p->xattr_count; i++)
		if (strcmp(p->xattrs[i].name, name) == 0)
			return refuse(r, "xattr %.100s given twice", name);
	if (p->xattr_count == TAR_MAX_XATTRS)
		return refuse(r, "more than %d xattrs on one entry",
			      TAR_MAX_XATTRS);
	struct tar_xattr *grown =
	    realloc(p->xattrs, (p->xattr_count + 1) * sizeof(*grown));
	if (!grown)
		return refuse(r, "out of memory");
	p->xattrs = grown;
	struct tar_xattr *x = &grown[p->xattr_count];
	x->name = strdup(name);
	x->value = malloc(length + 1);
	if (!x->name || !x->value) {
		free(x->name);
		free(x->value);
		return refuse(r, "out of memory");
	}
	memcpy(x->value, value, length);
	x->value[length] = '\0';
	x->length = length;
	p->xattr_count++;
	return 0;
}

/* One "key=value" of a pax 'x' header (value is length bytes). */
static int apply_record(struct tar_reader *r, struct pending *p,
			const char *key, const char *value, size_t length)
{
	static const struct {
		const char *key;
		size_t offset_has, offset_value;
		bool fraction;
	} numbers[] = {
	    {"size", offsetof(struct pending, has_size),
	     offsetof(struct pending, size), false},
	    {"uid", offsetof(struct pending, has_uid),
	     offsetof(struct pending, uid), false},
	    {"gid", offsetof(struct pending, has_gid),
	     offsetof(struct pending, gid), false},
	    {"mtime", offsetof(struct pending, has_mtime),
	     offsetof(struct pending, mtime), true},
	};
	if (strcmp(key, "path") == 0)
		return take_text(r, key, value, length, &p->path);
	if (strcmp(key, "linkpath") == 0)
		return take_text(r, key, value, length, &p->linkpath);
	if (strncmp(key, "SCHILY.xattr.", 13) == 0)
		return add_xattr(r, p, key + 13, value, length);
	if (strncmp(key, "GNU.sparse.", 11) == 0)
		return refuse(r, "sparse files are not supported");
	for (size_t i = 0; i < sizeof(numbers) / sizeof(*numbers); i++) {
		if (strcmp(key, numbers[i].key) != 0)
			continue;
		int64_t n;
		uint64_t maximum = strcmp(key, "size") == 0 ? TAR_MAX_SIZE
				   : numbers[i].fraction    ? INT64_MAX
							    : UINT32_MAX - 1;
		if (memchr(value, '\0', length) ||
		    !parse_decimal(value, numbers[i].fraction, maximum, &n))
			return refuse(r, "bad pax %s '%.40s'", key, value);
		*(bool *)((char *)p + numbers[i].offset_has) = true;
		*(int64_t *)((char *)p + numbers[i].offset_value) = n;
		return 0;
	}
	return 0; /* atime, ctime, uname, gname, comment ...: not kept */
}

/* Parses the records "LENGTH KEY=VALUE\n" of a pax header in text. A
 * global header (apply false) is only checked. */
static int parse_pax(struct tar_reader *r, struct pending *p, char *text,
		     size_t length, bool apply)
{
	size_t at = 0;
	while (at < length) {
		size_t record = 0, digits = 0;
		while (at + digits < length && text[at + digits] >= '0' &&
		       text[at + digits] <= '9' && digits < 8)
			record =
			    record * 10 + (size_t)(text[at + digits++] - '0');
		if (digits == 0 || at + digits >= length ||
		    text[at + digits] != ' ' || record > length - at ||
		    record < digits + 3 || text[at + record - 1] != '\n')
			return refuse(r, "bad pax record at byte %zu", at);
		char *key = text + at + digits + 1;
		char *end = text + at + record - 1;
		char *equals = memchr(key, '=', (size_t)(end - key));
		if (!equals || equals == key)
			return refuse(r, "bad pax record at byte %zu", at);
		*equals = '\0';
		*end = '\0'; /* values are then strings too (xattrs keep
			      * their length: they may hold NULs) */
		if (memchr(key, '\0', (size_t)(equals - key)))
			return refuse(r, "bad pax key at byte %zu", at);
		if (apply && apply_record(r, p, key, equals + 1,
					  (size_t)(end - equals - 1)) < 0)
			return -1;
		at += record;
	}
	return 0;
}

/* Reads a meta entry's data (pax header or GNU long name): at most
 * TAR_MAX_META bytes, NUL-terminated. */
static char *read_meta(struct tar_reader *r, uint64_t size)
{
	if (size > TAR_MAX_META) {
		refuse(r, "a pax header or long name of %llu bytes",
		       (unsigned long long)size);
		return NULL;
	}
	char *text = malloc(size + 1);
	if (!text) {
		refuse(r, "out of memory");
		return NULL;
	}
	uint64_t padding = (TAR_BLOCK - size % TAR_BLOCK) % TAR_BLOCK;
	if (read_exactly(r, text, size) < 0 || skip(r, padding) < 0) {
		free(text);
		return NULL;
	}
	text[size] = '\0';
	return text;
}

/* A GNU long name or link: the name, up to its first NUL. */
static int take_long(struct tar_reader *r, uint64_t size, char **out)
{
	char *text = read_meta(r, size);
	if (!text)
		return -1;
	free(*out);
	*out = text;
	if (!text[0])
		return refuse(r, "empty GNU long name");
	return 0;
}

static bool all_zero(const unsigned char *block)
{
	for (int i = 0; i < TAR_BLOCK; i++)
		if (block[i])
			return false;
	return true;
}

static int check_sum(struct tar_reader *r, const unsigned char *h)
{
	uint64_t stored;
	if (parse_number(r, (const char *)h + 148, 8, "checksum", &stored) < 0)
		return -1;
	/* The sum of all bytes with the checksum field as spaces; some old
	 * tars summed signed chars. */
	long unsigned_sum = 8 * ' ', signed_sum = 8 * ' ';
	for (int i = 0; i < TAR_BLOCK; i++) {
		if (i >= 148 && i < 156)
			continue;
		unsigned_sum += h[i];
		signed_sum += (signed char)h[i];
	}
	if ((long)stored != unsigned_sum && (long)stored != signed_sum)
		return refuse(r,
			      "bad header checksum at byte %llu: not a tar "
			      "archive, or a damaged one",
			      (unsigned long long)(r->offset - TAR_BLOCK));
	return 0;
}

/* A fixed-size text field up to its first NUL, copied. */
static char *field(const unsigned char *h, size_t offset, size_t length)
{
	return strndup((const char *)h + offset, length);
}

static int header_name(struct tar_reader *r, const unsigned char *h, bool posix,
		       struct tar_entry *e)
{
	char *name = field(h, 0, 100);
	if (!name)
		return refuse(r, "out of memory");
	if (posix && h[345]) {
		char *prefix = field(h, 345, 155);
		char *joined = NULL;
		if (prefix && asprintf(&joined, "%s/%s", prefix, name) < 0)
			joined = NULL;
		free(prefix);
		free(name);
		name = joined;
		if (!name)
			return refuse(r, "out of memory");
	}
	e->name = name;
	return 0;
}

static int numbers(struct tar_reader *r, const unsigned char *h,
		   const struct pending *p, struct tar_entry *e)
{
	uint64_t mode, uid, gid, size, mtime, major, minor;
	if (parse_number(r, (const char *)h + 100, 8, "mode", &mode) < 0 ||
	    parse_number(r, (const char *)h + 108, 8, "uid", &uid) < 0 ||
	    parse_number(r, (const char *)h + 116, 8, "gid", &gid) < 0 ||
	    parse_number(r, (const char *)h + 124, 12, "size", &size) < 0 ||
	    parse_number(r, (const char *)h + 136, 12, "mtime", &mtime) < 0 ||
	    parse_number(r, (const char *)h + 329, 8, "devmajor", &major) < 0 ||
	    parse_number(r, (const char *)h + 337, 8, "devminor", &minor) < 0)
		return -1;
	if (p->has_size)
		size = (uint64_t)p->size;
	if (p->has_uid)
		uid = (uint64_t)p->uid;
	if (p->has_gid)
		gid = (uint64_t)p->gid;
	if (size > TAR_MAX_SIZE)
		return refuse(r, "%s: size too large", e->name);
	if (uid >= UINT32_MAX || gid >= UINT32_MAX)
		return refuse(r, "%s: uid or gid out of range", e->name);
	if (major > 0xfff || minor > 0xfffff)
		return refuse(r, "%s: device number out of range", e->name);
	e->mode = (mode_t)(mode & 07777);
	e->uid = (uid_t)uid;
	e->gid = (gid_t)gid;
	e->size = size;
	e->mtime = p->has_mtime ? p->mtime : (int64_t)mtime;
	e->major = (unsigned)major;
	e->minor = (unsigned)minor;
	return 0;
}

static int entry_type(struct tar_reader *r, char flag, struct tar_entry *e)
{
	static const char flags[] = "01234567";
	static const enum tar_type types[] = {
	    TAR_FILE,	      TAR_HARDLINK,  TAR_SYMLINK, TAR_CHAR,
	    TAR_BLOCK_DEVICE, TAR_DIRECTORY, TAR_FIFO,	  TAR_FILE,
	};
	const char *at = flag ? strchr(flags, flag) : flags;
	if (!at)
		return refuse(r, "%.200s: entry type '%c' is not supported",
			      e->name, flag >= ' ' && flag < 127 ? flag : '?');
	e->type = types[at - flags];
	/* Old tars mark a directory by a trailing slash alone. */
	size_t length = strlen(e->name);
	if (e->type == TAR_FILE && flag != '7' && length > 0 &&
	    e->name[length - 1] == '/')
		e->type = TAR_DIRECTORY;
	return 0;
}

/* Builds the entry from header h and what came before it. */
static int make_entry(struct tar_reader *r, const unsigned char *h, bool posix,
		      struct pending *p, struct tar_entry *e)
{
	if (p->path || p->long_name) {
		e->name = p->path ? p->path : p->long_name;
		if (p->path) {
			p->path = NULL;
		} else {
			p->long_name = NULL;
		}
	} else if (header_name(r, h, posix, e) < 0) {
		return -1;
	}
	if (!e->name[0])
		return refuse(r, "an entry without a name");
	if (entry_type(r, (char)h[156], e) < 0 || numbers(r, h, p, e) < 0)
		return -1;
	if (e->type == TAR_HARDLINK || e->type == TAR_SYMLINK) {
		if (p->linkpath || p->long_link) {
			e->link = p->linkpath ? p->linkpath : p->long_link;
			if (p->linkpath)
				p->linkpath = NULL;
			else
				p->long_link = NULL;
		} else {
			e->link = field(h, 157, 100);
			if (!e->link)
				return refuse(r, "out of memory");
		}
		if (!e->link[0])
			return refuse(r, "%.200s: a link without a target",
				      e->name);
	}
	e->xattrs = p->xattrs;
	e->xattr_count = p->xattr_count;
	p->xattrs = NULL;
	p->xattr_count = 0;
	if (e->type != TAR_FILE)
		e->size = 0; /* header-only types: see the top */
	return 0;
}

void tar_free_entry(struct tar_entry *e)
{
	free(e->name);
	free(e->link);
	for (size_t i = 0; i < e->xattr_count; i++) {
		free(e->xattrs[i].name);
		free(e->xattrs[i].value);
	}
	free(e->xattrs);
	*e = (struct tar_entry){0};
}

int tar_next(struct tar_reader *r, struct tar_entry *e)
{
	unsigned char h[TAR_BLOCK];
	struct pending p = {0};
	int result = -1;
	tar_free_entry(e);
	if (r->ended)
		return 0;
	if (skip(r, r->remaining + r->padding) < 0)
		return -1;
	r->remaining = r->padding = 0;
	for (;;) {
		if (read_exactly(r, h, TAR_BLOCK) < 0)
			goto done;
		if (all_zero(h)) {
			/* The end: the second zero block may be missing. */
			r->ended = true;
			result = p.path || p.long_name || p.xattr_count
				     ? refuse(r, "a pax header or long name "
						 "before the end")
				     : 0;
			goto done;
		}
		if (check_sum(r, h) < 0)
			goto done;
		bool posix = memcmp(h + 257,
				    "ustar\0"
				    "00",
				    8) == 0;
		bool gnu = memcmp(h + 257, "ustar  \0", 8) == 0;
		if (!posix && !gnu && memcmp(h + 257, "\0\0\0\0\0\0", 6) != 0) {
			refuse(r, "unknown tar format at byte %llu",
			       (unsigned long long)(r->offset - TAR_BLOCK));
			goto done;
		}
		char flag = (char)h[156];
		uint64_t size;
		if (flag == 'x' || flag == 'g' || flag == 'L' || flag == 'K') {
			if (parse_number(r, (const char *)h + 124, 12, "size",
					 &size) < 0)
				goto done;
		}
		if (flag == 'x' || flag == 'g') {
			char *text = read_meta(r, size);
			int parsed =
			    text ? parse_pax(r, &p, text, size, flag == 'x')
				 : -1;
			free(text);
			if (parsed < 0)
				goto done;
			continue;
		}
		if (flag == 'L' || flag == 'K') {
			if (take_long(r, size,
				      flag == 'L' ? &p.long_name
						  : &p.long_link) < 0)
				goto done;
			continue;
		}
		if (make_entry(r, h, posix, &p, e) < 0)
			goto done;
		e->data_offset = r->offset;
		r->remaining = e->size;
		r->padding = (TAR_BLOCK - e->size % TAR_BLOCK) % TAR_BLOCK;
		result = 1;
		goto done;
	}
done:
	free_pending(&p);
	if (result < 0)
		tar_free_entry(e);
	return result;
}
