# container-fs - see README.md.
CC ?= gcc
PREFIX ?= /usr/local
VERSION := 0.1.0
WARNINGS := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wformat=2
CFLAGS ?= -O2 -g
# Static: no dynamic loader at each launch (about 0.8 ms here), and the
# binary works in any image. glibc's libc.a comes with libc6-dev.
LDFLAGS ?= -static
CPPFLAGS += -D_GNU_SOURCE -DVERSION='"$(VERSION)"' -iquote .
ALL_CFLAGS := -std=gnu11 $(WARNINGS) $(CFLAGS)

SOURCES := apparmor.c capabilities.c cgroups.c cgroups_v1.c cli.c container.c copy.c devices.c \
           environment.c handout.c hooks.c idmap.c identity.c init.c janitor.c \
           json.c kernelfs.c layers.c masks.c mounts.c namespaces.c network.c \
           overlay.c overlay_legacy.c prepare.c process.c process_limits.c remove.c \
           seccomp.c seccomp_bpf.c seccomp_names.c spec.c start.c subids.c \
           terminal.c userns.c userns_holder.c utils.c writedir.c \
           image/config.c image/import.c image/manifest.c image/sha256.c \
           image/source.c image/tar.c image/unpack.c \
           oci/bundle.c oci/bundle_linux.c oci/bundle_mounts.c \
           oci/bundle_resources.c oci/bundle_resources_v1.c oci/commands.c oci/exec.c oci/features.c \
           oci/fields.c oci/log.c oci/runtime.c oci/seccomp_profile.c oci/state.c
HEADERS := $(wildcard *.h image/*.h oci/*.h)
OBJECTS := $(SOURCES:.c=.o)

.PHONY: all test unit integration demo rootfs fib format install clean sanitize fuzz bench conformance

all: container-fs container container-fs-oci

%.o: %.c $(HEADERS) Makefile
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# The system call names of the target architecture, from the compiler's
# own <sys/syscall.h>, for seccomp profiles (seccomp_names.c).
build/syscall-names.h: Makefile
	@mkdir -p build
	echo '#include <sys/syscall.h>' | $(CC) -E -dM - | \
		sed -n 's/^#define SYS_\([a-z0-9_]*\) .*/CALL(\1)/p' | LC_ALL=C sort >$@.tmp
	mv $@.tmp $@

seccomp_names.o build/sanitize/seccomp_names.o build/fuzz/fuzz: build/syscall-names.h

container-fs: container-fs.o $(OBJECTS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^

# The OCI runtime: the same binary, chosen by its name (a hard link).
container-fs-oci: container-fs
	ln -f container-fs $@

# The handout's ./container ID IMAGE CMD: the same program, which looks
# at the name it was run by.
container: container-fs
	ln -f container-fs container

UNIT_SOURCES := tests/unit.c tests/unit_seccomp.c tests/unit_image.c \
                tests/unit_oci.c
tests/bin/unit: $(UNIT_SOURCES) tests/unit.h $(OBJECTS)
	@mkdir -p tests/bin
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -I. -o $@ $(filter %.c %.o,$^)

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

test: container-fs container container-fs-oci tests/bin/unit \
      tests/bin/layer/usr/bin/probe build/rootfs examples/fib/layer/usr/bin/fib
	tests/deps
	tests/run

# The unit and integration tests again on an ASan/UBSan build, kept apart
# in build/sanitize (objects, container-fs and unit): ./container-fs and
# *.o are never touched, so a later `make test` tests the normal build.
# With clang, whose single runtime sends UBSan's reports to log_path too
# (gcc's separate libubsan prints them on stderr whatever log_path says).
# No -Werror: warnings are the gcc build's to enforce. Not static: ASan
# cannot link so.
SANITIZE_CC ?= clang
SANITIZE_FLAGS := -O1 -g -fsanitize=address,undefined \
                  -fno-sanitize-recover=all -fno-omit-frame-pointer
SANITIZE_DIR := build/sanitize
SANITIZE_OBJECTS := $(addprefix $(SANITIZE_DIR)/,$(OBJECTS))

$(SANITIZE_DIR)/%.o: %.c $(HEADERS) Makefile
	@mkdir -p $(dir $@)
	$(SANITIZE_CC) $(CPPFLAGS) -std=gnu11 $(filter-out -Werror,$(WARNINGS)) \
		$(SANITIZE_FLAGS) -c -o $@ $<

$(SANITIZE_DIR)/unit.o $(SANITIZE_DIR)/unit_seccomp.o \
		$(SANITIZE_DIR)/unit_image.o $(SANITIZE_DIR)/unit_oci.o: \
		$(SANITIZE_DIR)/%.o: \
		tests/%.c tests/unit.h $(HEADERS) Makefile
	@mkdir -p $(dir $@)
	$(SANITIZE_CC) $(CPPFLAGS) -std=gnu11 $(filter-out -Werror,$(WARNINGS)) \
		$(SANITIZE_FLAGS) -I. -c -o $@ $<

$(SANITIZE_DIR)/container-fs: $(SANITIZE_DIR)/container-fs.o $(SANITIZE_OBJECTS)
	$(SANITIZE_CC) $(SANITIZE_FLAGS) -o $@ $^
	ln -f $@ $(SANITIZE_DIR)/container-fs-oci

$(SANITIZE_DIR)/unit: $(addprefix $(SANITIZE_DIR)/,$(notdir $(UNIT_SOURCES:.c=.o))) \
		$(SANITIZE_OBJECTS)
	$(SANITIZE_CC) $(SANITIZE_FLAGS) -o $@ $^

# Every sanitizer report fails the run, even one from a process whose
# exit status no test looks at (the janitor's stderr is a directory): the
# reports go to files in a fresh directory any user may write to (the
# rootless pass runs as one), and any file there fails `make sanitize`.
# The exit status after a report is 99, which no test expects. A report
# from the container's own process once it has pivoted into the overlay
# cannot reach that directory: it dies with "ERROR: Can't open file" on
# stderr and status 99, for that test's status and stderr checks to see.
# LeakSanitizer stays on: it checks container-fs as it exits, as root and
# rootless (tried with an injected leak); the janitor and the container's
# process end in _exit or exec, where it does not run.
SANITIZE_OPTIONS := halt_on_error=1:exitcode=99
sanitize: $(SANITIZE_DIR)/container-fs $(SANITIZE_DIR)/unit \
          tests/bin/layer/usr/bin/probe build/rootfs examples/fib/layer/usr/bin/fib
	tests/deps
	@logs=$$(mktemp -d /tmp/container-fs-sanitize.XXXXXX) || exit 1; \
	chmod 1777 "$$logs" || exit 1; \
	ASAN_OPTIONS=$(SANITIZE_OPTIONS):detect_leaks=1:log_path=$$logs/report \
	UBSAN_OPTIONS=$(SANITIZE_OPTIONS):print_stacktrace=1:log_path=$$logs/report \
	CFS=$(CURDIR)/$(SANITIZE_DIR)/container-fs UNIT=$(SANITIZE_DIR)/unit \
		tests/run; status=$$?; \
	reports=$$(ls "$$logs" | wc -l); \
	if [ "$$reports" != 0 ]; then \
		for log in $$(ls "$$logs" | head -n 3); do \
			echo "== $$logs/$$log"; cat "$$logs/$$log"; done; \
		echo "make sanitize: $$reports sanitizer reports (all in $$logs)"; \
		exit 1; \
	fi; \
	rmdir "$$logs"; exit $$status

# libFuzzer on the option-string builder and the argument splitter, for
# FUZZ_SECONDS, from the seeds in tests/fuzz-corpus (needs clang and
# libclang-rt-dev). New inputs go to build/fuzz/corpus, a crashing input
# to build/fuzz/crash-* (or leak-*, timeout-*); any finding fails it.
FUZZ_SECONDS ?= 30
FUZZ_SOURCES := tests/fuzz.c $(SOURCES)
build/fuzz/fuzz: $(FUZZ_SOURCES) $(HEADERS) Makefile
	@mkdir -p build/fuzz/corpus
	clang $(CPPFLAGS) -std=gnu11 $(filter-out -Werror,$(WARNINGS)) -g -O1 \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-fno-omit-frame-pointer -I. -o $@ $(FUZZ_SOURCES)

fuzz: build/fuzz/fuzz
	build/fuzz/fuzz -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		-artifact_prefix=build/fuzz/ build/fuzz/corpus tests/fuzz-corpus

# Launch latency against bubblewrap, crun, runc; layers; load; memory.
bench: container-fs container-fs-oci build/rootfs
	bench/run

# The OCI conformance suite (opencontainers/runtime-tools' validation)
# against container-fs-oci, from the peer suites beside the work tree
# (../shared/peers, or ../../shared/peers from a work tree of it), or
# CONFORMANCE=path/to/oci-validation. TAP files and the summary go to
# build/conformance. Not part of make test: it takes minutes, and builds
# the suite with Go on its first run.
CONFORMANCE ?= $(firstword $(wildcard ../shared/peers/oci-validation \
                                      ../../shared/peers/oci-validation))
conformance: container-fs-oci
	@[ -n "$(CONFORMANCE)" ] || { echo "make conformance: no oci-validation runner here; give CONFORMANCE=path/to/oci-validation" >&2; exit 2; }
	rm -rf build/conformance
	$(CONFORMANCE) $(CURDIR)/container-fs-oci $(CURDIR)/build/conformance $(PATTERN)

format:
	clang-format -i $(wildcard *.c *.h image/*.c image/*.h oci/*.c oci/*.h \
		tests/*.c tests/*.h examples/*/*.c)

install: container-fs
	install -D -m 755 container-fs $(DESTDIR)$(PREFIX)/bin/container-fs
	ln -f $(DESTDIR)$(PREFIX)/bin/container-fs \
		$(DESTDIR)$(PREFIX)/bin/container-fs-oci
	install -D -m 644 container-fs.1 \
		$(DESTDIR)$(PREFIX)/share/man/man1/container-fs.1
	install -D -m 644 completions/container-fs.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/container-fs

clean:
	rm -f container-fs container container-fs-oci *.o image/*.o oci/*.o
	rm -rf tests/bin build/sanitize build/fuzz
