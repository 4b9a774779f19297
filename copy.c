/* copy.c - a directory's contents copied into another, by fd all the
 * way (openat, no path looked up twice, no symlink followed), for a
 * bundle's "tmpcopyup" tmpfs. */
#include "copy.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int copy_file(int from, int to, const char *name, const struct stat *st)
{
	int in = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return -1;
	int out = openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			 st->st_mode & 07777);
	int result = out < 0 ? -1 : 0;
	char buffer[65536];
	ssize_t n;
	while (result == 0 && (n = read(in, buffer, sizeof(buffer))) != 0)
		if (n < 0 || write(out, buffer, (size_t)n) != n)
			result = -1;
	int error = errno;
	close(in);
	if (out >= 0)
		close(out);
	errno = error;
	return result;
}

/* One entry, then its mode and owner (chown last: it would clear a
 * setuid bit set before it). */
static int copy_entry(int from, int to, const char *name, int depth)
{
	struct stat st;
	if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	if (S_ISDIR(st.st_mode)) {
		if (depth <= 0) {
			errno = ELOOP;
			return -1;
		}
		if (mkdirat(to, name, 0700) < 0)
			return -1;
		int a = openat(from, name,
			       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int b = openat(to, name,
			       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int result =
		    a < 0 || b < 0 ? -1 : copy_directory(a, b, depth - 1);
		int error = errno;
		if (a >= 0)
			close(a);
		if (b >= 0)
			close(b);
		errno = error;
		if (result < 0)
			return -1;
	} else if (S_ISREG(st.st_mode)) {
		if (copy_file(from, to, name, &st) < 0)
			return -1;
	} else if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlinkat(from, name, target, sizeof(target) - 1);
		if (n < 0)
			return -1;
		target[n] = '\0';
		return symlinkat(target, to, name) < 0 ||
			       fchownat(to, name, st.st_uid, st.st_gid,
					AT_SYMLINK_NOFOLLOW) < 0
			   ? -1
			   : 0;
	} else if (S_ISFIFO(st.st_mode)) {
		if (mkfifoat(to, name, st.st_mode & 07777) < 0)
			return -1;
	} else {
		return 0; /* a device or socket: not ours to copy */
	}
	return fchownat(to, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) <
			   0 ||
		       fchmodat(to, name, st.st_mode & 07777, 0) < 0
		   ? -1
		   : 0;
}

int copy_directory(int from, int to, int depth)
{
	int fd = dup(from);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	struct dirent *e;
	int result = 0;
	while (result == 0 && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			result = copy_entry(from, to, e->d_name, depth);
	int error = errno;
	closedir(d);
	errno = error;
	return result;
}
