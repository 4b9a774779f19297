/* manifest.c - what an image archive says about itself (see
 * manifest.h), checked field by field. Unknown fields are ignored, as
 * the OCI image spec asks; a field of the wrong type is refused. */
#include "manifest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "../json.h"

static int refuse(char *error, size_t size, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static int refuse(char *error, size_t size, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	vsnprintf(error, size, format, args);
	va_end(args);
	return -1;
}

bool valid_digest(const char *text)
{
	if (!text || strncmp(text, "sha256:", 7) != 0 || strlen(text) != 71)
		return false;
	return strspn(text + 7, "0123456789abcdef") == 64;
}

static const struct {
	const char *type;
	enum blob_kind kind;
	enum compression compression;
} media_types[] = {
    {"application/vnd.oci.image.index.v1+json", BLOB_INDEX, 0},
    {"application/vnd.docker.distribution.manifest.list.v2+json", BLOB_INDEX,
     0},
    {"application/vnd.oci.image.manifest.v1+json", BLOB_MANIFEST, 0},
    {"application/vnd.docker.distribution.manifest.v2+json", BLOB_MANIFEST, 0},
    {"application/vnd.oci.image.config.v1+json", BLOB_CONFIG, 0},
    {"application/vnd.docker.container.image.v1+json", BLOB_CONFIG, 0},
    {"application/vnd.oci.image.layer.v1.tar", BLOB_LAYER, COMPRESSION_NONE},
    {"application/vnd.oci.image.layer.v1.tar+gzip", BLOB_LAYER,
     COMPRESSION_GZIP},
    {"application/vnd.oci.image.layer.v1.tar+zstd", BLOB_LAYER,
     COMPRESSION_ZSTD},
    {"application/vnd.oci.image.layer.nondistributable.v1.tar", BLOB_LAYER,
     COMPRESSION_NONE},
    {"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", BLOB_LAYER,
     COMPRESSION_GZIP},
    {"application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", BLOB_LAYER,
     COMPRESSION_ZSTD},
    {"application/vnd.docker.image.rootfs.diff.tar", BLOB_LAYER,
     COMPRESSION_NONE},
    {"application/vnd.docker.image.rootfs.diff.tar.gzip", BLOB_LAYER,
     COMPRESSION_GZIP},
    {"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", BLOB_LAYER,
     COMPRESSION_GZIP},
};

/* A string member, copied (NULL when absent); -1 if of another type. */
static int optional_string(const struct json *object, const char *key,
			   char **out, const char *where, char *error,
			   size_t size)
{
	const struct json *value = json_member(object, key);
	*out = NULL;
	if (!value)
		return 0;
	if (value->type != JSON_STRING)
		return refuse(error, size, "%s.%s: expected a string, got %s",
			      where, key, json_type_name(value->type));
	*out = strdup(value->text);
	return *out ? 0 : refuse(error, size, "out of memory");
}

static int parse_descriptor(const struct json *value, const char *where,
			    struct descriptor *d, char *error, size_t size)
{
	long long length;
	*d = (struct descriptor){0};
	if (!value || value->type != JSON_OBJECT)
		return refuse(error, size, "%s: expected an object", where);
	const char *digest = json_string(json_member(value, "digest"));
	if (!digest)
		return refuse(error, size, "%s.digest: missing", where);
	if (strncmp(digest, "sha256:", 7) != 0)
		return refuse(error, size,
			      "%s.digest: '%.80s': only sha256 digests are "
			      "supported",
			      where, digest);
	if (!valid_digest(digest))
		return refuse(error, size, "%s.digest: '%.80s' is not valid",
			      where, digest);
	snprintf(d->digest, sizeof(d->digest), "%s", digest);
	if (!json_integer(json_member(value, "size"), 0, 1LL << 62, &length))
		return refuse(error, size,
			      "%s.size: missing or not a size in bytes", where);
	d->size = (uint64_t)length;
	const struct json *annotations = json_member(value, "annotations");
	const struct json *platform = json_member(value, "platform");
	if (optional_string(value, "mediaType", &d->media_type, where, error,
			    size) < 0)
		return -1;
	if ((platform && platform->type != JSON_OBJECT) ||
	    (annotations && annotations->type != JSON_OBJECT))
		return refuse(error, size,
			      "%s: platform or annotations not an object",
			      where);
	char *name = NULL, *containerd = NULL;
	if (optional_string(annotations, "org.opencontainers.image.ref.name",
			    &name, where, error, size) < 0 ||
	    optional_string(annotations, "io.containerd.image.name",
			    &containerd, where, error, size) < 0 ||
	    optional_string(platform, "os", &d->os, where, error, size) < 0 ||
	    optional_string(platform, "architecture", &d->architecture, where,
			    error, size) < 0 ||
	    optional_string(platform, "variant", &d->variant, where, error,
			    size) < 0) {
		free(name);
		free(containerd);
		return -1;
	}
	/* docker save (25+) names the image fully in containerd's
	 * annotation, and only its tag in OCI's. */
	d->ref_name = containerd ? containerd : name;
	free(containerd ? name : NULL);
	for (size_t i = 0;
	     d->media_type && i < sizeof(media_types) / sizeof(*media_types);
	     i++)
		if (strcmp(d->media_type, media_types[i].type) == 0) {
			d->kind = media_types[i].kind;
			d->compression = media_types[i].compression;
		}
	return 0;
}

void free_descriptor(struct descriptor *d)
{
	free(d->media_type);
	free(d->ref_name);
	free(d->os);
	free(d->architecture);
	free(d->variant);
	*d = (struct descriptor){0};
}

/* Parses text into root and checks schemaVersion 2. */
static int parse_document(const char *text, size_t length, size_t max,
			  const char *what, struct json *root, char *error,
			  size_t size)
{
	char reason[200];
	long long version;
	if (parse_json(text, length, max, root, reason, sizeof(reason)) < 0)
		return refuse(error, size, "%s: %s", what, reason);
	if (root->type != JSON_OBJECT)
		return refuse(error, size, "%s: expected an object", what);
	if (!json_integer(json_member(root, "schemaVersion"), 2, 2, &version))
		return refuse(error, size, "%s: schemaVersion is not 2", what);
	return 0;
}

int parse_index(const char *text, size_t length, struct index *out, char *error,
		size_t size)
{
	struct json root;
	*out = (struct index){0};
	int result = parse_document(text, length, MAX_INDEX_SIZE, "index",
				    &root, error, size);
	const struct json *list = json_member(&root, "manifests");
	if (result == 0 && (!list || list->type != JSON_ARRAY))
		result = refuse(error, size,
				"index: manifests: expected an "
				"array");
	if (result == 0 && list->count &&
	    !(out->manifests = calloc(list->count, sizeof(*out->manifests))))
		result = refuse(error, size, "out of memory");
	for (size_t i = 0; result == 0 && i < list->count; i++) {
		char where[64];
		snprintf(where, sizeof(where), "index: manifests[%zu]", i);
		result = parse_descriptor(&list->items[i], where,
					  &out->manifests[i], error, size);
		out->count = i + 1;
	}
	free_json(&root);
	return result;
}

int parse_manifest(const char *text, size_t length, struct manifest *out,
		   char *error, size_t size)
{
	struct json root;
	*out = (struct manifest){0};
	int result = parse_document(text, length, MAX_MANIFEST_SIZE, "manifest",
				    &root, error, size);
	const struct json *layers = json_member(&root, "layers");
	if (result == 0)
		result = parse_descriptor(json_member(&root, "config"),
					  "manifest: config", &out->config,
					  error, size);
	if (result == 0 && out->config.kind != BLOB_CONFIG)
		result = refuse(error, size,
				"manifest: config has media type '%.100s': "
				"not a container image",
				out->config.media_type ? out->config.media_type
						       : "(none)");
	if (result == 0 && (!layers || layers->type != JSON_ARRAY))
		result = refuse(error, size,
				"manifest: layers: expected an "
				"array");
	if (result == 0 && layers->count &&
	    !(out->layers = calloc(layers->count, sizeof(*out->layers))))
		result = refuse(error, size, "out of memory");
	for (size_t i = 0; result == 0 && i < layers->count; i++) {
		char where[64];
		snprintf(where, sizeof(where), "manifest: layers[%zu]", i);
		result = parse_descriptor(&layers->items[i], where,
					  &out->layers[i], error, size);
		out->layer_count = i + 1;
		if (result == 0 && out->layers[i].kind != BLOB_LAYER)
			result = refuse(error, size,
					"%s: media type '%.100s' is not a "
					"layer this tool can read",
					where,
					out->layers[i].media_type
					    ? out->layers[i].media_type
					    : "(none)");
	}
	free_json(&root);
	return result;
}

/* An array of strings, copied into *out (an empty list for null). */
static int string_list(const struct json *value, const char *where, char ***out,
		       size_t *count, char *error, size_t size)
{
	*out = NULL;
	*count = 0;
	if (!value || value->type == JSON_NULL)
		return 0;
	if (value->type != JSON_ARRAY)
		return refuse(error, size, "%s: expected an array", where);
	*out = calloc(value->count + 1, sizeof(**out));
	if (!*out)
		return refuse(error, size, "out of memory");
	for (size_t i = 0; i < value->count; i++) {
		if (value->items[i].type != JSON_STRING)
			return refuse(error, size, "%s[%zu]: expected a string",
				      where, i);
		if (!((*out)[i] = strdup(value->items[i].text)))
			return refuse(error, size, "out of memory");
		*count = i + 1;
	}
	return 0;
}

int parse_docker_manifest(const char *text, size_t length,
			  struct docker_manifest *out, char *error, size_t size)
{
	struct json root;
	char reason[200];
	*out = (struct docker_manifest){0};
	int result = 0;
	if (parse_json(text, length, MAX_MANIFEST_SIZE, &root, reason,
		       sizeof(reason)) < 0)
		result = refuse(error, size, "manifest.json: %s", reason);
	else if (root.type != JSON_ARRAY || root.count == 0)
		result = refuse(error, size,
				"manifest.json: expected a list of images");
	else if (!(out->images = calloc(root.count, sizeof(*out->images))))
		result = refuse(error, size, "out of memory");
	for (size_t i = 0; result == 0 && i < root.count; i++) {
		struct docker_image *image = &out->images[i];
		const struct json *entry = &root.items[i];
		char where[64];
		out->count = i + 1;
		snprintf(where, sizeof(where), "manifest.json[%zu]", i);
		const char *config = json_string(json_member(entry, "Config"));
		if (!config) {
			result =
			    refuse(error, size, "%s.Config: missing", where);
			break;
		}
		if (!(image->config = strdup(config)))
			result = refuse(error, size, "out of memory");
		char field[80];
		snprintf(field, sizeof(field), "%s.Layers", where);
		if (result == 0)
			result = string_list(json_member(entry, "Layers"),
					     field, &image->layers,
					     &image->layer_count, error, size);
		snprintf(field, sizeof(field), "%s.RepoTags", where);
		if (result == 0)
			result = string_list(json_member(entry, "RepoTags"),
					     field, &image->tags,
					     &image->tag_count, error, size);
	}
	free_json(&root);
	return result;
}

int parse_diff_ids(const char *text, size_t length, size_t layers,
		   char (**diff_ids)[DIGEST_SIZE], char *error, size_t size)
{
	struct json root;
	char reason[200];
	*diff_ids = NULL;
	if (parse_json(text, length, MAX_CONFIG_SIZE, &root, reason,
		       sizeof(reason)) < 0) {
		free_json(&root);
		return refuse(error, size, "config: %s", reason);
	}
	const struct json *rootfs = json_member(&root, "rootfs");
	const struct json *ids = json_member(rootfs, "diff_ids");
	const char *type = json_string(json_member(rootfs, "type"));
	int result = 0;
	if (root.type != JSON_OBJECT || !type || strcmp(type, "layers") != 0)
		result = refuse(error, size,
				"config: rootfs.type is not \"layers\"");
	else if (!ids || ids->type != JSON_ARRAY)
		result = refuse(error, size,
				"config: rootfs.diff_ids: expected an array");
	else if (ids->count != layers)
		result = refuse(error, size,
				"config: rootfs.diff_ids lists %zu layers, "
				"the manifest %zu",
				ids->count, layers);
	else if (!(*diff_ids = calloc(layers + 1, sizeof(**diff_ids))))
		result = refuse(error, size, "out of memory");
	for (size_t i = 0; result == 0 && i < layers; i++) {
		const char *id = json_string(&ids->items[i]);
		if (!valid_digest(id))
			result = refuse(error, size,
					"config: rootfs.diff_ids[%zu]: not a "
					"sha256 digest",
					i);
		else
			snprintf((*diff_ids)[i], DIGEST_SIZE, "%s", id);
	}
	free_json(&root);
	if (result < 0) {
		free(*diff_ids);
		*diff_ids = NULL;
	}
	return result;
}

void free_index(struct index *index)
{
	for (size_t i = 0; i < index->count; i++)
		free_descriptor(&index->manifests[i]);
	free(index->manifests);
	*index = (struct index){0};
}

void free_manifest(struct manifest *manifest)
{
	free_descriptor(&manifest->config);
	for (size_t i = 0; i < manifest->layer_count; i++)
		free_descriptor(&manifest->layers[i]);
	free(manifest->layers);
	*manifest = (struct manifest){0};
}

static void free_list(char **list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(list[i]);
	free(list);
}

void free_docker_manifest(struct docker_manifest *manifest)
{
	for (size_t i = 0; i < manifest->count; i++) {
		free(manifest->images[i].config);
		free_list(manifest->images[i].layers,
			  manifest->images[i].layer_count);
		free_list(manifest->images[i].tags,
			  manifest->images[i].tag_count);
	}
	free(manifest->images);
	*manifest = (struct docker_manifest){0};
}

bool ref_matches(const char *ref, const char *name)
{
	if (!name)
		return false;
	if (strcmp(ref, name) == 0)
		return true;
	/* "alpine" names "alpine:latest", as docker and podman take it. */
	const char *slash = strrchr(ref, '/');
	size_t length = strlen(ref);
	return !strchr(slash ? slash : ref, ':') &&
	       strncmp(ref, name, length) == 0 &&
	       strcmp(name + length, ":latest") == 0;
}

static bool platform_matches(const struct descriptor *d,
			     const struct platform *host)
{
	return d->os && d->architecture && strcmp(d->os, host->os) == 0 &&
	       strcmp(d->architecture, host->architecture) == 0 &&
	       (!d->variant || !host->variant ||
		strcmp(d->variant, host->variant) == 0);
}

/* Appends item to a ", "-separated list in buffer, once. */
static void list_once(char *buffer, size_t size, const char *item)
{
	size_t used = strlen(buffer), length = strlen(item);
	for (const char *p = buffer; (p = strstr(p, item)); p += length)
		if ((p == buffer || p[-1] == ' ') &&
		    (p[length] == ',' || p[length] == '\0'))
			return;
	snprintf(buffer + used, size - used, "%s%s", used ? ", " : "", item);
}

int choose_manifest(const struct index *index, const char *ref,
		    const struct platform *host, char *error, size_t size)
{
	int chosen = -1, matches = 0, for_host = -1;
	bool all_platforms = true;
	char names[400] = "", platforms[400] = "";
	for (size_t i = 0; i < index->count; i++) {
		const struct descriptor *d = &index->manifests[i];
		char platform[200];
		list_once(names, sizeof(names),
			  d->ref_name ? d->ref_name : "(unnamed)");
		if (ref && !ref_matches(ref, d->ref_name))
			continue;
		matches++;
		chosen = (int)i;
		all_platforms &= d->os && d->architecture;
		snprintf(platform, sizeof(platform), "%.60s/%.60s%s%.40s",
			 d->os ? d->os : "?",
			 d->architecture ? d->architecture : "?",
			 d->variant ? "/" : "", d->variant ? d->variant : "");
		list_once(platforms, sizeof(platforms), platform);
		if (for_host < 0 && platform_matches(d, host))
			for_host = (int)i;
	}
	if (matches == 1)
		return chosen;
	if (matches == 0 && ref)
		return refuse(error, size,
			      "no image named '%.200s' (it holds: "
			      "%s)",
			      ref, names);
	if (matches == 0)
		return refuse(error, size, "the index lists no image");
	if (all_platforms && for_host >= 0)
		return for_host;
	if (all_platforms)
		return refuse(
		    error, size,
		    "no image for this machine (%s/%s); there are: %s",
		    host->os, host->architecture, platforms);
	return refuse(error, size,
		      "it holds several images: name one as SOURCE:NAME "
		      "(%s)",
		      names);
}

int choose_docker_image(const struct docker_manifest *manifest, const char *ref,
			char *error, size_t size)
{
	char names[400] = "";
	int chosen = -1, matches = 0;
	for (size_t i = 0; i < manifest->count; i++) {
		const struct docker_image *image = &manifest->images[i];
		bool named = !ref;
		for (size_t t = 0; t < image->tag_count; t++) {
			list_once(names, sizeof(names), image->tags[t]);
			named |= ref && ref_matches(ref, image->tags[t]);
		}
		if (image->tag_count == 0)
			list_once(names, sizeof(names), "(untagged)");
		if (named) {
			matches++;
			chosen = (int)i;
		}
	}
	if (matches == 1)
		return chosen;
	if (ref && matches == 0)
		return refuse(error, size,
			      "no image named '%.200s' (it holds: "
			      "%s)",
			      ref, names);
	return refuse(error, size,
		      "it holds several images: name one as SOURCE:NAME (%s)",
		      names);
}

struct platform host_platform(void)
{
	static struct utsname host;
	static const struct {
		const char *machine, *architecture, *variant;
	} names[] = {
	    {"x86_64", "amd64", NULL},	  {"aarch64", "arm64", NULL},
	    {"armv7l", "arm", "v7"},	  {"armv6l", "arm", "v6"},
	    {"i686", "386", NULL},	  {"i386", "386", NULL},
	    {"ppc64le", "ppc64le", NULL}, {"s390x", "s390x", NULL},
	    {"riscv64", "riscv64", NULL},
	};
	struct platform p = {"linux", "unknown", NULL};
	if (uname(&host) < 0)
		return p;
	p.architecture = host.machine;
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (strcmp(host.machine, names[i].machine) == 0) {
			p.architecture = names[i].architecture;
			p.variant = names[i].variant;
		}
	return p;
}
