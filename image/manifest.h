/* manifest.h - what an image archive says about itself: an OCI index
 * (index.json, or a multi-platform index blob), an OCI or Docker v2
 * manifest, docker save's manifest.json, and the config's diff_ids.
 * Each is read with the strict JSON reader and checked field by field;
 * a problem is one line naming the field. */
#ifndef CONTAINER_FS_IMAGE_MANIFEST_H
#define CONTAINER_FS_IMAGE_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Bounds on what is read into memory (bytes). */
#define MAX_INDEX_SIZE	  (4 * 1024 * 1024)
#define MAX_MANIFEST_SIZE (4 * 1024 * 1024)
#define MAX_CONFIG_SIZE	  (16 * 1024 * 1024)

/* "sha256:" and 64 lowercase hex digits. */
#define DIGEST_SIZE 72

enum blob_kind {
	BLOB_OTHER,
	BLOB_INDEX,    /* OCI index or Docker manifest list */
	BLOB_MANIFEST, /* OCI or Docker v2 image manifest */
	BLOB_CONFIG,   /* an image's config */
	BLOB_LAYER,
};

enum compression { COMPRESSION_NONE, COMPRESSION_GZIP, COMPRESSION_ZSTD };

struct descriptor {
	char *media_type;
	enum blob_kind kind;
	enum compression compression; /* layers */
	char digest[DIGEST_SIZE];
	uint64_t size;
	char *ref_name;			   /* the image's name, or NULL */
	char *os, *architecture, *variant; /* its platform, or NULL */
};

struct index {
	struct descriptor *manifests;
	size_t count;
};

struct manifest {
	struct descriptor config;
	struct descriptor *layers;
	size_t layer_count;
};

/* One image of docker save's manifest.json. */
struct docker_image {
	char *config;  /* a name in the archive */
	char **layers; /* names in the archive, bottom first */
	size_t layer_count;
	char **tags; /* RepoTags */
	size_t tag_count;
};

struct docker_manifest {
	struct docker_image *images;
	size_t count;
};

/* The platform an image must be for (the host's). */
struct platform {
	const char *os, *architecture, *variant;
};

/* Each parser reads text[0..length) and returns 0, or -1 with a
 * one-line reason in error. Free what they filled in either case. */
int parse_index(const char *text, size_t length, struct index *out, char *error,
		size_t error_size);
int parse_manifest(const char *text, size_t length, struct manifest *out,
		   char *error, size_t error_size);
int parse_docker_manifest(const char *text, size_t length,
			  struct docker_manifest *out, char *error,
			  size_t error_size);
/* The config's rootfs.diff_ids ("sha256:..." each), count must equal
 * layers (the manifest's). */
int parse_diff_ids(const char *text, size_t length, size_t layers,
		   char (**diff_ids)[DIGEST_SIZE], char *error,
		   size_t error_size);

void free_descriptor(struct descriptor *d);
void free_index(struct index *index);
void free_manifest(struct manifest *manifest);
void free_docker_manifest(struct docker_manifest *manifest);

/* Which entry of index is the image: those named ref (any with ref
 * NULL), and among several for different platforms, the one for host.
 * Returns its position, or -1 with error saying what the index holds. */
int choose_manifest(const struct index *index, const char *ref,
		    const struct platform *host, char *error,
		    size_t error_size);

/* The same for docker save's images, by RepoTags. */
int choose_docker_image(const struct docker_manifest *manifest, const char *ref,
			char *error, size_t error_size);

/* Whether ref names name: exactly, or without its ":latest". */
bool ref_matches(const char *ref, const char *name);

/* Whether text is "sha256:" and 64 lowercase hex digits. */
bool valid_digest(const char *text);

/* This machine's platform in OCI's words (amd64, arm64 v8, ...). */
struct platform host_platform(void);

#endif
