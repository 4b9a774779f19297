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

.PHONY: all test unit integration demo rootfs fib format install clean sanitize fuzz bench

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
	tests/deps
	tests/run

# The unit and integration tests again on an ASan/UBSan build, kept apart
# in build/sanitize (ASan cannot link statically). Any sanitizer report,
# even one whose process exit status a test did not look at, fails it.
SANITIZE := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer
SANITIZE_DIR := build/sanitize
SANITIZE_LOGS := /tmp/container-fs-sanitize
sanitize: tests/bin/layer/usr/bin/probe build/rootfs examples/fib/layer/usr/bin/fib
	@mkdir -p $(SANITIZE_DIR)
	$(CC) $(CPPFLAGS) -std=gnu11 $(WARNINGS) $(SANITIZE) -o $(SANITIZE_DIR)/container-fs container-fs.c $(SOURCES)
	$(CC) $(CPPFLAGS) -std=gnu11 $(WARNINGS) $(SANITIZE) -I. -o $(SANITIZE_DIR)/unit tests/unit.c $(SOURCES)
	tests/deps
	rm -rf $(SANITIZE_LOGS) && mkdir -m 1777 $(SANITIZE_LOGS)
	ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:log_path=$(SANITIZE_LOGS)/asan \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$(SANITIZE_LOGS)/ubsan \
	CFS=$(CURDIR)/$(SANITIZE_DIR)/container-fs UNIT=$(SANITIZE_DIR)/unit tests/run
	@if [ -n "$$(ls -A $(SANITIZE_LOGS))" ]; then cat $(SANITIZE_LOGS)/*; \
		echo "sanitizer reports above"; exit 1; fi

# libFuzzer on the option-string builder and the argument splitter, for
# FUZZ_SECONDS, from the seeds in tests/fuzz-corpus (needs clang).
FUZZ_SECONDS ?= 30
build/fuzz/fuzz: tests/fuzz.c cli.c overlay.c utils.c capabilities.c $(HEADERS)
	@mkdir -p build/fuzz/corpus
	clang $(CPPFLAGS) -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
		-I. -o $@ tests/fuzz.c cli.c overlay.c utils.c capabilities.c

fuzz: build/fuzz/fuzz
	build/fuzz/fuzz -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		build/fuzz/corpus tests/fuzz-corpus

# Launch latency against bubblewrap, crun, runc; layers; load; memory.
bench: container-fs build/rootfs
	bench/run

format:
	clang-format -i $(wildcard *.c *.h tests/*.c examples/*/*.c)

install: container-fs
	install -D -m 755 container-fs $(DESTDIR)$(PREFIX)/bin/container-fs

clean:
	rm -f container-fs *.o
	rm -rf tests/bin
