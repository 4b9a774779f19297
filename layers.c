/* layers.c - the read-only LAYERs: opening, naming and checking them. */
#include "layers.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

	for (int i = 0; i < count; i++) {
		struct layer *l = &s->layers[i];
		l->name = names[i];
		l->fd = open(l->name, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (l->fd < 0) {
			fail(f, "layer", l->name, errno);
			if (errno == EMFILE)
				add_hint(f,
					 "raise the open-file limit "
					 "(ulimit -n) above the layer count");
			return -1;
		}
		l->path = path_of_fd(l->fd);
		if (!l->path)
			return fail(f, "layer", l->name, errno);
	}
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
