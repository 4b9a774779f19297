/* subids.c - subordinate ids: the ranges /etc/subuid and /etc/subgid give
 * a user.
 *
 * The files are read by hand, not through getpwuid or libsubid: the
 * binary is static, and NSS modules cannot be loaded into it. */
#include "subids.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
