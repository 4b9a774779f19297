/* handout.c - the handout's interface, ./container ID IMAGE CMD...
 *
 * /tmp is shared: another user could make /tmp/container first, to read
 * what the containers write or to plant their writable layers. So the
 * directory is the caller's own and private: /tmp/container for root
 * (sudo ./container, as the handout runs it), /tmp/container-UID for
 * anyone else, made 0700, and refused when it is a symlink, another
 * user's, or writable by others. A user who squats the name can then
 * only make ./container refuse (one line, naming the owner), never see
 * or change a container's files. ID/ and ID/work are made 0700 inside;
 * ID/upper is WRITEDIR, which container-fs makes and checks itself. */
#include "handout.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ID_MAX 16 /* the handout's CONTAINER_ID_MAX */

bool run_as_handout(const char *argv0)
{
	const char *slash = strrchr(argv0, '/');
	return strcmp(slash ? slash + 1 : argv0, "container") == 0;
}

static bool valid_id(const char *id)
{
	size_t length = strlen(id);
	return length > 0 && length <= ID_MAX &&
	       strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			  "0123456789_.-") == length &&
	       strcmp(id, ".") != 0 && strcmp(id, "..") != 0;
}

/* Makes (0700) or opens name in dir_fd: a directory of ours, not a
 * symlink, that no one else may write to. Returns its fd or -1. */
static int private_directory(int dir_fd, const char *name, const char *path,
			     struct failure *f)
{
	struct stat st;
	if (mkdirat(dir_fd, name, 0700) < 0 && errno != EEXIST)
		return fail(f, "container", path, errno);
	int fd = openat(dir_fd, name,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fail(f, "container", path, errno == ELOOP ? ENOTDIR : errno);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (st.st_uid == geteuid() && !(st.st_mode & 022))
		return fd;
	close(fd);
	fail(f, "container", path, 0);
	snprintf(f->detail, sizeof(f->detail),
		 "%s belongs to uid %u or is writable by others", path,
		 (unsigned)st.st_uid);
	return add_hint(f, "it is not yours to use: remove it, or ask its "
			   "owner to");
}

int handout_arguments(int argc, char **argv, char ***out, struct failure *f)
{
	/* Static: the new command line points into them. */
	static char upper[160], work[160], image[4200];
	char base[64], id_path[128], probe[4300];
	if (argc < 4) {
		fail(f, "", "", 0); /* the handout's usage line instead */
		return -1;
	}
	const char *id = argv[1], *name = argv[2];
	if (!valid_id(id)) {
		fail(f, "container", "", 0);
		snprintf(f->detail, sizeof(f->detail),
			 "ID '%.100s': at most %d letters, digits, '_', '.' "
			 "and '-'",
			 id, ID_MAX);
		return -1;
	}
	if (!name[0] || strchr(name, '/') || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0) {
		fail(f, "container", "", 0);
		snprintf(f->detail, sizeof(f->detail),
			 "IMAGE '%.200s': the name of a directory in ./images",
			 name);
		return -1;
	}
	if (geteuid() == 0)
		snprintf(base, sizeof(base), "/tmp/container");
	else
		snprintf(base, sizeof(base), "/tmp/container-%u",
			 (unsigned)geteuid());
	snprintf(id_path, sizeof(id_path), "%s/%s", base, id);
	snprintf(upper, sizeof(upper), "%s/upper", id_path);
	snprintf(work, sizeof(work), "%s/work", id_path);
	snprintf(image, sizeof(image), "images/%s", name);
	int base_fd = private_directory(AT_FDCWD, base, base, f);
	int id_fd =
	    base_fd < 0 ? -1 : private_directory(base_fd, id, id_path, f);
	int work_fd =
	    id_fd < 0 ? -1 : private_directory(id_fd, "work", work, f);
	if (base_fd >= 0)
		close(base_fd);
	if (id_fd >= 0)
		close(id_fd);
	if (work_fd < 0)
		return -1;
	close(work_fd);

	/* An imported image runs with its config; any other directory is
	 * a plain root filesystem. */
	snprintf(probe, sizeof(probe), "%s/config.json", image);
	bool imported = access(probe, F_OK) == 0;
	char **args = calloc((size_t)argc + 8, sizeof(*args));
	if (!args)
		return fail(f, "container", "allocate", ENOMEM);
	int n = 0;
	args[n++] = "container-fs";
	args[n++] = "--overlay-workdir";
	args[n++] = work;
	if (imported)
		args[n++] = "--image";
	args[n++] = image;
	args[n++] = upper;
	args[n++] = "--";
	for (int i = 3; i < argc; i++)
		args[n++] = argv[i];
	args[n] = NULL;
	*out = args;
	return n;
}
