# tests/test-running.sh - running COMMAND: PATH lookup, stdin and the
# terminal, the file descriptors it gets, and every kind of exit status.

run_in() {
	cfs "$BASE" "$HELPERS" "$WORK/upper" -- "$@"
}

test_running_prints_nothing_of_its_own() {
	run_in true
	expect_status 0
	expect_true "stdout not empty: $(cat out)" [ ! -s out ]
	expect_empty_err
	run_in echo hello
	expect_out hello
	expect_empty_err
}

test_running_default_path_when_caller_has_none() {
	"$CFS" "$BASE" upper -- sh -c 'echo "$PATH"' </dev/null >out 2>err
	status=$?
	expect_status 0
	# Run with no environment at all: the command still gets a PATH.
	env -i "$CFS" "$BASE" upper -- sh -c 'echo "$PATH"' </dev/null >out 2>err
	status=$?
	expect_status 0
	expect_out /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	# And COMMAND itself is found through that PATH.
	env -i "$CFS" "$BASE" "$HELPERS" upper -- probe fds </dev/null >out 2>err
	status=$?
	expect_status 0
	expect_out "$(printf '0\n1\n2')"
}

test_running_caller_path_stays_out() {
	# The caller's PATH is the caller's: COMMAND gets the default (as in
	# Docker), or the caller's with -e PATH or --env-host.
	env -i PATH=/bin "$CFS" "$BASE" upper -- sh -c 'echo "$PATH"' </dev/null >out 2>err
	status=$?
	expect_status 0
	expect_out /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	env -i PATH=/bin "$CFS" -e PATH "$BASE" upper -- sh -c 'echo "$PATH"' </dev/null >out 2>err
	expect_out /bin
	# A PATH without the command's directory: not found, 127.
	env -i PATH=/nowhere "$CFS" --env-host "$BASE" upper -- ls </dev/null >out 2>err
	status=$?
	expect_status 127
	expect_error "ls"
}

test_running_environment_only_when_asked() {
	CFS_TEST_VALUE="a b=c" "$CFS" "$BASE" upper -- sh -c 'echo "[$CFS_TEST_VALUE]"' </dev/null >out 2>err
	status=$?
	expect_status 0
	expect_out "[]"
	CFS_TEST_VALUE="a b=c" "$CFS" -e CFS_TEST_VALUE "$BASE" upper -- sh -c 'echo "[$CFS_TEST_VALUE]"' </dev/null >out 2>err
	expect_out "[a b=c]"
	CFS_TEST_VALUE="a b=c" "$CFS" --env-host "$BASE" upper -- sh -c 'echo "[$CFS_TEST_VALUE]"' </dev/null >out 2>err
	expect_out "[a b=c]"
}

test_running_stdin_is_inherited() {
	printf 'line one\nline two\n' | "$CFS" "$BASE" upper -- sh -c 'wc -l; cat' >out 2>err
	status=$?
	expect_status 0
	expect_out 2
	seq 100000 | "$CFS" "$BASE" upper -- md5sum >out 2>err
	expect_out "$(seq 100000 | md5sum)"
}

test_running_stdout_and_stderr_are_inherited() {
	"$CFS" "$BASE" upper -- sh -c 'echo to-out; echo to-err >&2' </dev/null >out 2>err
	status=$?
	expect_status 0
	expect_out to-out
	expect_true "stderr is '$(cat err)'" [ "$(cat err)" = to-err ]
}

test_running_terminal_is_a_pty_of_its_own() {
	# script(1) gives container-fs a pseudo-terminal on 0, 1 and 2; the
	# container gets one of its own there (test-terminal.sh has more).
	script -qec "exec $CFS $BASE upper -- sh -c 'tty; test -t 0 && test -t 1 && test -t 2 && echo all-terminals'" /dev/null </dev/null >out 2>err
	status=$?
	expect_status 0
	expect_out_has /dev/pts/0
	expect_out_has all-terminals
}

test_running_interactive_shell() {
	# The lab's own command line: an interactive sh that reads what is typed.
	printf 'echo $((6 * 7))\nexit 3\n' |
		script -qec "exec $CFS $BASE upper -- sh" /dev/null >out 2>err
	status=$?
	expect_status 3
	expect_out_has 42
}

test_running_only_fds_0_to_2() {
	run_in probe fds
	expect_status 0
	expect_out "$(printf '0\n1\n2')"
	# Even when the caller leaks descriptors without close-on-exec.
	exec 3</etc/hostname 5>"$WORK/leak" 9</dev/null
	"$CFS" "$BASE" "$HELPERS" upper -- probe fds </dev/null >out 2>err
	status=$?
	exec 3<&- 5>&- 9<&-
	expect_status 0
	expect_out "$(printf '0\n1\n2')"
}

test_running_exit_status_passes_through() {
	local code
	for code in 0 1 42 126 127 255; do
		run_in sh -c "exit $code"
		expect_status "$code"
		# The command's own 126/127 are not mistaken for exec failures.
		expect_empty_err
	done
}

test_running_command_not_found_is_127() {
	run_in no-such-command
	expect_status 127
	expect_error "no-such-command"
	expect_true "not 'No such file': $(cat err)" grep -q "No such file or directory" err
	run_in /usr/bin/no-such-command arg
	expect_status 127
	expect_error "/usr/bin/no-such-command"
}

test_running_bad_shebang_is_127() {
	app_program bad-script 755 $'#!/no/such/interpreter\necho never'
	cfs "$BASE" app upper -- bad-script
	expect_status 127
	expect_error "bad-script"
	expect_out_lacks never
}

test_running_not_executable_is_126() {
	app_program not-executable 644 'echo never'
	cfs "$BASE" app upper -- /bin/not-executable
	expect_status 126
	expect_error "Permission denied"
	# A directory is not a program either.
	cfs "$BASE" app upper -- /etc
	expect_status 126
	expect_error "/etc"
}

test_running_script_without_shebang_runs() {
	# execvp runs a text file with no #! line through /bin/sh.
	app_program plain-script 755 'echo from-script'
	cfs "$BASE" app upper -- plain-script
	expect_status 0
	expect_out from-script
}

test_running_script_without_shebang_many_arguments() {
	# For a script without #!, execvp copies the argument list onto the
	# stack: 200,000 arguments take 1.6 MB there, more than the few pages
	# the container's setup needs.
	app_program count-script 755 'echo "$#"'
	# shellcheck disable=SC2046
	cfs "$BASE" app upper -- count-script $(yes a | head -n 200000)
	expect_status 0
	expect_out 200000
}

test_running_death_by_signal_is_128_plus_n() {
	run_in probe segv
	expect_status 139
	# probe abort is no test here: as PID 1 it ignores SIGABRT and musl's
	# abort() then crashes with SIGSEGV. A kill from outside is below.
}

test_running_killed_from_outside_is_137() {
	"$CFS" "$BASE" "$HELPERS" upper -- probe wait-signal </dev/null >out 2>err &
	local pid=$! i child=
	for i in $(seq 100); do
		grep -q ready out 2>/dev/null && break
		sleep 0.1
	done
	# The container's PID 1, seen from the host, is container-fs's child.
	child=$(pgrep -P "$pid" -x probe)
	expect_true "no container process" [ -n "$child" ]
	[ -n "$child" ] && kill -KILL "$child"
	wait "$pid"
	status=$?
	expect_status 137
}

test_running_arguments_reach_the_command_verbatim() {
	run_in sh -c 'for a in "$@"; do echo "[$a]"; done' sh "a b" "" '$HOME' "--" "-x" "*"
	expect_status 0
	expect_out "$(printf '%s\n' '[a b]' '[]' '[$HOME]' '[--]' '[-x]' '[*]')"
}

test_running_fib_example() {
	cfs "$BASE" "$FIB" upper -- fib
	expect_status 0
	expect_out "$(printf '%s\n' "Fibonacci numbers:" 1 1 2 3 5 8 13 21 34 55)"
}

test_running_never_writes_to_stdin() {
	# stdin open read-write on a file: container-fs itself never writes
	# to it, whether it refuses, runs with its own workdir, or with
	# --overlay-workdir (no janitor to talk to).
	: >stdin-file
	mkdir -p wk
	"$CFS" /no/such/layer upper -- true <>stdin-file >out 2>err
	"$CFS" "$BASE" upper -- true <>stdin-file >out 2>err
	"$CFS" --overlay-workdir wk "$BASE" upper2 -- true <>stdin-file >out 2>err
	status=$?
	expect_status 0
	expect_true "stdin written: $(od -c stdin-file | head -2)" [ ! -s stdin-file ]
}

test_running_tiny_stack_limit() {
	# (Not under make sanitize: the sanitizer's runtime and the dynamic
	# loader of that build need more than 16 KiB of stack before main.)
	[ -z "${ASAN_OPTIONS:-}" ] || {
		skip_test "16 KiB of stack is too little for the sanitizer build"
		return 0
	}
	# A soft stack limit too small for container-fs itself is raised
	# for it, and COMMAND gets the caller's limit back.
	(
		ulimit -Ss 16
		exec "$CFS" "$BASE" upper -- sh -c 'ulimit -s'
	) </dev/null >out 2>err
	status=$?
	expect_status 0
	expect_out 16
	# A hard limit that forbids it: one clear line, not a crash.
	(
		ulimit -s 16
		exec "$CFS" "$BASE" upper2 -- true
	) </dev/null >out 2>err
	status=$?
	expect_status 125
	expect_error "stack limit"
	expect_no_file upper2
}
