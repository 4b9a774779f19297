/* spec.c - one description of a container: its defaults, its lists, and
 * the checks no single field can make. */
#include "spec.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

/* Docker's masks: read as empty, kernel memory, keys, interrupt and
 * timer internals (side channels), and firmware and power interfaces
 * of the host; read-only, what writing would change the host's kernel
 * through. */
static const char *const default_masked_paths[] = {
    "/proc/acpi",
    "/proc/asound",
    "/proc/interrupts",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/sched_debug",
    "/proc/scsi",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/sys/devices/virtual/powercap",
    "/sys/firmware",
};
static const char *const default_readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

static char *copy(const char *text)
{
	return text ? strdup(text) : NULL;
}

/* Room for n entries, in powers of two: appending stays linear even for
 * 200,000 COMMAND words (realloc under ASan always copies). */
static size_t room_for(size_t n)
{
	size_t room = 4;
	while (room < n)
		room *= 2;
	return room;
}

int append_list(char ***list, size_t *count, const char *text,
		struct failure *f)
{
	/* The list holds count entries and a NULL: grow when a new entry
	 * and its NULL no longer fit. */
	if (!*list || room_for(*count + 2) > room_for(*count + 1)) {
		char **grown =
		    realloc(*list, room_for(*count + 2) * sizeof(**list));
		if (!grown)
			return fail(f, "arguments", "allocate", ENOMEM);
		*list = grown;
	}
	char **grown = *list;
	grown[*count] = strdup(text);
	if (!grown[*count])
		return fail(f, "arguments", "allocate", ENOMEM);
	grown[++*count] = NULL;
	return 0;
}

int add_mount(struct container_spec *s, enum mount_kind kind,
	      const char *source, const char *destination, unsigned long flags,
	      const char *data, struct failure *f)
{
	struct mount_entry *grown =
	    realloc(s->mounts, (s->mount_count + 1) * sizeof(*s->mounts));
	if (!grown)
		return fail(f, "arguments", "allocate", ENOMEM);
	s->mounts = grown;
	struct mount_entry *m = &s->mounts[s->mount_count];
	*m = (struct mount_entry){.kind = kind,
				  .source = copy(source),
				  .destination = copy(destination),
				  .flags = flags,
				  .data = copy(data),
				  .source_fd = -1,
				  .tree_fd = -1};
	s->mount_count++;
	if ((source && !m->source) || (destination && !m->destination) ||
	    (data && !m->data))
		return fail(f, "arguments", "allocate", ENOMEM);
	return 0;
}

size_t first_mount_given(const struct container_spec *s)
{
	size_t i = 0;
	while (i < s->mount_count && s->mounts[i].kind != MOUNT_BIND &&
	       s->mounts[i].kind != MOUNT_TMPFS)
		i++;
	return i;
}

void move_last_mount(struct container_spec *s, size_t position)
{
	struct mount_entry last = s->mounts[s->mount_count - 1];
	memmove(&s->mounts[position + 1], &s->mounts[position],
		(s->mount_count - 1 - position) * sizeof(*s->mounts));
	s->mounts[position] = last;
}

int set_env(struct container_spec *s, const char *name_value, struct failure *f)
{
	size_t name_length = strcspn(name_value, "=");
	for (size_t i = 0; i < s->env_count; i++)
		if (strncmp(s->env[i], name_value, name_length) == 0 &&
		    s->env[i][name_length] == '=') {
			char *value = strdup(name_value);
			if (!value)
				return fail(f, "arguments", "allocate", ENOMEM);
			free(s->env[i]);
			s->env[i] = value;
			return 0;
		}
	return append_list(&s->env, &s->env_count, name_value, f);
}

void remove_mounts(struct container_spec *s)
{
	for (size_t i = 0; i < s->mount_count; i++) {
		free(s->mounts[i].source);
		free(s->mounts[i].destination);
		free(s->mounts[i].data);
		free(s->mounts[i].type);
	}
	free(s->mounts);
	s->mounts = NULL;
	s->mount_count = 0;
}

void add_capabilities(struct container_spec *s, capability_mask mask)
{
	struct capability_sets *c = &s->capabilities;
	c->bounding |= mask;
	c->effective |= mask;
	c->permitted |= mask;
	c->inheritable |= mask;
}

void drop_capabilities(struct container_spec *s, capability_mask mask)
{
	struct capability_sets *c = &s->capabilities;
	c->bounding &= ~mask;
	c->effective &= ~mask;
	c->permitted &= ~mask;
	c->inheritable &= ~mask;
	c->ambient &= ~mask;
}

int init_spec(struct container_spec *s, struct failure *f)
{
	*s = (struct container_spec){
	    .default_environment = true,
	    .umask = -1,
	    .personality = -1,
	    .namespaces =
		CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC,
	    .root_propagation = MS_REC | MS_PRIVATE,
	};
	add_capabilities(s, default_capabilities());
	for (size_t i = 0;
	     i < sizeof(default_masked_paths) / sizeof(*default_masked_paths);
	     i++)
		if (append_list(&s->masked_paths, &s->masked_count,
				default_masked_paths[i], f) < 0)
			return -1;
	for (size_t i = 0; i < sizeof(default_readonly_paths) /
				   sizeof(*default_readonly_paths);
	     i++)
		if (append_list(&s->readonly_paths, &s->readonly_count,
				default_readonly_paths[i], f) < 0)
			return -1;
	/* The kernel filesystems first: every later mount may lie below
	 * them (/dev/shm) or must not (a volume under /proc is refused). */
	if (add_mount(s, MOUNT_PROC, NULL, "/proc", 0, NULL, f) < 0 ||
	    add_mount(s, MOUNT_DEV, NULL, "/dev", 0, NULL, f) < 0 ||
	    add_mount(s, MOUNT_SYS, NULL, "/sys", 0, NULL, f) < 0 ||
	    add_mount(s, MOUNT_MASKS, NULL, NULL, 0, NULL, f) < 0 ||
	    add_mount(s, MOUNT_FILES, NULL, "/etc", 0, NULL, f) < 0)
		return -1;
	return 0;
}

bool valid_container_path(const char *path)
{
	if (path[0] != '/' || path[1] == '\0')
		return false;
	for (const char *p = path; *p;) {
		while (*p == '/')
			p++;
		size_t length = strcspn(p, "/");
		if ((length == 1 && p[0] == '.') ||
		    (length == 2 && p[0] == '.' && p[1] == '.'))
			return false;
		p += length;
	}
	return true;
}

/* Whether container path lies at or below directory (both absolute;
 * repeated and trailing slashes do not count: "/x" is "//x/"). */
static bool path_below(const char *path, const char *directory)
{
	for (;;) {
		while (*path == '/')
			path++;
		while (*directory == '/')
			directory++;
		size_t lp = strcspn(path, "/"), ld = strcspn(directory, "/");
		if (ld == 0)
			return true;
		if (lp != ld || strncmp(path, directory, ld) != 0)
			return false;
		path += lp;
		directory += ld;
	}
}

static bool same_path(const char *a, const char *b)
{
	return path_below(a, b) && path_below(b, a);
}

static const char *option_of(enum mount_kind kind)
{
	return kind == MOUNT_TMPFS ? "--tmpfs" : "--volume";
}

int check_spec(const struct container_spec *s, struct failure *f)
{
	char detail[256];
	for (size_t i = 0; i < s->mount_count; i++) {
		const struct mount_entry *m = &s->mounts[i];
		if (m->kind != MOUNT_BIND && m->kind != MOUNT_TMPFS)
			continue;
		/* The kernel's own filesystems are ours to set up: a mount
		 * there would hide or replace what the masks protect. */
		if (path_below(m->destination, "/proc") ||
		    path_below(m->destination, "/sys")) {
			snprintf(detail, sizeof(detail),
				 "%s: %.200s lies under /proc or /sys",
				 option_of(m->kind), m->destination);
			return fail(f, "arguments", detail, 0);
		}
		for (size_t j = 0; j < i; j++) {
			const struct mount_entry *earlier = &s->mounts[j];
			if ((earlier->kind == MOUNT_BIND ||
			     earlier->kind == MOUNT_TMPFS) &&
			    same_path(earlier->destination, m->destination)) {
				snprintf(detail, sizeof(detail),
					 "%s: two mounts on %.200s",
					 option_of(m->kind), m->destination);
				return fail(f, "arguments", detail, 0);
			}
		}
	}
	return 0;
}

static void free_list(char **list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(list[i]);
	free(list);
}

static void free_strings(char **list)
{
	for (size_t i = 0; list && list[i]; i++)
		free(list[i]);
	free(list);
}

static void free_hooks(struct hook_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		free(list->hooks[i].path);
		free_strings(list->hooks[i].args);
		free_strings(list->hooks[i].env);
	}
	free(list->hooks);
}

static void free_cgroup_settings(struct cgroup_setting *settings, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(settings[i].file);
		free(settings[i].value);
		free(settings[i].field);
	}
	free(settings);
}

void free_spec(struct container_spec *s)
{
	for (int i = 0; i < s->layer_count; i++)
		free(s->layers[i]);
	free(s->layers);
	free(s->writedir);
	free(s->overlay_workdir);
	free(s->root_directory);
	remove_mounts(s);
	for (size_t i = 0; s->command && s->command[i]; i++)
		free(s->command[i]);
	free(s->command);
	for (size_t i = 0; i < s->env_count; i++)
		free(s->env[i]);
	free(s->env);
	free(s->cwd);
	free(s->user);
	for (size_t i = 0; i < s->group_count; i++)
		free(s->groups[i]);
	free(s->groups);
	free(s->hostname);
	free(s->domainname);
	free(s->limits);
	for (size_t i = 0; i < s->join_count; i++)
		free(s->joins[i].path);
	free(s->joins);
	free(s->uid_mappings);
	free(s->gid_mappings);
	for (size_t i = 0; i < s->sysctl_count; i++) {
		free(s->sysctls[i].name);
		free(s->sysctls[i].value);
	}
	free(s->sysctls);
	free(s->cgroup_path);
	free_cgroup_settings(s->cgroup_settings, s->cgroup_setting_count);
	free_cgroup_settings(s->cgroup_v1_settings, s->cgroup_v1_setting_count);
	free(s->device_rules);
	for (size_t i = 0; i < s->device_count; i++)
		free(s->devices[i].path);
	free(s->devices);
	free_seccomp_profile(s->seccomp_profile);
	free(s->apparmor_profile);
	free_list(s->masked_paths, s->masked_count);
	free_list(s->readonly_paths, s->readonly_count);
	free(s->id);
	free(s->bundle);
	free_list(s->annotations, s->annotation_count);
	for (int i = 0; i < HOOK_STAGES; i++)
		free_hooks(&s->hooks[i]);
	*s = (struct container_spec){0};
}
