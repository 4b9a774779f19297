/* identity.c - who COMMAND runs as: -u USER[:GROUP] and --group-add,
 * names looked up in the container's own /etc/passwd and /etc/group
 * (by hand: the binary is static, NSS is not there, and the host's
 * databases are not the container's). */
#include "identity.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bounds for a database an image may have made hostile. */
#define MAX_LINE     4096
#define MAX_DATABASE (16 * 1024 * 1024)

struct database {
	FILE *in;
	const char *path;
	size_t read;
};

/* Opens /etc/passwd or /etc/group: a regular file only (a FIFO would
 * block, a device would never end). NULL when missing or not one. */
static bool open_database(struct database *d, const char *path)
{
	d->path = path;
	d->read = 0;
	d->in = NULL;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return false;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    !(d->in = fdopen(fd, "r"))) {
		close(fd);
		return false;
	}
	return true;
}

/* The next line split at ':' into at most count fields; a line too
 * long is skipped whole. false at the end (or past MAX_DATABASE). */
static bool next_entry(struct database *d, char *line, char **fields, int count)
{
	while (d->in && d->read < MAX_DATABASE &&
	       fgets(line, MAX_LINE, d->in)) {
		size_t length = strlen(line);
		d->read += length;
		if (length && line[length - 1] != '\n' && !feof(d->in)) {
			int c;
			while ((c = fgetc(d->in)) != EOF && c != '\n')
				d->read++;
			continue;
		}
		line[strcspn(line, "\n")] = '\0';
		int n = 0;
		for (char *p = line; n < count; n++) {
			fields[n] = p;
			char *colon = strchr(p, ':');
			if (!colon) {
				n++;
				break;
			}
			*colon = '\0';
			p = colon + 1;
		}
		if (n == count)
			return true;
	}
	return false;
}

static void close_database(struct database *d)
{
	if (d->in)
		fclose(d->in);
	d->in = NULL;
}

/* A decimal id, 0 to 4294967294 (-1 means "no change" to the kernel). */
static bool parse_id(const char *text, unsigned *id)
{
	char *end;
	if (!text[0] || strspn(text, "0123456789") != strlen(text))
		return false;
	errno = 0;
	unsigned long value = strtoul(text, &end, 10);
	if (errno || value >= 4294967295UL)
		return false;
	*id = (unsigned)value;
	return true;
}

static int refuse(struct failure *f, const char *what, const char *name,
		  const char *where)
{
	fail(f, "user", "", 0);
	snprintf(f->detail, sizeof(f->detail),
		 "%s '%.200s' not found in the container's %s", what, name,
		 where);
	return add_hint(f, "give a number, or a name the image defines");
}

/* Finds the user: by name, or by number (then its entry, if any, gives
 * the group and HOME). name receives the user's name, or "". */
static int find_user(const char *user, struct identity *id, char *name,
		     size_t name_size, struct failure *f)
{
	struct database d;
	char line[MAX_LINE], *fields[7];
	unsigned number = 0;
	bool numeric = parse_id(user, &number);
	bool found = false;
	name[0] = '\0';
	open_database(&d, "/etc/passwd");
	while (!found && next_entry(&d, line, fields, 7)) {
		unsigned uid, gid;
		if (!parse_id(fields[2], &uid) || !parse_id(fields[3], &gid))
			continue;
		if (numeric ? uid != number : strcmp(fields[0], user) != 0)
			continue;
		found = true;
		id->uid = uid;
		id->gid = gid;
		snprintf(id->home, sizeof(id->home), "%s",
			 fields[5][0] ? fields[5] : "/");
		snprintf(name, name_size, "%s", fields[0]);
	}
	close_database(&d);
	if (found)
		return 0;
	if (!numeric)
		return refuse(f, "user", user, "/etc/passwd");
	id->uid = number;
	id->gid = 0; /* Docker's: a user with no entry is in group 0 */
	return 0;
}

static int find_group(const char *group, gid_t *gid, struct failure *f)
{
	unsigned number;
	if (parse_id(group, &number)) {
		*gid = number;
		return 0;
	}
	struct database d;
	char line[MAX_LINE], *fields[4];
	bool found = false;
	open_database(&d, "/etc/group");
	while (!found && next_entry(&d, line, fields, 4))
		found = strcmp(fields[0], group) == 0 &&
			parse_id(fields[2], &number);
	close_database(&d);
	if (!found)
		return refuse(f, "group", group, "/etc/group");
	*gid = number;
	return 0;
}

static int add_group(struct identity *id, gid_t gid, struct failure *f)
{
	for (int i = 0; i < id->group_count; i++)
		if (id->groups[i] == gid)
			return 0;
	if (id->group_count == MAX_GROUPS)
		return fail(f, "user", "too many supplementary groups", E2BIG);
	id->groups[id->group_count++] = gid;
	return 0;
}

/* The groups /etc/group lists name as a member of. */
static int find_memberships(const char *name, struct identity *id,
			    struct failure *f)
{
	struct database d;
	char line[MAX_LINE], *fields[4];
	unsigned gid;
	int result = 0;
	open_database(&d, "/etc/group");
	while (result == 0 && next_entry(&d, line, fields, 4)) {
		if (!parse_id(fields[2], &gid))
			continue;
		for (char *member = strtok(fields[3], ","); member;
		     member = strtok(NULL, ","))
			if (strcmp(member, name) == 0) {
				result = add_group(id, gid, f);
				break;
			}
	}
	close_database(&d);
	return result;
}

int resolve_identity(const struct container_spec *s, struct identity *id,
		     struct failure *f)
{
	char user[256], name[256];
	const char *colon = s->user ? strchr(s->user, ':') : NULL;
	*id = (struct identity){0};
	snprintf(user, sizeof(user), "%.*s",
		 colon ? (int)(colon - s->user) : 255, s->user ? s->user : "0");
	if (find_user(user, id, name, sizeof(name), f) < 0)
		return -1;
	if (!id->home[0])
		strcpy(id->home, "/");
	if (colon && find_group(colon + 1, &id->gid, f) < 0)
		return -1;
	if (name[0] && find_memberships(name, id, f) < 0)
		return -1;
	/* The primary group is a supplementary one too, as podman and
	 * Docker (since containerd's fix for CVE-2023-25173) give it: a
	 * file whose group permissions deny that group keeps denying it
	 * after a setgid(2) elsewhere. */
	if (add_group(id, id->gid, f) < 0)
		return -1;
	for (size_t i = 0; i < s->group_count; i++) {
		gid_t gid;
		if (find_group(s->groups[i], &gid, f) < 0 ||
		    add_group(id, gid, f) < 0)
			return -1;
	}
	return 0;
}

int switch_identity(const struct identity *id, struct failure *f)
{
	bool root = id->uid == 0 && id->gid == 0;
	/* Root's own groups, as Docker gives them, where this namespace
	 * allows; rootless with one id mapped, setgroups is denied (EPERM),
	 * which matters only when there are groups to set. */
	bool denied = false;
	if (setgroups((size_t)id->group_count, id->groups) < 0) {
		denied = errno == EPERM;
		if (!(root && (errno == EPERM || errno == EINVAL)) &&
		    !(denied && id->group_count == 0))
			goto failed;
	}
	if (root)
		return 0;
	if (setgid(id->gid) < 0 || setuid(id->uid) < 0)
		goto failed;
	return 0;
failed:
	fail(f, "user", "", errno);
	snprintf(f->detail, sizeof(f->detail), "uid %u, gid %u", id->uid,
		 id->gid);
	if (errno == EINVAL || denied)
		add_hint(f, "that id does not exist in this user namespace: "
			    "without root only your own id is mapped, unless "
			    "/etc/subuid and /etc/subgid give you a range "
			    "(package uidmap); or run with sudo");
	return -1;
}
