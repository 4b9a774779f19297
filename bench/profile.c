/* bench/profile.c - where a launch spends its time, function by function:
 * linked into a copy of container-fs built with -finstrument-functions
 * (bench/profile builds it; never into the real binary). Every entry and
 * exit of one of container-fs's functions is recorded with the time and
 * the stack address (which tells the processes apart) in a MAP_SHARED
 * buffer, so the janitor, the container and the helpers record into it
 * too, whether they share our memory or are copies; the process that
 * made the buffer writes it to $CONTAINER_FS_PROFILE when it exits. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define NO_TRACE    __attribute__((no_instrument_function))
#define MAX_RECORDS 400000

struct record {
	void *function; /* NULL: the start and end of the run */
	long long ns;	/* CLOCK_MONOTONIC */
	unsigned long stack;
	int entry; /* 1 entry, 0 exit */
	int pad;
};

static unsigned long *used;
static struct record *records;
static pid_t owner;
static char out[256];

NO_TRACE static void record(void *function, int entry)
{
	if (!used)
		return;
	unsigned long i = __atomic_fetch_add(used, 1, __ATOMIC_RELAXED);
	if (i >= MAX_RECORDS)
		return;
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	records[i] = (struct record){
	    function, t.tv_sec * 1000000000LL + t.tv_nsec,
	    (unsigned long)__builtin_frame_address(0), entry, 0};
}

NO_TRACE void __cyg_profile_func_enter(void *function, void *caller);
NO_TRACE void __cyg_profile_func_exit(void *function, void *caller);

void __cyg_profile_func_enter(void *function, void *caller)
{
	(void)caller;
	record(function, 1);
}

void __cyg_profile_func_exit(void *function, void *caller)
{
	(void)caller;
	record(function, 0);
}

/* The path is kept now: the container's setup, sharing our memory,
 * replaces environ with the container's. */
NO_TRACE __attribute__((constructor)) static void start_profile(void)
{
	const char *path = getenv("CONTAINER_FS_PROFILE");
	if (!path)
		return;
	void *m =
	    mmap(NULL, 64 + (size_t)MAX_RECORDS * sizeof(struct record),
		 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return;
	snprintf(out, sizeof(out), "%s", path);
	used = m;
	records = (void *)((char *)m + 64);
	owner = getpid();
	record(NULL, 1);
}

NO_TRACE __attribute__((destructor)) static void write_profile(void)
{
	if (!used || getpid() != owner)
		return;
	record(NULL, 0);
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	unsigned long n = *used < MAX_RECORDS ? *used : MAX_RECORDS;
	if (write(fd, records, n * sizeof(struct record)) < 0)
		perror("profile");
	close(fd);
}
