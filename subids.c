/* subids.c - subordinate ids: the ranges /etc/subuid and /etc/subgid give
 * a user, and the block of ids root's --userns maps its container to.
 *
 * The files are read by hand, not through getpwuid or libsubid: the
 * binary is static, and NSS modules cannot be loaded into it. */
#include "subids.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* systemd-nspawn's bounds for --private-users=pick: away from the low
 * ids distributions hand out and from the upper half of the 32-bit
 * range (devpts parses gid= as a signed number). */
#define PICK_FIRST 0x00080000UL
#define PICK_LAST  0x6FFF0000UL
#define PICK_TRIES 100

long find_subordinate_range(const char *file, const char *user,
			    unsigned long id)
{
	FILE *in = fopen(file, "re");
	char line[256], owner[128];
	long start = -1;
	unsigned long first, count;
	while (in && start < 0 && fgets(line, sizeof(line), in)) {
		if (sscanf(line, "%127[^:]:%lu:%lu", owner, &first, &count) !=
			3 ||
		    count < CONTAINER_IDS)
			continue;
		char *end;
		unsigned long as_number = strtoul(owner, &end, 10);
		if ((user && strcmp(owner, user) == 0) ||
		    (*end == '\0' && as_number == id))
			start = (long)first;
	}
	if (in)
		fclose(in);
	return start;
}

const char *user_name(uid_t uid, char *name, size_t size)
{
	FILE *in = fopen("/etc/passwd", "re");
	char line[512];
	const char *found = NULL;
	unsigned long id;
	while (in && !found && fgets(line, sizeof(line), in)) {
		char *colon = strchr(line, ':');
		if (!colon || (size_t)(colon - line) >= size ||
		    sscanf(colon, ":%*[^:]:%lu:", &id) != 1 || id != uid)
			continue;
		memcpy(name, line, (size_t)(colon - line));
		name[colon - line] = '\0';
		found = name;
	}
	if (in)
		fclose(in);
	return found;
}

/* Field number n (from 0) of a colon-separated line as a number, or -1
 * if it has none there. */
static long numeric_field(const char *line, int n)
{
	for (int i = 0; i < n; i++) {
		line = strchr(line, ':');
		if (!line)
			return -1;
		line++;
	}
	char *end;
	errno = 0;
	unsigned long value = strtoul(line, &end, 10);
	if (end == line || (*end != ':' && *end != '\n' && *end != '\0') ||
	    errno || value > 0xFFFFFFFFUL)
		return -1;
	return (long)value;
}

/* Whether a line of file names an id in [first, first + CONTAINER_IDS):
 * in fields id_fields (a -1-terminated list), or, with range, a range
 * "owner:start:count" overlapping it. A missing file names none. */
static bool file_uses_block(const char *file, const int *id_fields, bool range,
			    unsigned long first)
{
	FILE *in = fopen(file, "re");
	char *line = NULL;
	size_t size = 0;
	bool used = false;
	unsigned long last = first + CONTAINER_IDS - 1;
	while (in && !used && getline(&line, &size, in) > 0) {
		for (int i = 0; id_fields[i] >= 0 && !used; i++) {
			long id = numeric_field(line, id_fields[i]);
			used = id >= 0 && (unsigned long)id >= first &&
			       (unsigned long)id <= last;
		}
		long start = range ? numeric_field(line, 1) : -1;
		long count = range ? numeric_field(line, 2) : -1;
		if (start >= 0 && count > 0)
			used = used ||
			       ((unsigned long)start <= last &&
				(unsigned long)start + (unsigned long)count >
				    first);
	}
	free(line);
	if (in)
		fclose(in);
	return used;
}

/* Whether no user or group, and no subordinate range of anyone, has an
 * id in the block of CONTAINER_IDS ids at first. */
static bool block_is_free(unsigned long first)
{
	static const int passwd_ids[] = {2, 3, -1}; /* uid, gid */
	static const int group_ids[] = {2, -1};	    /* gid */
	static const int no_ids[] = {-1};
	return !file_uses_block("/etc/passwd", passwd_ids, false, first) &&
	       !file_uses_block("/etc/group", group_ids, false, first) &&
	       !file_uses_block("/etc/subuid", no_ids, true, first) &&
	       !file_uses_block("/etc/subgid", no_ids, true, first);
}

/* As systemd-nspawn's --private-users=pick: a random block of 65536
 * ids, aligned to 65536, within PICK_FIRST..PICK_LAST, that no user,
 * group or subordinate range uses; up to PICK_TRIES candidates. */
static int pick_free_block(struct id_range *r, struct failure *f)
{
	for (int tries = 0; tries < PICK_TRIES; tries++) {
		unsigned int random;
		if (getrandom(&random, sizeof(random), 0) != sizeof(random))
			return fail(f, "user namespace", "getrandom", errno);
		unsigned long first =
		    (PICK_FIRST + random % (PICK_LAST - PICK_FIRST)) &
		    ~(unsigned long)(CONTAINER_IDS - 1);
		if (first < PICK_FIRST || !block_is_free(first))
			continue;
		*r = (struct id_range){first, first, CONTAINER_IDS};
		return 0;
	}
	fail(f, "user namespace", "no free block of 65536 ids", 0);
	return add_hint(f, "give root a range of its own in /etc/subuid and "
			   "/etc/subgid (root:BASE:65536)");
}

int choose_root_range(struct id_range *r, struct failure *f)
{
	long uid = find_subordinate_range("/etc/subuid", "root", 0);
	long gid = find_subordinate_range("/etc/subgid", "root", 0);
	if (uid < 0 && gid < 0)
		return pick_free_block(r, f);
	if (uid < 0 || gid < 0) {
		fail(f, "user namespace", "", 0);
		snprintf(f->detail, sizeof(f->detail),
			 "root has a range in /etc/%s but none in /etc/%s",
			 uid < 0 ? "subgid" : "subuid",
			 uid < 0 ? "subuid" : "subgid");
		return add_hint(f, "give root both (root:BASE:65536), or "
				   "neither and container-fs picks a block");
	}
	/* A range starting at 0 would map the container's root to the
	 * host's, which is what --userns is there to prevent. */
	if (uid == 0 || gid == 0 ||
	    (unsigned long)uid + CONTAINER_IDS - 1 >= 0xFFFFFFFFUL ||
	    (unsigned long)gid + CONTAINER_IDS - 1 >= 0xFFFFFFFFUL) {
		fail(f, "user namespace", "", 0);
		snprintf(f->detail, sizeof(f->detail),
			 "root's range in /etc/subuid or /etc/subgid (%ld, "
			 "%ld) includes root or passes the last id",
			 uid, gid);
		return add_hint(f, "give root a range of unused ids, e.g. "
				   "root:524288:65536");
	}
	*r = (struct id_range){(unsigned long)uid, (unsigned long)gid,
			       CONTAINER_IDS};
	return 0;
}
