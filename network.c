/* network.c - the container's network and names: --network none, the
 * hostname, /etc/hosts and /etc/resolv.conf. */
#include "network.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernelfs.h"
#include "mounts.h"

/* A hosts or resolv.conf file larger than this is not the host's own. */
#define MAX_ETC_FILE (1024 * 1024)

bool valid_hostname(const char *name)
{
	size_t length = strlen(name);
	if (length == 0 || length > 64)
		return false;
	for (const char *label = name;;) {
		size_t n = strspn(label, "abcdefghijklmnopqrstuvwxyz"
					 "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					 "0123456789-");
		if (n == 0 || n > 63 || label[0] == '-' || label[n - 1] == '-')
			return false;
		if (label[n] == '\0')
			return true;
		if (label[n] != '.')
			return false;
		label += n + 1;
	}
}

/* Reads a whole small file of the host into a string; NULL with errno
 * ENOENT if it is missing. */
static char *read_host_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	char *text = NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size < MAX_ETC_FILE &&
	    (text = malloc((size_t)st.st_size + 1))) {
		ssize_t n = read(fd, text, (size_t)st.st_size);
		if (n < 0) {
			free(text);
			text = NULL;
		} else {
			text[n] = '\0';
		}
	} else if (!text) {
		errno = EINVAL;
	}
	close(fd);
	return text;
}

/* Whether a hosts file names name on some line (as any field after the
 * address; comments ignored). */
static bool hosts_name(const char *hosts, const char *name)
{
	size_t length = strlen(name);
	for (const char *line = hosts; line && *line;) {
		const char *end = line + strcspn(line, "\n#");
		const char *p = line + strcspn(line, " \t\n#");
		while (p < end) {
			p += strspn(p, " \t");
			size_t n = strcspn(p, " \t\n#");
			if (n == length && strncmp(p, name, n) == 0)
				return true;
			p += n;
		}
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	return false;
}

int prepare_etc_files(const struct container_spec *s, const char *hostname,
		      struct etc_files *e, struct failure *f)
{
	*e = (struct etc_files){0};
	char *base = NULL;
	if (s->network == NETWORK_HOST) {
		base = read_host_file("/etc/hosts");
		e->resolv = read_host_file("/etc/resolv.conf");
	}
	struct string hosts = {0};
	int result = append_string(&hosts, base ? base : "");
	if (result == 0 && hosts.length && hosts.data[hosts.length - 1] != '\n')
		result = append_string(&hosts, "\n");
	if (result == 0 && !hosts_name(hosts.data, "localhost"))
		result = append_string(&hosts, "127.0.0.1\tlocalhost\n"
					       "::1\tlocalhost ip6-localhost "
					       "ip6-loopback\n");
	if (result == 0 && !hosts_name(hosts.data, hostname))
		result = append_string(&hosts, "127.0.1.1\t") < 0 ||
				 append_string(&hosts, hostname) < 0 ||
				 append_string(&hosts, "\n") < 0
			     ? -1
			     : 0;
	free(base);
	if (result < 0) {
		free_string(&hosts);
		free_etc_files(e);
		return fail(f, "network", "/etc/hosts", ENOMEM);
	}
	e->hosts = hosts.data;
	return 0;
}

void free_etc_files(struct etc_files *e)
{
	free(e->hosts);
	free(e->resolv);
	*e = (struct etc_files){0};
}

/* Writes text to a new file scratch in the container's /dev (a tmpfs of
 * its own, device dev) and binds it read-only at path in the container;
 * the caller unlinks scratch from /dev again (the mount keeps it). */
static int bind_text(int root_fd, int dev_fd, dev_t dev, const char *scratch,
		     const char *path, const char *text, struct failure *f)
{
	int fd =
	    openat(dev_fd, scratch,
		   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail(f, "network", path, errno);
	int result = write_all(fd, text, strlen(text));
	if (result < 0)
		fail(f, "network", path, errno);
	close(fd);
	int target = result < 0
			 ? -1
			 : open_in_root(root_fd, path, S_IFREG, "network", f);
	/* Without root, an image's /etc that belongs to no one mapped here
	 * (a rootfs made with sudo) cannot take a new file: the image's
	 * own name resolution stays. */
	if (target < 0 && (f->error == EOVERFLOW || f->error == EACCES ||
			   f->error == EPERM || f->error == EROFS))
		return 0;
	/* An image whose path leads to something that is no plain file of
	 * its own (a symlink to /dev/null, into /dev, or to the file the
	 * other one was bound on) keeps what it has: a bind there would
	 * break a device or stack on the scratch file. */
	struct stat at;
	if (target >= 0 && (fstat(target, &at) < 0 || !S_ISREG(at.st_mode) ||
			    at.st_dev == dev)) {
		close(target);
		return 0;
	}
	int source = target < 0 ? -1 : open_beneath(dev_fd, scratch, O_PATH);
	char from[32];
	snprintf(from, sizeof(from), "/proc/self/fd/%d", source);
	if (target >= 0 && source < 0)
		fail(f, "network", path, errno);
	result = source < 0 ? -1
			    : bind_read_only(source, "", target, false,
					     "network", path, f);
	/* Before Linux 5.12: a bind, then a remount of the new mount,
	 * which must be opened again. */
	bool remount = result == -2;
	if (remount)
		result = mount_on(target, "network", path, from, NULL, MS_BIND,
				  NULL, f);
	if (target >= 0)
		close(target);
	if (source >= 0)
		close(source);
	if (result < 0 || !remount)
		return result;
	target = open_in_root(root_fd, path, S_IFREG, "network", f);
	if (target < 0)
		return -1;
	result = remount_read_only(target, "network", path, f);
	close(target);
	return result;
}

int mount_etc_files(int root_fd, const struct etc_files *e, struct failure *f)
{
	int dev_fd = open_beneath(root_fd, "dev", O_PATH | O_DIRECTORY);
	struct stat dev;
	if (dev_fd < 0 || fstat(dev_fd, &dev) < 0) {
		int error = errno;
		if (dev_fd >= 0)
			close(dev_fd);
		return fail(f, "network", "/dev", error);
	}
	int result =
	    bind_text(root_fd, dev_fd, dev.st_dev, ".container-fs-hosts",
		      "/etc/hosts", e->hosts, f);
	unlinkat(dev_fd, ".container-fs-hosts", 0);
	if (result == 0 && e->resolv)
		result = bind_text(root_fd, dev_fd, dev.st_dev,
				   ".container-fs-resolv", "/etc/resolv.conf",
				   e->resolv, f);
	unlinkat(dev_fd, ".container-fs-resolv", 0);
	close(dev_fd);
	return result;
}

int bring_up_loopback(struct failure *f)
{
	struct ifreq request = {0};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(f, "network", "socket", errno);
	snprintf(request.ifr_name, sizeof(request.ifr_name), "lo");
	int result = 0;
	if (ioctl(fd, SIOCGIFFLAGS, &request) < 0) {
		result = fail(f, "network", "lo", errno);
	} else {
		request.ifr_flags |= IFF_UP | IFF_RUNNING;
		if (ioctl(fd, SIOCSIFFLAGS, &request) < 0)
			result = fail(f, "network", "bring lo up", errno);
	}
	close(fd);
	return result;
}
