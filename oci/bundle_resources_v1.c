/* bundle_resources_v1.c - the limits of a config.json only cgroup v1
 * has files for: blockIO (the blkio controller) and network (net_cls,
 * net_prio). Written as runc writes them; on a cgroup v2 host they are
 * not applied, and a warning says so (cgroups.c). */
#include "oci/bundle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A device's "MAJOR:MINOR", both required. */
static int get_device_numbers(const struct json *item, const struct field *at,
			      char *out, size_t size, struct failure *f)
{
	long long major, minor;
	if (get_integer(item, at, "major", 0, 4095, true, &major, NULL, f) <
		0 ||
	    get_integer(item, at, "minor", 0, 1048575, true, &minor, NULL, f) <
		0)
		return -1;
	snprintf(out, size, "%lld:%lld", major, minor);
	return 0;
}

/* weightDevice: per device "MAJOR:MINOR WEIGHT", into blkio.weight_device
 * and blkio.leaf_weight_device. */
static int parse_weight_devices(const struct json *block_io,
				const struct field *parent,
				struct container_spec *s, struct failure *f)
{
	static const char *const known[] = {"major", "minor", "weight",
					    "leafWeight", NULL};
	const struct json *array;
	struct field field = field_of(parent, "weightDevice");
	if (get_array(block_io, parent, "weightDevice", &array, f) < 0)
		return -1;
	for (size_t i = 0; array && i < array->count; i++) {
		const struct json *item = &array->items[i];
		struct field at = element_of(&field, i);
		char device[32], text[48];
		long long weight = 0, leaf = 0;
		if (check_object(item, &at, known, f) < 0 ||
		    get_device_numbers(item, &at, device, sizeof(device), f) <
			0 ||
		    get_integer(item, &at, "weight", 0, 65535, false, &weight,
				NULL, f) < 0 ||
		    get_integer(item, &at, "leafWeight", 0, 65535, false, &leaf,
				NULL, f) < 0)
			return -1;
		snprintf(text, sizeof(text), "%s %lld", device, weight);
		if (weight &&
		    add_cgroup_setting(s, V1, &at, "weight",
				       "blkio.weight_device", text, f) < 0)
			return -1;
		snprintf(text, sizeof(text), "%s %lld", device, leaf);
		if (leaf &&
		    add_cgroup_setting(s, V1, &at, "leafWeight",
				       "blkio.leaf_weight_device", text, f) < 0)
			return -1;
	}
	return 0;
}

/* A throttle list: per device "MAJOR:MINOR RATE", into file. */
static int parse_throttle(const struct json *block_io,
			  const struct field *parent, const char *key,
			  const char *file, struct container_spec *s,
			  struct failure *f)
{
	static const char *const known[] = {"major", "minor", "rate", NULL};
	const struct json *array;
	struct field field = field_of(parent, key);
	if (get_array(block_io, parent, key, &array, f) < 0)
		return -1;
	for (size_t i = 0; array && i < array->count; i++) {
		const struct json *item = &array->items[i];
		struct field at = element_of(&field, i);
		char device[32], text[64];
		unsigned long long rate;
		if (check_object(item, &at, known, f) < 0 ||
		    get_device_numbers(item, &at, device, sizeof(device), f) <
			0 ||
		    get_unsigned(item, &at, "rate", true, &rate, NULL, f) < 0)
			return -1;
		snprintf(text, sizeof(text), "%s %llu", device, rate);
		if (add_cgroup_setting(s, V1, &at, NULL, file, text, f) < 0)
			return -1;
	}
	return 0;
}

int parse_block_io(const struct json *resources, const struct field *parent,
		   struct container_spec *s, struct failure *f)
{
	static const char *const known[] = {"weight",
					    "leafWeight",
					    "weightDevice",
					    "throttleReadBpsDevice",
					    "throttleWriteBpsDevice",
					    "throttleReadIOPSDevice",
					    "throttleWriteIOPSDevice",
					    NULL};
	struct field field = field_of(parent, "blockIO");
	const struct json *block_io = json_member(resources, "blockIO");
	long long weight = 0, leaf = 0;
	if (!block_io)
		return 0;
	/* 0 is unset, as runc takes it (the kernel's range is 10-1000). */
	if (check_object(block_io, &field, known, f) < 0 ||
	    get_integer(block_io, &field, "weight", 0, 65535, false, &weight,
			NULL, f) < 0 ||
	    get_integer(block_io, &field, "leafWeight", 0, 65535, false, &leaf,
			NULL, f) < 0 ||
	    (weight && add_cgroup_number(s, V1, &field, "weight",
					 "blkio.weight", weight, f) < 0) ||
	    (leaf && add_cgroup_number(s, V1, &field, "leafWeight",
				       "blkio.leaf_weight", leaf, f) < 0) ||
	    parse_weight_devices(block_io, &field, s, f) < 0 ||
	    parse_throttle(block_io, &field, "throttleReadBpsDevice",
			   "blkio.throttle.read_bps_device", s, f) < 0 ||
	    parse_throttle(block_io, &field, "throttleWriteBpsDevice",
			   "blkio.throttle.write_bps_device", s, f) < 0 ||
	    parse_throttle(block_io, &field, "throttleReadIOPSDevice",
			   "blkio.throttle.read_iops_device", s, f) < 0 ||
	    parse_throttle(block_io, &field, "throttleWriteIOPSDevice",
			   "blkio.throttle.write_iops_device", s, f) < 0)
		return -1;
	return 0;
}

int parse_network(const struct json *resources, const struct field *parent,
		  struct container_spec *s, struct failure *f)
{
	static const char *const known[] = {"classID", "priorities", NULL};
	static const char *const known_priority[] = {"name", "priority", NULL};
	struct field field = field_of(parent, "network");
	struct field priorities = field_of(&field, "priorities");
	const struct json *network = json_member(resources, "network");
	const struct json *array;
	long long class_id;
	bool has_class_id;
	if (!network)
		return 0;
	if (check_object(network, &field, known, f) < 0 ||
	    get_integer(network, &field, "classID", 0, 4294967295LL, false,
			&class_id, &has_class_id, f) < 0 ||
	    (has_class_id &&
	     add_cgroup_number(s, V1, &field, "classID", "net_cls.classid",
			       class_id, f) < 0) ||
	    get_array(network, &field, "priorities", &array, f) < 0)
		return -1;
	for (size_t i = 0; array && i < array->count; i++) {
		const struct json *item = &array->items[i];
		struct field at = element_of(&priorities, i);
		char *name, text[64];
		long long priority;
		if (check_object(item, &at, known_priority, f) < 0 ||
		    get_string(item, &at, "name", true, &name, f) < 0)
			return -1;
		/* An interface name: at most IFNAMSIZ - 1, no space. */
		bool valid =
		    name[0] && strlen(name) < 16 && !strpbrk(name, " \t\n/:");
		snprintf(text, sizeof(text), "%s", name);
		free(name);
		if (!valid) {
			struct field name_field = field_of(&at, "name");
			return refuse_field(&name_field,
					    "not a network interface name", f);
		}
		if (get_integer(item, &at, "priority", 0, 4294967295LL, true,
				&priority, NULL, f) < 0)
			return -1;
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 " %lld", priority);
		if (add_cgroup_setting(s, V1, &at, NULL, "net_prio.ifpriomap",
				       text, f) < 0)
			return -1;
	}
	return 0;
}
