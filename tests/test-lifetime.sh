# tests/test-lifetime.sh - the container's life: signals relayed to it, and
# nothing left behind (mounts, files, processes) after any kind of end,
# SIGKILL of container-fs included.

# start_probe: container-fs running "probe wait-signal" in the background,
# its pid in $cfs_pid once the probe has said "ready".
start_probe() {
	"$CFS" "$BASE" "$HELPERS" "$WORK/upper" -- probe wait-signal </dev/null >out 2>err &
	cfs_pid=$!
	wait_for_line ready out
}

# wait_for_line TEXT FILE: up to 10 s for a line TEXT in FILE.
wait_for_line() {
	local i
	for i in $(seq 100); do
		grep -qx -- "$1" "$2" 2>/dev/null && return 0
		sleep 0.1
	done
	flunk "timed out waiting for '$1' in $2"
	return 1
}

test_lifetime_signals_are_forwarded() {
	local name number
	for name in INT TERM HUP QUIT USR1 USR2; do
		number=$(kill -l "$name")
		start_probe
		kill -"$name" "$cfs_pid"
		wait "$cfs_pid"
		status=$?
		expect_status 0
		expect_out "$(printf 'ready\ngot %s' "$number")"
		expect_empty_err
	done
	expect_no_workdir
}

test_lifetime_ctrl_c_reaches_the_command_once() {
	# Ctrl-C at the caller's terminal (raw while container-fs relays it)
	# is a byte container-fs passes to the container's pty, which signals
	# the command there; container-fs sends no SIGINT of its own.
	# The ^C goes only once the command is ready, so a slow (sanitizer)
	# build on a busy machine has set up by then.
	# script runs the line with $SHELL -c: "exec" keeps a shell that
	# stays to wait (dash, CI's shell) out of the way, where a ^C sent
	# before container-fs relays would kill it and script report 130.
	rm -f out
	(
		for _ in $(seq 200); do
			grep -q ready out 2>/dev/null && break
			sleep 0.05
		done
		printf '\003'
		sleep 1
	) | script -qec "exec $CFS $BASE $HELPERS $WORK/upper -- probe wait-signal" /dev/null >out 2>err
	status=$?
	expect_status 0
	expect_out_has ready
	expect_out_has "got 2"
	expect_out_lacks again
}

test_lifetime_sigterm_to_a_shell_without_handler() {
	# PID 1 gets only the signals it handles: a shell that traps TERM
	# stops on it, and container-fs passes on its status.
	"$CFS" "$BASE" "$WORK/upper" -- sh -c 'trap "echo trapped; exit 7" TERM; echo ready; while :; do sleep 0.1; done' </dev/null >out 2>err &
	cfs_pid=$!
	wait_for_line ready out
	kill -TERM "$cfs_pid"
	wait "$cfs_pid"
	status=$?
	expect_status 7
	expect_out "$(printf 'ready\ntrapped')"
}

test_lifetime_background_children_die_with_pid_1() {
	cfs "$BASE" "$WORK/upper" -- sh -c 'sleep 7001 & sleep 7002 & echo started'
	expect_status 0
	expect_out started
	wait_gone "sleep 700[12]"
}

test_lifetime_nothing_left_after_normal_exit() {
	local before_procs
	before_procs=$(pgrep -c -f "$CFS" || true)
	cfs "$BASE" "$WORK/upper" -- sh -c 'echo data >/root/kept; exit 3'
	expect_status 3
	expect_no_workdir
	expect_true "container-fs processes left" [ "$(pgrep -c -f "$CFS" || true)" = "$before_procs" ]
	# Only the container's change is on the host.
	# (and the empty mount points of /etc/hosts and /etc/resolv.conf,
	# which the image lacks)
	expect_true "unexpected files in WRITEDIR: $(cd upper && find . | sort | tr '\n' ' ')" \
		[ "$(cd upper && find . -type f \( -size +0 -o ! \( -path ./etc/hosts -o -path ./etc/resolv.conf \) \))" = ./root/kept ]
	expect_true "files beside WRITEDIR: $(ls -A)" [ "$(ls -A | grep -vx -e upper -e out -e err -e .mounts-before)" = "" ]
}

test_lifetime_nothing_left_after_failed_setup() {
	# The command is not found: setup ran to the end, the WRITEDIR this
	# run created is removed again.
	cfs "$BASE" "$WORK/upper" -- no-such-command
	expect_status 127
	expect_no_workdir
	expect_no_file upper
	# A missing layer stops it before anything is made.
	cfs "$BASE" missing-layer "$WORK/upper" -- true
	expect_status 125
	expect_no_file upper
	expect_no_workdir
}

test_lifetime_sigkill_of_container_fs_during_run() {
	start_probe
	local child
	child=$(pgrep -P "$cfs_pid" -x probe)
	expect_true "no container process" [ -n "$child" ]
	kill -KILL "$cfs_pid"
	wait "$cfs_pid" 2>/dev/null
	# The container dies with container-fs (PR_SET_PDEATHSIG).
	wait_gone "probe wait-signal"
	# The janitor removes the workdir; the next run on WRITEDIR works.
	expect_no_workdir
	echo kept >upper/marker
	cfs "$BASE" "$WORK/upper" -- cat /marker
	expect_status 0
	expect_out kept
	expect_no_workdir
}

test_lifetime_sigkill_at_random_moments() {
	# Kill container-fs 20 times at moments spread over setup and run; every
	# time the container dies, nothing stays mounted, and WRITEDIR is
	# reusable by the next run.
	local i
	for i in $(seq 20); do
		"$CFS" "$BASE" "$HELPERS" "$WORK/upper" -- sh -c "echo $i >>/runs; sleep 7003" </dev/null >/dev/null 2>&1 &
		sigkill_at_random_moment $! "$i"
		wait_gone "sleep 7003"
		expect_no_workdir
	done
	cfs "$BASE" "$WORK/upper" -- sh -c 'echo reused; cat /runs 2>/dev/null | wc -l'
	expect_status 0
	expect_out_has reused
	expect_no_workdir
}

test_lifetime_killed_janitor_does_not_stop_cleanup() {
	# Someone kills container-fs's cleanup helper: container-fs still exits
	# with the command's status and removes its workdir itself.
	"$CFS" "$BASE" "$HELPERS" "$WORK/upper" -- sh -c 'echo ready; sleep 1; exit 5' </dev/null >out 2>err &
	cfs_pid=$!
	wait_for_line ready out
	pkill -KILL -P "$cfs_pid" -x container-fs
	wait "$cfs_pid"
	status=$?
	expect_status 5
	expect_no_workdir
}

test_lifetime_three_layer_example() {
	cfs "$BASE" "$ROOT/examples/layers/middle" "$ROOT/examples/layers/top" "$WORK/upper" -- show-motd
	expect_status 0
	expect_out "motd: middle layer"
	cfs "$ROOT/examples/layers/middle" "$BASE" "$ROOT/examples/layers/top" "$WORK/upper2" -- show-motd
	expect_status 0
	expect_out "motd: base layer"
}
