/* fib.c - the lab's app: prints the first ten Fibonacci numbers. Built
 * with musl-gcc -static, it needs no library from the layers below it. */
#include <stdio.h>

int main(void)
{
	unsigned long previous = 0, current = 1;
	puts("Fibonacci numbers:");
	for (int i = 0; i < 10; i++) {
		printf("%lu\n", current);
		unsigned long next = previous + current;
		previous = current;
		current = next;
	}
	return 0;
}
