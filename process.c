/* process.c - starting a child process on a stack of its own. */
#include "process.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* AddressSanitizer keeps its own idea of each thread's stack and warns
 * (and then fails its report) when code runs on another one; and a
 * child sharing our memory would share its allocator state too. Its
 * build (make sanitize) starts children as copies on the current stack. */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

#ifdef UNDER_ASAN
pid_t start_process(int (*fn)(void *), void *arg, int flags, size_t size,
		    struct stack *stack)
{
	(void)size;
	stack->base = NULL;
	flags &= ~(CLONE_VM | CLONE_VFORK);
	pid_t pid =
	    (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid == 0)
		_exit(fn(arg));
	return pid;
}
#else

pid_t start_process(int (*fn)(void *), void *arg, int flags, size_t size,
		    struct stack *stack)
{
	size_t guard = (size_t)sysconf(_SC_PAGESIZE);
	/* Only the pages the child touches are ever allocated. */
	stack->size = size + guard;
	stack->base = mmap(NULL, stack->size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack->base == MAP_FAILED) {
		stack->base = NULL;
		return -1;
	}
	/* Stacks grow down: an overflow hits the guard, not our heap. */
	if (mprotect(stack->base, guard, PROT_NONE) < 0) {
		free_stack(stack);
		return -1;
	}
	pid_t pid =
	    clone(fn, (char *)stack->base + stack->size, flags | SIGCHLD, arg);
	if (pid < 0) {
		int error = errno;
		free_stack(stack);
		errno = error;
	}
	return pid;
}
#endif

void free_stack(struct stack *stack)
{
	if (stack->base)
		munmap(stack->base, stack->size);
	stack->base = NULL;
}
