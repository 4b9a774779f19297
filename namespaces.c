/* namespaces.c - namespaces a description joins by path (setns), and a
 * user namespace's maps as a description gives them. */
#include "namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
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

/* The container's setup mounts its root over the root of the mount
 * namespace it is in: never the one we were started in (the host's). */
static int check_mount_namespace(int fd, const char *path, struct failure *f)
{
	struct stat theirs, ours;
	if (fstat(fd, &theirs) < 0 || stat("/proc/self/ns/mnt", &ours) < 0)
		return fail(f, "join namespace", path, errno);
	if (theirs.st_ino == ours.st_ino && theirs.st_dev == ours.st_dev) {
		fail(f, "join namespace", path, EPERM);
		return add_hint(f, "that is the runtime's own mount namespace, "
				   "whose root the container's would replace");
	}
	return 0;
}

int join_namespaces(const struct container_spec *s, struct failure *f)
{
	int fds[16];
	size_t count = s->join_count < 16 ? s->join_count : 16;
	int result = 0;
	/* All opened first: once in another mount namespace, the paths
	 * would lead elsewhere. */
	for (size_t i = 0; i < count; i++) {
		fds[i] = open(s->joins[i].path, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0 && result == 0)
			result =
			    fail(f, "join namespace", s->joins[i].path, errno);
	}
	/* The mount namespace first, then the others; a PID namespace is
	 * the parent's (enter_pid_namespace). */
	for (int pass = 0; pass < 2 && result == 0; pass++)
		for (size_t i = 0; i < count && result == 0; i++) {
			int type = s->joins[i].type;
			if (type == CLONE_NEWPID ||
			    (pass == 0) != (type == CLONE_NEWNS))
				continue;
			if (type == CLONE_NEWNS &&
			    check_mount_namespace(fds[i], s->joins[i].path, f) <
				0)
				result = -1;
			else if (setns(fds[i], type) < 0)
				result = fail(f, "join namespace",
					      s->joins[i].path, errno);
		}
	for (size_t i = 0; i < count; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return result;
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
