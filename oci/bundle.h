/* bundle.h - an OCI bundle's config.json (runtime spec 1.0 to 1.2) into
 * the container's description: the same one the command line fills,
 * executed by the same setup. */
#ifndef CONTAINER_FS_OCI_BUNDLE_H
#define CONTAINER_FS_OCI_BUNDLE_H

#include <stddef.h>

#include "json.h"
#include "oci/fields.h"
#include "spec.h"
#include "utils.h"

/* A config.json is refused past this size; real ones are a few KiB
 * (podman's, with its seccomp profile, about 20). */
#define MAX_CONFIG_SIZE (4 * 1024 * 1024)

/* Reads the file at path (a regular file, at most MAX_CONFIG_SIZE
 * bytes) into a malloc'd, NUL-terminated *text. 0 or -1. */
int read_config(const char *path, char **text, size_t *length,
		struct failure *f);

/* Fills s (init_spec'd here; free_spec it in any case) from a
 * config.json's text, for the container id of the bundle directory
 * bundle (absolute; root.path and bind sources relative to it). Every
 * field is checked; a bad one is refused naming it. 0 or -1. */
int parse_bundle(const char *text, size_t length, const char *bundle,
		 const char *id, struct container_spec *s, struct failure *f);

/* A "process" object (of a config.json, or exec's --process file) into
 * s's process fields: args, env, cwd, user, capabilities, rlimits,
 * noNewPrivileges, oomScoreAdj, terminal, apparmorProfile. What it
 * leaves out stays as s has it. 0 or -1. */
int parse_process(const struct json *process, const struct field *field,
		  struct container_spec *s, struct failure *f);

/* The "mounts" array (bundle_mounts.c), in order. 0 or -1. */
int parse_mounts(const struct json *config, const char *bundle,
		 struct container_spec *s, struct failure *f);

/* After the rest: the devices and the masks follow the bundle's mounts,
 * and (unless the bundle gives every device) every mount but the
 * device nodes is made nodev. 0 or -1. */
int finish_mounts(struct container_spec *s, struct failure *f);

/* The "linux" object (bundle_linux.c). 0 or -1. */
int parse_linux(const struct json *linux_object, struct container_spec *s,
		struct failure *f);

/* "linux.cgroupsPath" and "linux.resources" (bundle_resources.c): the
 * limits as the files of both cgroup versions, and the device rules. */
int parse_resources(const struct json *linux_object, const struct field *parent,
		    struct container_spec *s, struct failure *f);

/* Which of s's lists a cgroup setting goes to. */
enum cgroup_version { V1, V2 };

/* Appends file = value to the version's list, from the field parent's
 * key (key NULL: parent itself), the field its messages name. 0 or -1. */
int add_cgroup_setting(struct container_spec *s, enum cgroup_version version,
		       const struct field *parent, const char *key,
		       const char *file, const char *value, struct failure *f);

/* The same with a number; a negative one is unlimited: "max" in v2,
 * -1 in v1. */
int add_cgroup_number(struct container_spec *s, enum cgroup_version version,
		      const struct field *parent, const char *key,
		      const char *file, long long value, struct failure *f);

/* "linux.resources.blockIO" and "network" (bundle_resources_v1.c):
 * limits only cgroup v1 has files for. 0 or -1. */
int parse_block_io(const struct json *resources, const struct field *parent,
		   struct container_spec *s, struct failure *f);
int parse_network(const struct json *resources, const struct field *parent,
		  struct container_spec *s, struct failure *f);

/* The "linux.seccomp" object (seccomp_profile.c) into s's profile. */
int parse_seccomp(const struct json *seccomp, const struct field *field,
		  struct container_spec *s, struct failure *f);

#endif
