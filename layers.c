/* layers.c - the read-only LAYERs: opening, naming and checking them. */
#include "layers.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

const char *layer_marks_value(enum layer_marks marks)
{
	return marks == MARKS_TRUSTED ? "trusted"
	       : marks == MARKS_USER  ? "user"
				      : "any";
}

int parse_layer_marks(const char *value)
{
	for (int marks = MARKS_ANY; marks <= MARKS_USER; marks++)
		if (strcmp(value, layer_marks_value(marks)) == 0)
			return marks;
	return -1;
}

char *path_of_fd(int fd)
{
	char link[32], path[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t length = readlink(link, path, sizeof(path));
	if (length < 0)
		return NULL;
	if (length == sizeof(path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	path[length] = '\0';
	return strdup(path);
}

int open_layers(struct layer_stack *s, char **names, int count,
		struct failure *f)
{
	char detail[64];
	if (count > MAX_LAYERS) {
		snprintf(detail, sizeof(detail), "%d layers given", count);
		fail(f, "layers", detail, 0);
		return add_hint(f, "overlayfs stacks at most %d layers",
				MAX_LAYERS);
	}
	s->layers = calloc((size_t)count, sizeof(*s->layers));
	if (!s->layers)
		return fail(f, "layers", "allocate", errno);
	for (int i = 0; i < count; i++)
		s->layers[i].fd = -1;
	s->count = count;

	/* Each layer's path, for messages and the overlap checks: fchdir
	 * there and getcwd takes 0.8 us, reading its /proc/self/fd link
	 * 3-5 (500 layers: 2 ms). Our working directory is restored after
	 * (later relative names depend on it); without it, or where a
	 * layer cannot be entered, the link. */
	int here = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int from = here >= 0 ? here : AT_FDCWD; /* names are relative to it */
	int result = 0;
	for (int i = 0; result == 0 && i < count; i++) {
		struct layer *l = &s->layers[i];
		char path[PATH_MAX];
		l->name = names[i];
		/* For reading, so its records can be read by fd (fgetxattr
		 * refuses O_PATH); a layer we may not read is opened anyway,
		 * and refused by the checks that say why. */
		l->fd =
		    openat(from, l->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (l->fd < 0 && errno == EACCES)
			l->fd = openat(from, l->name,
				       O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (l->fd < 0) {
			result = fail(f, "layer", l->name, errno);
			if (errno == EMFILE)
				add_hint(f,
					 "raise the open-file limit "
					 "(ulimit -n) above the layer count");
			break;
		}
		l->path = here >= 0 && fchdir(l->fd) == 0 &&
				  getcwd(path, sizeof(path)) && path[0] == '/'
			      ? strdup(path)
			      : path_of_fd(l->fd);
		if (!l->path)
			result = fail(f, "layer", l->name, errno);
	}
	if (here >= 0 && fchdir(here) < 0 && result == 0)
		result =
		    fail(f, "layers", "return to the working directory", errno);
	if (here >= 0)
		close(here);
	return result;
}

/* The record of the layer open at fd: 1 found, 0 none (or none we may
 * read), -1 one that says something unknown. */
static int read_record(int fd, const char *name, enum layer_marks *marks)
{
	char value[32];
	ssize_t n = fgetxattr(fd, name, value, sizeof(value) - 1);
	/* None, or none we may read (a layer we cannot read at all is
	 * refused by the checks after this one, saying why). */
	if (n < 0)
		return errno == ERANGE ? -1 : 0;
	value[n] = '\0';
	int parsed = parse_layer_marks(value);
	if (parsed < 0)
		return -1;
	*marks = (enum layer_marks)parsed;
	return 1;
}

static int refuse_marks(const struct layer *l, const char *problem,
			const char *hint, struct failure *f)
{
	fail(f, "layer", l->name, 0);
	snprintf(f->detail, sizeof(f->detail), "%.3000s %s", l->name, problem);
	return add_hint(f, "%s", hint);
}

int read_layer_marks(struct layer_stack *s, bool userns, struct failure *f)
{
	const struct layer *trusted = NULL, *user = NULL;
	s->marks = MARKS_ANY;
	for (int i = 0; i < s->count; i++) {
		const struct layer *l = &s->layers[i];
		enum layer_marks marks = MARKS_ANY;
		/* Only root outside a user namespace reads trusted.*: the
		 * record no container can forge. */
		/* By fd: by its /proc/self/fd name each record took 4 us
		 * more. An O_PATH fd (a layer we may not read) has none. */
		int found =
		    userns ? 0
			   : read_record(l->fd, LAYER_RECORD_TRUSTED, &marks);
		if (found == 0)
			found = read_record(l->fd, LAYER_RECORD_USER, &marks);
		if (found < 0)
			return refuse_marks(l,
					    "has an unreadable import record",
					    "import the image again", f);
		if (marks == MARKS_TRUSTED && !trusted)
			trusted = l;
		if (marks == MARKS_USER && !user)
			user = l;
	}
	if (trusted && user)
		return refuse_marks(
		    user,
		    "was imported without root, and a layer below or "
		    "above it with root",
		    "overlayfs reads deleted files' marks one way per mount: "
		    "import every image of the stack the same way",
		    f);
	if (trusted && userns)
		return refuse_marks(
		    trusted,
		    "was imported with root: its deleted directories are "
		    "marked in trusted.* xattrs, which a run without root "
		    "cannot read (deleted files would show)",
		    "run with sudo, or import the image again without sudo", f);
	s->marks = trusted ? MARKS_TRUSTED : user ? MARKS_USER : MARKS_ANY;
	return 0;
}

static int compare_layer_paths(const void *a, const void *b)
{
	const struct layer *const *x = a, *const *y = b;
	return strcmp((*x)->path, (*y)->path);
}

/* Sorting puts equal paths side by side: n log n, even for 500 layers. */
static int check_duplicates(const struct layer_stack *s, struct failure *f)
{
	const struct layer **sorted = calloc((size_t)s->count, sizeof(*sorted));
	if (!sorted)
		return fail(f, "layers", "allocate", errno);
	for (int i = 0; i < s->count; i++)
		sorted[i] = &s->layers[i];
	qsort(sorted, (size_t)s->count, sizeof(*sorted), compare_layer_paths);
	int result = 0;
	for (int i = 1; i < s->count; i++) {
		if (strcmp(sorted[i - 1]->path, sorted[i]->path) == 0) {
			fail(f, "layer", sorted[i]->name, 0);
			add_hint(f,
				 "%s is given twice; each layer may appear "
				 "once",
				 sorted[i]->path);
			result = -1;
			break;
		}
	}
	free(sorted);
	return result;
}

static int check_writable_dir(const struct layer_stack *s, const char *what,
			      const char *path, struct failure *f)
{
	for (int i = 0; i < s->count; i++) {
		const struct layer *l = &s->layers[i];
		const char *problem = NULL;
		if (strcmp(path, l->path) == 0)
			problem = "is also a layer";
		else if (path_is_within(path, l->path))
			problem = "lies inside layer";
		else if (path_is_within(l->path, path))
			problem = "contains layer";
		if (problem) {
			fail(f, what, path, 0);
			snprintf(f->detail, sizeof(f->detail), "%s %s %s", path,
				 problem, l->name);
			return add_hint(f,
					"layers are never modified: keep "
					"the %s apart from every layer",
					what);
		}
	}
	return 0;
}

int check_overlaps(const struct layer_stack *s, const char *writedir,
		   const char *workdir, struct failure *f)
{
	if (check_duplicates(s, f) < 0)
		return -1;
	if (check_writable_dir(s, "writedir", writedir, f) < 0)
		return -1;
	if (workdir && check_writable_dir(s, "workdir", workdir, f) < 0)
		return -1;
	return 0;
}

void close_layers(struct layer_stack *s)
{
	for (int i = 0; i < s->count; i++) {
		if (s->layers[i].fd >= 0)
			close(s->layers[i].fd);
		free(s->layers[i].path);
	}
	free(s->layers);
	*s = (struct layer_stack){0};
}

int reopen_directory(int dir_fd, const char *path, int expected_fd)
{
	struct stat now, then;
	int fd = openat(dir_fd, path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &now) < 0 || fstat(expected_fd, &then) < 0 ||
	    now.st_dev != then.st_dev || now.st_ino != then.st_ino) {
		close(fd);
		errno = ESTALE;
		return -1;
	}
	return fd;
}
