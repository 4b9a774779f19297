/* import.c - container-fs import SOURCE[:REF] DEST.
 *
 * Everything that can be checked before writing is checked first: the
 * archive's index, manifest and config (each against its digest), the
 * image chosen, DEST. Then the layers are unpacked into a temporary
 * directory next to DEST, private (0700) and named
 * .container-fs-import-XXXXXXXX, and renamed into place at the end.
 * Nothing else is ever left:
 *   - a failure (a bad digest, a hostile entry, a full disk) removes the
 *     temporary directory before exiting;
 *   - Ctrl-C, SIGTERM or SIGHUP stop the import at the next read, which
 *     then fails the same way ("interrupted") and re-raises the signal;
 *   - SIGKILL: a watcher process, forked first, makes the directory
 *     itself, waits on a pipe from us and removes the directory when the
 *     pipe closes without our "done" (it ignores Ctrl-C and the like);
 *   - both killed at once (kill -9 of the process group): the directory
 *     stays flocked only while one of us lives, and the next import into
 *     the same place removes any that no one holds. */
#include "import.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../janitor.h"
#include "../layers.h"
#include "../userns.h"
#include "manifest.h"
#include "source.h"
#include "unpack.h"

#define TEMP_PREFIX  ".container-fs-import-"
#define REMOVE_DEPTH (UNPACK_MAX_DEPTH + 8)

static const char import_usage[] =
    "Usage: container-fs import SOURCE[:NAME] DEST\n"
    "Import an image into DEST: DEST/layers/ (one directory per layer,\n"
    "bottom first) and DEST/config.json, for container-fs --image DEST.\n"
    "\n"
    "SOURCE is an OCI image layout directory, an OCI archive (podman save\n"
    "--format oci-archive) or a docker save archive. NAME picks one image\n"
    "when SOURCE holds several (e.g. alpine.tar:alpine:3.19).\n"
    "DEST must not exist, or be empty.\n";

struct layer_plan {
	char name[PATH_MAX];	  /* in the source */
	char digest[DIGEST_SIZE]; /* the blob's, or "" (docker save) */
	char diff_id[DIGEST_SIZE];
	enum compression compression;
	bool detect; /* docker save: compression from the first bytes */
};

struct import {
	char *source_path;
	const char *ref;
	const char *dest;
	char dest_base[NAME_MAX + 1];
	int parent_fd;
	bool dest_exists;
	struct image_source source;
	char *config;
	size_t config_length;
	char image_name[300];
	struct layer_plan *layers;
	size_t layer_count;

	bool root;
	enum whiteout_form form;
	mode_t umask;
	char temp_name[64];
	int temp_fd;
	struct stat temp_stat;
	pid_t watcher;
	int watcher_pipe;

	bool progress; /* stderr is a terminal */
	size_t current;
	uint64_t current_size;
	struct timespec shown;
	struct unpack_counts counts;
	uint64_t blob_bytes;
};

/* SOURCE[:REF]: the longest prefix before a ':' that exists, unless the
 * whole argument does (a file named "a:b"). */
static int split_source(struct import *im, char *argument, struct failure *f)
{
	struct stat st;
	im->source_path = argument;
	if (stat(argument, &st) == 0)
		return 0;
	for (char *colon = strchr(argument, ':'); colon;
	     colon = strchr(colon + 1, ':')) {
		*colon = '\0';
		if (stat(argument, &st) == 0) {
			im->ref = colon + 1;
			return im->ref[0] ? 0
					  : fail(f, "import", "empty NAME", 0);
		}
		*colon = ':';
	}
	return fail(f, "import", argument, ENOENT);
}

/* Prefixes f's detail with which layer failed. */
static int in_layer(struct import *im, struct failure *f)
{
	char detail[sizeof(f->detail)];
	snprintf(detail, sizeof(detail), "layer %zu of %zu: %.4100s",
		 im->current + 1, im->layer_count, f->detail);
	memcpy(f->detail, detail, sizeof(detail));
	return -1;
}

static int refuse_image(struct import *im, const char *problem,
			struct failure *f)
{
	char detail[700];
	snprintf(detail, sizeof(detail), "%.300s: %.380s", im->source_path,
		 problem);
	return fail(f, "import", detail, 0);
}

static int plan_layers(struct import *im, size_t count, struct failure *f)
{
	if (count > MAX_LAYERS) {
		refuse_image(im, "more layers than overlayfs stacks", f);
		return add_hint(f, "at most %d layers", MAX_LAYERS);
	}
	im->layers = calloc(count ? count : 1, sizeof(*im->layers));
	im->layer_count = count;
	return im->layers ? 0 : fail(f, "import", "allocate", ENOMEM);
}

/* The config blob and its diff_ids, one for each planned layer. */
static int read_config(struct import *im, const char *name, const char *digest,
		       uint64_t size, struct failure *f)
{
	char(*diff_ids)[DIGEST_SIZE];
	char error[300];
	im->config = read_blob(&im->source, name, MAX_CONFIG_SIZE, digest, size,
			       &im->config_length, f);
	if (!im->config)
		return -1;
	if (parse_diff_ids(im->config, im->config_length, im->layer_count,
			   &diff_ids, error, sizeof(error)) < 0)
		return refuse_image(im, error, f);
	for (size_t i = 0; i < im->layer_count; i++)
		memcpy(im->layers[i].diff_id, diff_ids[i], DIGEST_SIZE);
	free(diff_ids);
	return 0;
}

/* index.json, then nested indexes (a multi-platform image) down to the
 * manifest for this machine, then the config. */
static int plan_oci(struct import *im, struct failure *f)
{
	char error[600], name[100];
	size_t length;
	struct platform host = host_platform();
	struct index index = {0};
	struct manifest manifest = {0};
	struct descriptor chosen = {0};
	char *text = read_blob(&im->source, "index.json", MAX_INDEX_SIZE, NULL,
			       0, &length, f);
	int result = text ? 0 : -1;
	const char *ref = im->ref;
	for (int depth = 0; result == 0; depth++) {
		int at = -1;
		if (parse_index(text, length, &index, error, sizeof(error)) <
			0 ||
		    (at = choose_manifest(&index, ref, &host, error,
					  sizeof(error))) < 0) {
			result = refuse_image(im, error, f);
			break;
		}
		chosen = index.manifests[at];
		index.manifests[at] = (struct descriptor){0};
		free_index(&index);
		free(text);
		if (!im->image_name[0])
			snprintf(im->image_name, sizeof(im->image_name), "%s",
				 ref		   ? ref
				 : chosen.ref_name ? chosen.ref_name
						   : chosen.digest);
		blob_name(chosen.digest, name);
		text = read_blob(&im->source, name,
				 chosen.kind == BLOB_INDEX ? MAX_INDEX_SIZE
							   : MAX_MANIFEST_SIZE,
				 chosen.digest, chosen.size, &length, f);
		if (!text || chosen.kind != BLOB_INDEX || depth == 4) {
			result = text ? 0 : -1;
			break;
		}
		ref = NULL; /* inside: one image, several platforms */
		free_descriptor(&chosen);
	}
	if (result == 0 &&
	    parse_manifest(text, length, &manifest, error, sizeof(error)) < 0)
		result = refuse_image(im, error, f);
	if (result == 0)
		result = plan_layers(im, manifest.layer_count, f);
	for (size_t i = 0; result == 0 && i < manifest.layer_count; i++) {
		struct layer_plan *l = &im->layers[i];
		blob_name(manifest.layers[i].digest, l->name);
		memcpy(l->digest, manifest.layers[i].digest, DIGEST_SIZE);
		l->compression = manifest.layers[i].compression;
	}
	if (result == 0) {
		blob_name(manifest.config.digest, name);
		result = read_config(im, name, manifest.config.digest,
				     manifest.config.size, f);
	}
	free(text);
	free_index(&index);
	free_manifest(&manifest);
	free_descriptor(&chosen);
	return result;
}

/* docker save: manifest.json names the config (by its digest: its file
 * is <hex>.json, or blobs/sha256/<hex>) and the layer tars, which the
 * config's diff_ids then check. */
static int plan_docker(struct import *im, struct failure *f)
{
	char error[600], digest[DIGEST_SIZE];
	size_t length;
	struct docker_manifest manifest = {0};
	char *text = read_blob(&im->source, "manifest.json", MAX_MANIFEST_SIZE,
			       NULL, 0, &length, f);
	int at = -1, result = text ? 0 : -1;
	if (result == 0 && (parse_docker_manifest(text, length, &manifest,
						  error, sizeof(error)) < 0 ||
			    (at = choose_docker_image(&manifest, im->ref, error,
						      sizeof(error))) < 0))
		result = refuse_image(im, error, f);
	free(text);
	const struct docker_image *image =
	    at >= 0 ? &manifest.images[at] : NULL;
	if (result == 0) {
		const char *base = strrchr(image->config, '/');
		base = base ? base + 1 : image->config;
		snprintf(digest, sizeof(digest), "sha256:%.64s", base);
		if (!valid_digest(digest) ||
		    (base[64] && strcmp(base + 64, ".json") != 0))
			result = refuse_image(
			    im, "its config is not named by its digest", f);
	}
	if (result == 0)
		snprintf(im->image_name, sizeof(im->image_name), "%s",
			 im->ref	    ? im->ref
			 : image->tag_count ? image->tags[0]
					    : digest);
	if (result == 0)
		result = plan_layers(im, image->layer_count, f);
	for (size_t i = 0; result == 0 && i < image->layer_count; i++) {
		snprintf(im->layers[i].name, sizeof(im->layers[i].name), "%s",
			 image->layers[i]);
		im->layers[i].detect = true;
	}
	if (result == 0) {
		struct blob b;
		result = open_blob(&im->source, image->config, &b, f);
		uint64_t size = b.size;
		if (result == 0) {
			close_blob(&b);
			result =
			    read_config(im, image->config, digest, size, f);
		}
	}
	free_docker_manifest(&manifest);
	return result;
}

/* What the source holds: an OCI layout (index.json; also what docker
 * save writes since Docker 25, beside its manifest.json), or docker
 * save's manifest.json. */
static int plan_import(struct import *im, struct failure *f)
{
	if (open_source(&im->source, im->source_path, f) < 0)
		return -1;
	if (source_has(&im->source, "index.json"))
		return plan_oci(im, f);
	if (source_has(&im->source, "manifest.json"))
		return plan_docker(im, f);
	refuse_image(im, "no index.json or manifest.json", f);
	return add_hint(f, "SOURCE is an OCI layout directory, an OCI "
			   "archive, or a docker save archive");
}

/* DEST: its parent must exist; DEST itself must not, or be an empty
 * directory (which the rename then replaces). */
static int check_dest(struct import *im, struct failure *f)
{
	char parent[PATH_MAX];
	size_t length = strlen(im->dest);
	while (length > 1 && im->dest[length - 1] == '/')
		length--;
	size_t start = length;
	while (start > 0 && im->dest[start - 1] != '/')
		start--;
	if (length - start > NAME_MAX || length >= PATH_MAX)
		return fail(f, "import", im->dest, ENAMETOOLONG);
	snprintf(im->dest_base, sizeof(im->dest_base), "%.*s",
		 (int)(length - start), im->dest + start);
	if (start == 0)
		snprintf(parent, sizeof(parent), ".");
	else
		snprintf(parent, sizeof(parent), "%.*s",
			 start > 1 ? (int)start - 1 : 1, im->dest);
	if (!im->dest_base[0] || strcmp(im->dest_base, ".") == 0 ||
	    strcmp(im->dest_base, "..") == 0)
		return fail(f, "import", "DEST must name a new directory", 0);
	im->parent_fd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (im->parent_fd < 0)
		return fail(f, "import", parent, errno);
	struct stat st;
	if (fstatat(im->parent_fd, im->dest_base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : fail(f, "import", im->dest, errno);
	int fd = S_ISDIR(st.st_mode)
		     ? openat(im->parent_fd, im->dest_base,
			      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
		     : -1;
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	int entries = 0;
	for (struct dirent *e; dir && (e = readdir(dir));)
		entries += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	if (dir)
		closedir(dir);
	else if (fd >= 0)
		close(fd);
	im->dest_exists = true;
	if (dir && entries == 0)
		return 0;
	fail(f, "import", "", 0);
	snprintf(f->detail, sizeof(f->detail), "%s exists and is %s", im->dest,
		 S_ISDIR(st.st_mode) ? "not empty" : "not a directory");
	return add_hint(f, "import into a new directory");
}

/* Removes what imports killed together with their watcher left here:
 * directories of ours that no import holds (flocked) any more. */
static void remove_stale(struct import *im)
{
	int fd = openat(im->parent_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	while (dir && (e = readdir(dir))) {
		struct stat st;
		if (strncmp(e->d_name, TEMP_PREFIX, strlen(TEMP_PREFIX)) != 0 ||
		    fstatat(im->parent_fd, e->d_name, &st,
			    AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
			continue;
		int held =
		    openat(im->parent_fd, e->d_name,
			   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (held >= 0 && flock(held, LOCK_EX | LOCK_NB) == 0)
			remove_directory(im->parent_fd, e->d_name, &st,
					 REMOVE_DEPTH);
		if (held >= 0)
			close(held);
	}
	if (dir)
		closedir(dir);
	else if (fd >= 0)
		close(fd);
}

/* The watcher's life: it makes the temporary directory itself (so no
 * moment exists when the directory is there and no one would remove
 * it), holds a shared flock on it, tells us, and removes it if our pipe
 * closes without "done". Signals a user sends to stop the import
 * (Ctrl-C reaches the whole process group) do not stop it. */
static void run_watcher(struct import *im, int from_us, int to_us)
{
	sigset_t all;
	struct stat st;
	char byte = 0;
	ssize_t n;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	int error = 0;
	int fd = -1;
	if (mkdirat(im->parent_fd, im->temp_name, 0700) < 0)
		error = errno;
	else if ((fd = openat(im->parent_fd, im->temp_name,
			      O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
				  O_CLOEXEC)) < 0 ||
		 fstat(fd, &st) < 0 || flock(fd, LOCK_SH) < 0)
		error = errno ? errno : EIO;
	write_all(to_us, &error, sizeof(error));
	if (error)
		_exit(0);
	while ((n = read(from_us, &byte, 1)) < 0 && errno == EINTR)
		;
	if (n != 1 || byte != 'd')
		remove_directory(im->parent_fd, im->temp_name, &st,
				 REMOVE_DEPTH);
	_exit(0);
}

/* Starts the watcher, which makes the temporary directory
 * .container-fs-import-XXXXXXXX (0700); opens it and holds a shared
 * flock on it too, so a later import never takes it for abandoned
 * while one of us lives. */
static int start_watcher(struct import *im, struct failure *f)
{
	for (int tries = 0; tries < 100; tries++) {
		int from_us[2], to_us[2], error = EIO;
		unsigned random;
		if (getrandom(&random, sizeof(random), 0) != sizeof(random))
			random =
			    (unsigned)getpid() * 2654435761u + (unsigned)tries;
		snprintf(im->temp_name, sizeof(im->temp_name), "%s%08x",
			 TEMP_PREFIX, random);
		if (pipe2(from_us, O_CLOEXEC) < 0)
			return fail(f, "import", "pipe", errno);
		if (pipe2(to_us, O_CLOEXEC) < 0) {
			close(from_us[0]);
			close(from_us[1]);
			return fail(f, "import", "pipe", errno);
		}
		im->watcher = fork();
		if (im->watcher == 0) {
			close(from_us[1]);
			close(to_us[0]);
			run_watcher(im, from_us[0], to_us[1]);
		}
		close(from_us[0]);
		close(to_us[1]);
		if (im->watcher < 0) {
			close(from_us[1]);
			close(to_us[0]);
			return fail(f, "import", "fork", errno);
		}
		if (read(to_us[0], &error, sizeof(error)) != sizeof(error))
			error = EIO;
		close(to_us[0]);
		im->watcher_pipe = from_us[1];
		if (!error)
			break;
		close(im->watcher_pipe); /* it exits */
		waitpid(im->watcher, NULL, 0);
		im->watcher = -1;
		if (error != EEXIST)
			return fail(f, "import", im->dest, error);
	}
	if (im->watcher < 0)
		return fail(f, "import", im->dest, EEXIST);
	im->temp_fd = openat(im->parent_fd, im->temp_name,
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (im->temp_fd < 0 || fstat(im->temp_fd, &im->temp_stat) < 0 ||
	    flock(im->temp_fd, LOCK_SH) < 0)
		return fail(f, "import", im->temp_name, errno);
	if (im->temp_stat.st_uid != geteuid())
		return fail(f, "import", im->temp_name, EEXIST);
	return 0;
}

static void stop_watcher(struct import *im)
{
	if (im->watcher <= 0)
		return;
	write_all(im->watcher_pipe, "d", 1);
	close(im->watcher_pipe);
	while (waitpid(im->watcher, NULL, 0) < 0 && errno == EINTR)
		;
	im->watcher = -1;
}

static void show_progress(void *context, uint64_t position)
{
	struct import *im = context;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long elapsed = (now.tv_sec - im->shown.tv_sec) * 1000 +
		       (now.tv_nsec - im->shown.tv_nsec) / 1000000;
	if (!im->progress || (elapsed < 100 && position < im->current_size))
		return;
	im->shown = now;
	fprintf(stderr, "\r\033[Kimporting layer %zu of %zu: %.1f of %.1f MB",
		im->current + 1, im->layer_count, position / 1e6,
		im->current_size / 1e6);
}

/* The layer's compression from its first bytes (docker save names none). */
static enum compression detect_compression(const struct blob *b)
{
	unsigned char magic[4] = {0};
	if (pread(b->fd, magic, sizeof(magic), (off_t)b->offset) < 4)
		return COMPRESSION_NONE;
	if (magic[0] == 0x1f && magic[1] == 0x8b)
		return COMPRESSION_GZIP;
	if (memcmp(magic, "\x28\xb5\x2f\xfd", 4) == 0)
		return COMPRESSION_ZSTD;
	return COMPRESSION_NONE;
}

static int import_layer(struct import *im, int layers_fd, struct failure *f)
{
	const struct layer_plan *l = &im->layers[im->current];
	char name[24];
	struct blob b;
	struct blob_stream st;
	struct tar_reader r;
	enum layer_marks marks = MARKS_ANY;
	snprintf(name, sizeof(name), "%03zu", im->current + 1);
	if (mkdirat(layers_fd, name, 0755) < 0)
		return fail(f, "import", "make a layer directory", errno);
	int fd = openat(layers_fd, name,
			O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fail(f, "import", "open a layer directory", errno);
	if (open_blob(&im->source, l->name, &b, f) < 0) {
		close(fd);
		return -1;
	}
	enum compression compression =
	    l->detect ? detect_compression(&b) : l->compression;
	im->current_size = b.size;
	int result = open_stream(&st, &b, compression, f);
	if (result == 0) {
		st.progress = show_progress;
		st.progress_context = im;
		tar_begin(&r, (struct tar_input){stream_read, NULL, &st});
		result = unpack_layer(&r, fd, im->form, im->root, &im->counts,
				      &marks, f);
		/* A read that failed says why better than the tar reader. */
		if (result < 0 && st.failed)
			fail(f, "import", st.error, 0);
		result = finish_stream(&st, l->digest[0] ? l->digest : NULL,
				       l->diff_id, result < 0, f);
		im->blob_bytes += b.size;
	}
	if (result == 0)
		result = write_layer_record(fd, marks, im->root, f);
	close_blob(&b);
	close(fd);
	return result;
}

static int write_config(struct import *im, struct failure *f)
{
	int fd =
	    openat(im->temp_fd, "config.json",
		   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail(f, "import", "config.json", errno);
	int result = write_all(fd, im->config, im->config_length);
	int error = errno;
	close(fd);
	return result < 0 ? fail(f, "import", "config.json", error) : 0;
}

static int import_all(struct import *im, struct failure *f)
{
	if (write_config(im, f) < 0)
		return -1;
	if (mkdirat(im->temp_fd, "layers", 0755) < 0)
		return fail(f, "import", "layers", errno);
	int layers_fd = openat(im->temp_fd, "layers",
			       O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (layers_fd < 0)
		return fail(f, "import", "layers", errno);
	int result = 0;
	for (im->current = 0; result == 0 && im->current < im->layer_count;
	     im->current++)
		if (import_layer(im, layers_fd, f) < 0)
			result = in_layer(im, f);
	close(layers_fd);
	if (result < 0)
		return -1;
	/* DEST gets the mode mkdir would have given it. */
	if (fchmod(im->temp_fd, 0777 & ~im->umask) < 0)
		return fail(f, "import", im->dest, errno);
	int renamed = im->dest_exists ? renameat(im->parent_fd, im->temp_name,
						 im->parent_fd, im->dest_base)
				      : renameat2(im->parent_fd, im->temp_name,
						  im->parent_fd, im->dest_base,
						  RENAME_NOREPLACE);
	if (renamed < 0) {
		fail(f, "import", im->dest, errno);
		return errno == EEXIST || errno == ENOTEMPTY
			   ? add_hint(f, "DEST appeared while importing")
			   : -1;
	}
	return 0;
}

/* Without root: the user.* whiteout files from Linux 6.8 (which reads
 * them with opaque=x), 0/0 character devices before (which anyone may
 * make since Linux 5.8). CONTAINER_FS_TEST_KERNEL stands in for the
 * kernel's version in tests. */
static enum whiteout_form choose_form(bool root)
{
	struct utsname host;
	const char *release = getenv("CONTAINER_FS_TEST_KERNEL");
	int major = 0, minor = 0;
	if (root)
		return WHITEOUT_TRUSTED;
	if (!release && uname(&host) == 0)
		release = host.release;
	if (release)
		sscanf(release, "%d.%d", &major, &minor);
	return major > 6 || (major == 6 && minor >= 8) ? WHITEOUT_USER_XATTR
						       : WHITEOUT_USER_DEVICE;
}

static void on_signal(int signal_number)
{
	import_interrupted = signal_number;
}

static void catch_signals(void)
{
	struct sigaction action = {.sa_handler = on_signal};
	sigemptyset(&action.sa_mask);
	sigaction(SIGINT, &action, NULL);
	sigaction(SIGTERM, &action, NULL);
	sigaction(SIGHUP, &action, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void summarize(struct import *im, double seconds)
{
	printf("imported %s into %s: %zu layers, %.1f MB (%.1f MB unpacked, "
	       "%llu entries) in %.2f s\n",
	       im->image_name, im->dest, im->layer_count, im->blob_bytes / 1e6,
	       im->counts.bytes / 1e6, (unsigned long long)im->counts.entries,
	       seconds);
	fflush(stdout);
	if (im->counts.devices_skipped)
		fprintf(stderr,
			"container-fs: import: skipped %u device nodes (only "
			"root can make them)\n",
			im->counts.devices_skipped);
	if (im->counts.xattrs_skipped)
		fprintf(stderr,
			"container-fs: import: skipped %u xattrs (overlayfs's "
			"own, or ones only root can set)\n",
			im->counts.xattrs_skipped);
}

static int run_import(struct import *im, struct failure *f)
{
	struct timespec start, end;
	clock_gettime(CLOCK_MONOTONIC, &start);
	/* Root on the host keeps owners, devices and trusted.* marks;
	 * anyone else (a user namespace's root too) cannot. */
	im->root = is_host_root();
	im->form = choose_form(im->root);
	im->progress = isatty(2);
	if (plan_import(im, f) < 0 || check_dest(im, f) < 0)
		return -1;
	catch_signals();
	remove_stale(im);
	/* Our own modes, as the archive gives them. */
	im->umask = umask(0);
	int result = start_watcher(im, f) < 0 ? -1 : import_all(im, f);
	if (im->progress)
		fputs("\r\033[K", stderr);
	if (result < 0 && import_interrupted)
		fail(f, "import", "interrupted", 0);
	if (result < 0 && im->temp_fd >= 0)
		remove_directory(im->parent_fd, im->temp_name, &im->temp_stat,
				 REMOVE_DEPTH);
	stop_watcher(im);
	umask(im->umask);
	clock_gettime(CLOCK_MONOTONIC, &end);
	if (result == 0)
		summarize(im, (double)(end.tv_sec - start.tv_sec) +
				  (end.tv_nsec - start.tv_nsec) / 1e9);
	return result;
}

int import_command(int argc, char **argv)
{
	struct failure f;
	struct import im = {.parent_fd = -1, .temp_fd = -1, .watcher = -1};
	im.source.fd = -1;
	if (argc == 2 &&
	    (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(import_usage, stdout);
		return fflush(stdout) == 0 ? 0 : EXIT_SETUP_FAILED;
	}
	int result;
	if (argc != 3 || argv[1][0] == '-' || argv[2][0] == '-') {
		fail(&f, "import", "expected SOURCE[:NAME] DEST", 0);
		result = add_hint(&f, "see 'container-fs import --help'");
	} else {
		im.dest = argv[2];
		result = split_source(&im, argv[1], &f) < 0
			     ? -1
			     : run_import(&im, &f);
	}
	if (result < 0)
		print_failure(&f);
	close_source(&im.source);
	free(im.config);
	free(im.layers);
	if (im.temp_fd >= 0)
		close(im.temp_fd);
	if (im.parent_fd >= 0)
		close(im.parent_fd);
	if (result < 0 && import_interrupted) {
		signal(import_interrupted, SIG_DFL);
		raise(import_interrupted);
	}
	return result < 0 ? EXIT_SETUP_FAILED : 0;
}
