# container-fs - see README.md.
CC ?= gcc
PREFIX ?= /usr/local
VERSION := 0.1.0
WARNINGS := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wformat=2
CFLAGS ?= -O2 -g
# Static: no dynamic loader at each launch (about 0.8 ms here), and the
# binary works in any image. glibc's libc.a comes with libc6-dev.
LDFLAGS ?= -static
CPPFLAGS += -D_GNU_SOURCE -DVERSION='"$(VERSION)"'
ALL_CFLAGS := -std=gnu11 $(WARNINGS) $(CFLAGS)

SOURCES := capabilities.c cli.c init.c kernelfs.c layers.c masks.c overlay.c \
           overlay_legacy.c seccomp.c userns.c utils.c writedir.c
HEADERS := $(wildcard *.h)
OBJECTS := $(SOURCES:.c=.o)

.PHONY: all test unit integration demo rootfs fib format install clean sanitize

all: container-fs

%.o: %.c $(HEADERS) Makefile
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

container-fs: container-fs.o $(OBJECTS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^

tests/bin/unit: tests/unit.c $(OBJECTS)
	@mkdir -p tests/bin
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -I. -o $@ $^

# probe: a static program tests run inside containers (any libc will do).
PROBE_CC := $(shell command -v musl-gcc || echo $(CC))
tests/bin/layer/usr/bin/probe: tests/probe.c
	@mkdir -p $(dir $@)
	$(PROBE_CC) -static -O2 -Wall -Wextra -o $@ $<

# The base root filesystem and the fib layer the demo and tests run on.
build/rootfs:
	rootfs/make-rootfs $@

examples/fib/layer/usr/bin/fib: examples/fib/fib.c
	examples/fib/build

rootfs: build/rootfs
fib: examples/fib/layer/usr/bin/fib

demo: container-fs build/rootfs examples/fib/layer/usr/bin/fib
	rm -rf build/demo-writedir
	./container-fs build/rootfs examples/fib/layer build/demo-writedir -- fib

test: container-fs tests/bin/unit tests/bin/layer/usr/bin/probe build/rootfs \
      examples/fib/layer/usr/bin/fib
	tests/run

# The same tests on an ASan/UBSan build.
sanitize:
	$(MAKE) clean
	$(MAKE) CFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer' test

format:
	clang-format -i $(wildcard *.c *.h tests/*.c examples/*/*.c)

install: container-fs
	install -D -m 755 container-fs $(DESTDIR)$(PREFIX)/bin/container-fs

clean:
	rm -f container-fs *.o
	rm -rf tests/bin
