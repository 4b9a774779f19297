# tests/lib.sh - the helpers every integration test file uses.
#
# Each test is a function named test_* in a tests/test-*.sh file. tests/run
# runs each one in its own bash, in a fresh scratch directory ($WORK, also
# the current directory), and counts it failed if any expect_* failed or it
# left a mount behind on the host.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CFS=${CFS:-$ROOT/container-fs}      # make sanitize points it elsewhere
BASE=$ROOT/build/rootfs            # busybox rootfs made by rootfs/make-rootfs
FIB=$ROOT/examples/fib/layer       # the fib app layer
HELPERS=$ROOT/tests/bin/layer      # static test programs (see tests/helpers.c)

# The rootless pass (tests/run) runs every test again as an ordinary user.
ROOTLESS=0
[ "$(id -u)" = 0 ] || ROOTLESS=1

# needs_root: a test that needs root on the host (mounting a tmpfs, a
# setuid-root file, a file in /) starts with "needs_root || return 0";
# in the rootless pass it is reported as skipped.
needs_root() {
	[ "$ROOTLESS" = 0 ] && return 0
	skip_test "needs root on the host"
	return 1
}

# skip_test REASON: the test cannot run here; tests/run reports a skip.
skip_test() {
	echo "$*" >"$WORK/.skipped"
}

# Runs container-fs with stdout and stderr captured in $WORK/out and
# $WORK/err, and its exit status in $status. stdin is /dev/null.
cfs() {
	"$CFS" "$@" </dev/null >"$WORK/out" 2>"$WORK/err"
	status=$?
}

# Records a failed expectation; the test goes on so one run shows all.
flunk() {
	echo "    $*" >&2
	: >"$WORK/.failed"
}

expect_status() {
	[ "$status" = "$1" ] ||
		flunk "exit status $status, expected $1; stderr: $(head -c 400 "$WORK/err")"
}

# stdout exactly, trailing newline ignored.
expect_out() {
	local got
	got=$(cat "$WORK/out")
	[ "$got" = "$1" ] || flunk "stdout '$got', expected '$1'"
}

expect_out_has() {
	grep -qF -- "$1" "$WORK/out" || flunk "stdout lacks '$1': $(head -c 400 "$WORK/out")"
}

expect_out_lacks() {
	! grep -qF -- "$1" "$WORK/out" || flunk "stdout has '$1'"
}

# stderr is exactly one line "container-fs: ..." that contains $1.
expect_error() {
	local lines
	lines=$(wc -l <"$WORK/err")
	[ "$lines" = 1 ] || flunk "stderr has $lines lines, expected 1: $(cat "$WORK/err")"
	grep -q '^container-fs: ' "$WORK/err" || flunk "stderr does not start with 'container-fs: ': $(cat "$WORK/err")"
	grep -qF -- "$1" "$WORK/err" || flunk "stderr lacks '$1': $(cat "$WORK/err")"
	[ ! -s "$WORK/out" ] || flunk "stdout not empty: $(head -c 200 "$WORK/out")"
}

expect_empty_err() {
	[ ! -s "$WORK/err" ] || flunk "stderr not empty: $(head -c 400 "$WORK/err")"
}

# expect_true DESCRIPTION COMMAND...: COMMAND must succeed.
expect_true() {
	local what=$1
	shift
	"$@" || flunk "$what"
}

expect_file() {
	[ -e "$1" ] || [ -L "$1" ] || flunk "missing: $1"
}

expect_no_file() {
	! [ -e "$1" ] && ! [ -L "$1" ] || flunk "should not exist: $1"
}

# A fingerprint of a directory tree: paths, types, modes, sizes, and
# content hashes, so a test can show a layer was not changed at all.
tree_digest() {
	(cd "$1" && find . -printf '%p %y %m %s %l\n' | LC_ALL=C sort &&
		find . -type f -exec md5sum {} + | LC_ALL=C sort) | md5sum
}

# host_marker: makes a file on the host, outside any layer, and prints its
# path: in / as root, in $WORK rootless. No container may reach it.
host_marker() {
	local marker=/cfs-host-marker-$$
	[ "$ROOTLESS" = 1 ] && marker=$WORK/host-marker
	: >"$marker"
	echo "$marker"
}

# app_program NAME MODE TEXT: an app layer ./app holding /bin/NAME.
app_program() {
	mkdir -p app/bin
	printf '%s\n' "$3" >"app/bin/$1"
	chmod "$2" "app/bin/$1"
}


# Everything in $WORK except the harness's own files: names, types, modes,
# sizes, link targets and contents. Equal before and after a refusal means
# nothing was created, removed or changed (layers included).
work_state() {
	(cd "$WORK" && find . \( -path ./out -o -path ./err -o -path ./.failed \
		-o -path ./.mounts-before \) -prune -o -printf '%p %y %m %s %l\n' |
		LC_ALL=C sort &&
		find . \( -path ./out -o -path ./err -o -path ./.failed \
			-o -path ./.mounts-before \) -prune -o -type f -exec md5sum {} + |
		LC_ALL=C sort)
}

# No lock or work directory anywhere we could have made one.
expect_no_workdir_left() {
	local dir
	for dir in "$WORK" "$ROOT/build" / "$@"; do
		! compgen -G "$dir/.container-fs-work.*" >/dev/null ||
			flunk "workdir left behind: $(compgen -G "$dir/.container-fs-work.*")"
	done
}

# wait_gone PATTERN: up to 10 s for no process to match PATTERN.
wait_gone() {
	local i
	for i in $(seq 100); do
		pgrep -f -- "$1" >/dev/null || return 0
		sleep 0.1
	done
	flunk "processes still running: $(pgrep -af -- "$1")"
}

# sigkill_at_random_moment PID N: SIGKILL to PID after a random delay,
# within 3 ms (setup) when N is odd, within 30 ms (the run) when even;
# then reaped.
sigkill_at_random_moment() {
	local delay
	if (($2 % 2)); then
		delay=$(printf '0.%06d' $((RANDOM % 3000)))
	else
		delay=$(printf '0.%03d' $((RANDOM % 30)))
	fi
	sleep "$delay"
	kill -KILL "$1"
	wait "$1" 2>/dev/null
}

# expect_no_workdir [DIR]: no managed workdir in DIR ($WORK), next to
# WRITEDIR, within 10 s (after a SIGKILL the janitor needs a moment).
expect_no_workdir() {
	local i dir=${1:-$WORK}
	for i in $(seq 100); do
		compgen -G "$dir/.container-fs-work.*" >/dev/null || return 0
		sleep 0.1
	done
	flunk "workdir left behind: $(compgen -G "$dir/.container-fs-work.*")"
}

# refused SUBSTRING ARGS...: container-fs ARGS must fail with 125 and one
# error line containing SUBSTRING, without a hang and without a trace.
refused() {
	local substring=$1
	shift
	local before base_before
	before=$(work_state)
	base_before=$(tree_digest "$BASE")
	timeout 10 "$CFS" "$@" </dev/null >"$WORK/out" 2>"$WORK/err"
	status=$?
	[ "$status" != 124 ] || flunk "container-fs $* hung (killed after 10 s)"
	expect_status 125
	expect_error "$substring"
	[ "$before" = "$(work_state)" ] ||
		flunk "refusal of '$*' changed \$WORK: $(diff <(echo "$before") <(work_state) | head -6)"
	[ "$base_before" = "$(tree_digest "$BASE")" ] || flunk "refusal of '$*' changed \$BASE"
	expect_no_workdir_left
}

# Tests without root (test-rootless.sh and others) run as this user: in
# the root pass through runuser, in the rootless pass directly.
ROOTLESS_USER=${ROOTLESS_USER:-cfs-rootless}

# as_user COMMAND...: runs COMMAND as the unprivileged test user.
as_user() {
	if [ "$ROOTLESS" = 1 ]; then
		"$@"
	else
		runuser -u "$ROOTLESS_USER" -- "$@"
	fi
}

# A private copy of container-fs and the base rootfs, owned by the user
# (as a user would make their own), in $WORK/home; writedirs go there.
rootless_setup() {
	if [ "$ROOTLESS" = 0 ] && ! id "$ROOTLESS_USER" >/dev/null 2>&1; then
		useradd --create-home "$ROOTLESS_USER" || flunk "cannot add $ROOTLESS_USER"
	fi
	chmod 755 "$WORK"
	mkdir -p home
	cp "$CFS" home/container-fs
	cp -a "$BASE" home/base
	[ "$ROOTLESS" = 1 ] || chown -R "$ROOTLESS_USER:" home
	USER_CFS=$WORK/home/container-fs
	USER_BASE=$WORK/home/base
}

# cfs_as_user ARGS...: container-fs as the user; out, err and $status.
cfs_as_user() {
	as_user "$USER_CFS" "$@" </dev/null >"$WORK/out" 2>"$WORK/err"
	status=$?
}

# run_as_user COMMAND...: any command as the user; out, err and $status.
run_as_user() {
	as_user "$@" </dev/null >"$WORK/out" 2>"$WORK/err"
	status=$?
}

# run_here COMMAND...: any command as we are; out, err and $status.
run_here() {
	"$@" </dev/null >"$WORK/out" 2>"$WORK/err"
	status=$?
}

# has_subordinate_ids: the user has ranges in /etc/subuid and
# /etc/subgid, and newuidmap/newgidmap can map them.
has_subordinate_ids() {
	[ -x /usr/bin/newuidmap ] && [ -x /usr/bin/newgidmap ] &&
		grep -q "^$ROOTLESS_USER:" /etc/subuid &&
		grep -q "^$ROOTLESS_USER:" /etc/subgid
}

# Host mount table, for leak checks (mount points only: options vary).
host_mounts() {
	awk '{print $5}' /proc/self/mountinfo | LC_ALL=C sort
}

# Processes still running a given command line pattern.
count_processes() {
	pgrep -f -- "$1" | wc -l
}

begin_test() {
	WORK=$(mktemp -d /tmp/cfs-test.XXXXXX)
	cd "$WORK" || exit 1
	host_mounts >"$WORK/.mounts-before"
}

end_test() {
	cd / || exit 1
	local leaked
	leaked=$(host_mounts | LC_ALL=C comm -13 "$WORK/.mounts-before" -)
	[ -z "$leaked" ] || flunk "mounts left on the host: $leaked"
	local result=0
	[ -e "$WORK/.skipped" ] && result=3 && echo "    skipped: $(cat "$WORK/.skipped")" >&2
	[ -e "$WORK/.failed" ] && result=1
	rm -rf "$WORK"
	return $result
}
