# tests/test-terminal.sh - the caller's terminal and session: the container
# gets a session of its own, so it cannot kill the caller's processes.

export CFS BASE HELPERS

# in_script SCRIPT: runs the bash SCRIPT on a fresh pty of script(1) (its
# stdin, stdout and stderr, and its controlling terminal), in $WORK, with
# $CFS, $BASE and $HELPERS set; output in $WORK/out, status in $status.
in_script() {
	printf '%s\n' "$1" >"$WORK/host-script"
	script -qec "exec bash $WORK/host-script" /dev/null </dev/null >"$WORK/out" 2>"$WORK/err"
	status=$?
}

test_terminal_kill_0_inside_spares_the_caller() {
	# kill(0, SIGKILL) inside kills the container's process group, not
	# the caller's: the invoking shell and container-fs live on, and
	# container-fs cleans up. (setsid: were the container in our process
	# group, this test's own shell would die.)
	setsid -w bash -c '"$CFS" --init "$BASE" upper -- sh -c "kill -9 0; echo survived"; echo "status $?"' </dev/null >out 2>err
	expect_out "status 137"
	expect_no_file "$(compgen -G "$WORK/.container-fs-work.*")"
	# Without --init COMMAND is PID 1, which SIGKILL from inside cannot end.
	setsid -w bash -c '"$CFS" "$BASE" upper -- sh -c "kill -9 0; echo survived"; echo "status $?"' </dev/null >out 2>err
	expect_out "$(printf 'survived\nstatus 0')"
	# And from a terminal.
	in_script '"$CFS" --init "$BASE" upper -- sh -c "kill -9 0"; echo "status $?"'
	expect_out_has "status 137"
	expect_no_file "$(compgen -G "$WORK/.container-fs-work.*")"
}
