/* state.c - the OCI runtime's state directory (see state.h). */
#include "oci/state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hooks.h"
#include "json.h"

#define MAX_STATE_SIZE (1024 * 1024)

bool valid_id(const char *id)
{
	size_t length = strlen(id);
	return length > 0 && length <= MAX_ID_LENGTH &&
	       strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			  "0123456789_.+-") == length &&
	       strcmp(id, ".") != 0 && strcmp(id, "..") != 0;
}

/* Makes path and its missing parents, the last with mode. */
static int make_directories(const char *path, mode_t mode)
{
	char copy[4096];
	if (snprintf(copy, sizeof(copy), "%s", path) >= (int)sizeof(copy)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(copy, mode) < 0 && errno != EEXIST ? -1 : 0;
}

int open_state_root(const char *root, struct failure *f)
{
	if (make_directories(root, 0700) < 0)
		return fail(f, "state", root, errno);
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fail(f, "state", root, errno);
	return fd;
}

int make_container_directory(int root_fd, const char *id, struct failure *f)
{
	/* mkdir is the one atomic claim: two creates of one ID, and only
	 * one makes it. */
	if (mkdirat(root_fd, id, 0700) < 0) {
		if (errno == EEXIST) {
			fail(f, "create", "", 0);
			snprintf(f->detail, sizeof(f->detail),
				 "container %.1024s already exists", id);
			return -1;
		}
		return fail(f, "state", id, errno);
	}
	int fd = openat(root_fd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fail(f, "state", id, errno);
	return fd;
}

int open_container_directory(int root_fd, const char *id, bool lock,
			     struct failure *f)
{
	int fd = openat(root_fd, id,
			O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		int error = errno;
		fail(f, "state", "", 0);
		snprintf(f->detail, sizeof(f->detail),
			 error == ENOENT ? "container %.1024s does not exist"
					 : "container %.1024s",
			 id);
		f->error = error == ENOENT ? 0 : error;
		errno = error;
		return -1;
	}
	if (lock && flock(fd, LOCK_EX) < 0) {
		close(fd);
		return fail(f, "state", "lock", errno);
	}
	return fd;
}

void remove_container_directory(int root_fd, const char *id)
{
	int fd = openat(root_fd, id,
			O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0) {
		DIR *d = fdopendir(fd);
		struct dirent *e;
		while (d && (e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				unlinkat(fd, e->d_name, 0);
		if (d)
			closedir(d);
		else
			close(fd);
	}
	unlinkat(root_fd, id, AT_REMOVEDIR);
}

int write_pid_file(const char *path, pid_t pid, struct failure *f)
{
	char directory[4096], number[32];
	const char *slash = strrchr(path, '/');
	snprintf(directory, sizeof(directory), "%.*s",
		 slash ? (int)(slash - path) : 1, slash ? path : ".");
	int dir_fd = open(slash && slash == path ? "/" : directory,
			  O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir_fd < 0)
		return fail(f, "pid file", path, errno);
	int n = snprintf(number, sizeof(number), "%d", (int)pid);
	int result = write_file_whole(dir_fd, slash ? slash + 1 : path, number,
				      (size_t)n, 0644, f);
	close(dir_fd);
	return result;
}

int write_file_whole(int dir_fd, const char *name, const char *text,
		     size_t length, mode_t mode, struct failure *f)
{
	char temporary[300];
	snprintf(temporary, sizeof(temporary), ".%.200s.%d", name,
		 (int)getpid());
	int fd =
	    openat(dir_fd, temporary,
		   O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return fail(f, "state", name, errno);
	int result = write_all(fd, text, length);
	int error = errno;
	if (close(fd) < 0 && result == 0) {
		result = -1;
		error = errno;
	}
	if (result == 0 && renameat(dir_fd, temporary, dir_fd, name) < 0) {
		result = -1;
		error = errno;
	}
	if (result < 0) {
		unlinkat(dir_fd, temporary, 0);
		return fail(f, "state", name, error);
	}
	return 0;
}

static int append_annotations(struct string *out, char **pairs, size_t count)
{
	if (append_string(out, "{") < 0)
		return -1;
	for (size_t i = 0; i + 1 < count; i += 2)
		if ((i > 0 && append_string(out, ",") < 0) ||
		    append_json_string(out, pairs[i]) < 0 ||
		    append_string(out, ":") < 0 ||
		    append_json_string(out, pairs[i + 1]) < 0)
			return -1;
	return append_string(out, "}");
}

int write_state(int dir_fd, const struct oci_state *st, struct failure *f)
{
	struct string out = {0};
	char numbers[96];
	snprintf(numbers, sizeof(numbers), ",\"pid\":%d,\"startTime\":%llu",
		 (int)st->pid, st->start_time);
	int failed =
	    append_string(&out, "{\"id\":") < 0 ||
	    append_json_string(&out, st->id) < 0 ||
	    append_string(&out, numbers) < 0 ||
	    append_string(&out, ",\"bundle\":") < 0 ||
	    append_json_string(&out, st->bundle ? st->bundle : "") < 0 ||
	    append_string(&out, ",\"rootfs\":") < 0 ||
	    append_json_string(&out, st->rootfs ? st->rootfs : "") < 0 ||
	    append_string(&out, ",\"created\":") < 0 ||
	    append_json_string(&out, st->created) < 0 ||
	    append_string(&out, ",\"annotations\":") < 0 ||
	    append_annotations(&out, st->annotations, st->annotation_count) <
		0 ||
	    append_string(&out,
			  st->creating ? ",\"creating\":true}\n" : "}\n") < 0;
	int result = failed ? fail(f, "state", "state.json", ENOMEM)
			    : write_file_whole(dir_fd, "state.json", out.data,
					       out.length, 0600, f);
	free_string(&out);
	return result;
}

static int read_whole(int dir_fd, const char *name, char **text, size_t *length)
{
	int fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > MAX_STATE_SIZE ||
	    !(*text = malloc((size_t)st.st_size + 1))) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	ssize_t n = read(fd, *text, (size_t)st.st_size);
	close(fd);
	if (n != st.st_size) {
		free(*text);
		errno = EIO;
		return -1;
	}
	(*text)[n] = '\0';
	*length = (size_t)n;
	return 0;
}

int read_state(int dir_fd, struct oci_state *st, struct failure *f)
{
	char *text, error[160];
	size_t length;
	struct json root;
	*st = (struct oci_state){0};
	if (read_whole(dir_fd, "state.json", &text, &length) < 0)
		return fail(f, "state", "state.json", errno);
	int result = parse_json(text, length, MAX_STATE_SIZE, &root, error,
				sizeof(error));
	free(text);
	long long pid = 0, start = 0;
	const char *id = json_string(json_member(&root, "id"));
	const char *bundle = json_string(json_member(&root, "bundle"));
	const char *rootfs = json_string(json_member(&root, "rootfs"));
	const char *created = json_string(json_member(&root, "created"));
	const struct json *annotations = json_member(&root, "annotations");
	if (result < 0 || !id || !bundle || !rootfs || !created ||
	    !json_integer(json_member(&root, "pid"), 0, 4194304, &pid) ||
	    !json_integer(json_member(&root, "startTime"), 0,
			  9223372036854775807LL, &start) ||
	    !annotations || annotations->type != JSON_OBJECT ||
	    strlen(id) > MAX_ID_LENGTH) {
		free_json(&root);
		return fail(f, "state", "state.json: damaged", EINVAL);
	}
	snprintf(st->id, sizeof(st->id), "%s", id);
	snprintf(st->created, sizeof(st->created), "%s", created);
	st->pid = (pid_t)pid;
	st->start_time = (unsigned long long)start;
	st->bundle = strdup(bundle);
	st->rootfs = strdup(rootfs);
	json_boolean(json_member(&root, "creating"), &st->creating);
	for (size_t i = 0; i < annotations->count; i++) {
		const char *value = json_string(&annotations->items[i]);
		if (value &&
		    (append_list(&st->annotations, &st->annotation_count,
				 annotations->keys[i], f) < 0 ||
		     append_list(&st->annotations, &st->annotation_count, value,
				 f) < 0))
			break;
	}
	free_json(&root);
	if (!st->bundle || !st->rootfs)
		return fail(f, "state", "allocate", ENOMEM);
	return 0;
}

void free_state(struct oci_state *st)
{
	free(st->bundle);
	free(st->rootfs);
	for (size_t i = 0; i < st->annotation_count; i++)
		free(st->annotations[i]);
	free(st->annotations);
	st->bundle = st->rootfs = NULL;
	st->annotations = NULL;
	st->annotation_count = 0;
}

/* The process's state letter and start time, from /proc/PID/stat
 * (fields 3 and 22; the command, field 2, may hold spaces and ')'). */
static int process_stat(pid_t pid, char *state, unsigned long long *start)
{
	char path[32], line[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, line, sizeof(line) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	line[n] = '\0';
	char *p = strrchr(line, ')');
	if (!p || sscanf(p + 1, " %c", state) != 1)
		return -1;
	/* After ')': state is field 3, start time field 22. */
	for (int field = 3; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%llu", start) != 1)
		return -1;
	return 0;
}

int record_pid(struct oci_state *st, pid_t pid, struct failure *f)
{
	char state;
	if (process_stat(pid, &state, &st->start_time) < 0)
		return fail(f, "state", "the container's process", ESRCH);
	st->pid = pid;
	return 0;
}

const char *container_status(int dir_fd, const struct oci_state *st)
{
	char state;
	unsigned long long start;
	if (st->creating)
		return "creating";
	if (st->pid <= 0 || process_stat(st->pid, &state, &start) < 0 ||
	    start != st->start_time || state == 'Z' || state == 'X')
		return "stopped";
	struct stat fifo;
	return fstatat(dir_fd, "exec.fifo", &fifo, AT_SYMLINK_NOFOLLOW) == 0
		   ? "created"
		   : "running";
}

int append_state_json(struct string *out, const struct oci_state *st,
		      const char *status)
{
	char number[32];
	snprintf(number, sizeof(number), ",\"pid\":%d",
		 strcmp(status, "stopped") == 0 ? 0 : (int)st->pid);
	return append_string(out, "{\"ociVersion\":\"" OCI_VERSION
				  "\",\"id\":") < 0 ||
		       append_json_string(out, st->id) < 0 ||
		       append_string(out, number) < 0 ||
		       append_string(out, ",\"status\":") < 0 ||
		       append_json_string(out, status) < 0 ||
		       append_string(out, ",\"bundle\":") < 0 ||
		       append_json_string(out, st->bundle) < 0 ||
		       append_string(out, ",\"rootfs\":") < 0 ||
		       append_json_string(out, st->rootfs) < 0 ||
		       append_string(out, ",\"created\":") < 0 ||
		       append_json_string(out, st->created) < 0 ||
		       append_string(out, ",\"owner\":\"\",\"annotations\":") <
			   0 ||
		       append_annotations(out, st->annotations,
					  st->annotation_count) < 0 ||
		       append_string(out, "}") < 0
		   ? -1
		   : 0;
}

void rfc3339_now(char *out, size_t size)
{
	struct timespec now;
	struct tm utc;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &utc);
	char seconds[32];
	strftime(seconds, sizeof(seconds), "%Y-%m-%dT%H:%M:%S", &utc);
	snprintf(out, size, "%s.%09ldZ", seconds, now.tv_nsec);
}
