/* apparmor.c - the AppArmor profile COMMAND runs under: written to the
 * kernel's "exec" attribute, it takes effect at COMMAND's exec. */
#include "apparmor.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

bool apparmor_enabled(void)
{
	char value = 0;
	int fd = open("/sys/module/apparmor/parameters/enabled",
		      O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool on = read(fd, &value, 1) == 1 && value == 'Y';
	close(fd);
	return on;
}

int set_apparmor_profile(const struct container_spec *s, bool enabled,
			 struct failure *f)
{
	if (!s->apparmor_profile || !enabled)
		return 0;
	char text[512];
	int length =
	    snprintf(text, sizeof(text), "exec %s", s->apparmor_profile);
	if (length < 0 || (size_t)length >= sizeof(text))
		return fail(f, "apparmor", s->apparmor_profile, ENAMETOOLONG);
	/* The container's /proc: the attribute is per process. Since
	 * Linux 5.8 it has a directory of the LSM's own. */
	int fd = open("/proc/self/attr/apparmor/exec", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		fd = open("/proc/self/attr/exec", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(f, "apparmor", "/proc/self/attr/exec", errno);
	ssize_t n = write(fd, text, (size_t)length);
	int error = errno;
	close(fd);
	return n < 0 ? fail(f, "apparmor", s->apparmor_profile, error) : 0;
}
