/* namespaces.c - namespaces a description joins by path (setns), and a
 * user namespace's maps as a description gives them. */
#include "namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int join(int type, const char *path, struct failure *f)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(f, "join namespace", path, errno);
	/* With its type given, setns refuses a file that is no namespace
	 * of that type (EINVAL): a wrong path joins nothing. */
	int result = setns(fd, type);
	int error = errno;
	close(fd);
	return result < 0 ? fail(f, "join namespace", path, error) : 0;
}

int join_namespaces(const struct container_spec *s, struct failure *f)
{
	for (size_t i = 0; i < s->join_count; i++)
		if (s->joins[i].type != CLONE_NEWPID &&
		    join(s->joins[i].type, s->joins[i].path, f) < 0)
			return -1;
	return 0;
}

int enter_pid_namespace(const struct container_spec *s, struct failure *f)
{
	for (size_t i = 0; i < s->join_count; i++) {
		if (s->joins[i].type != CLONE_NEWPID)
			continue;
		int own = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
		if (own < 0)
			return fail(f, "join namespace", "/proc/self/ns/pid",
				    errno);
		if (join(CLONE_NEWPID, s->joins[i].path, f) < 0) {
			close(own);
			return -1;
		}
		return own;
	}
	return -2;
}

void leave_pid_namespace(int fd)
{
	if (fd < 0)
		return;
	setns(fd, CLONE_NEWPID);
	close(fd);
}

static int write_map(pid_t pid, const char *file, const struct id_mapping *maps,
		     size_t count, struct failure *f)
{
	char path[64], text[4096];
	size_t length = 0;
	for (size_t i = 0; i < count && length < sizeof(text); i++)
		length += (size_t)snprintf(text + length, sizeof(text) - length,
					   "%u %u %u\n", maps[i].container,
					   maps[i].host, maps[i].size);
	if (length >= sizeof(text))
		return fail(f, "user namespace", file, E2BIG);
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(f, "user namespace", path, errno);
	/* The kernel takes a map in one write, or not at all. */
	ssize_t n = write(fd, text, length);
	int error = errno;
	close(fd);
	if (n != (ssize_t)length)
		return fail(f, "user namespace", path, n < 0 ? error : EIO);
	return 0;
}

int write_given_maps(pid_t pid, const struct container_spec *s,
		     struct failure *f)
{
	return write_map(pid, "uid_map", s->uid_mappings, s->uid_mapping_count,
			 f) < 0 ||
		       write_map(pid, "gid_map", s->gid_mappings,
				 s->gid_mapping_count, f) < 0
		   ? -1
		   : 0;
}
