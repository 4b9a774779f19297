# tests/test-terminal.sh - the caller's terminal and session: the container
# gets a pty and a session of its own, so it can neither push input into
# the caller's terminal, nor change it, nor kill the caller's processes;
# and interactive use works as before (prompt, ^C, ^\, ^Z and fg, window
# size, exit status), with and without --init.
#
# Real terminals come from script(1) and tmux. A tmux server runs on a
# socket in $WORK and is killed at the end of its test (or when the test's
# shell exits); what runs in it runs under timeout.

export CFS BASE HELPERS

# in_script SCRIPT: runs the bash SCRIPT on a fresh pty of script(1) (its
# stdin, stdout and stderr, and its controlling terminal), in $WORK, with
# $CFS, $BASE and $HELPERS set; output in $WORK/out, status in $status.
in_script() {
	printf '%s\n' "$1" >"$WORK/host-script"
	script -qec "exec bash $WORK/host-script" /dev/null </dev/null >"$WORK/out" 2>"$WORK/err"
	status=$?
}

tmux_command() {
	tmux -S "$WORK/tmux" -f /dev/null "$@"
}

# tmux_start SCRIPT: a detached 100x30 tmux window running the sh SCRIPT in
# $WORK under `timeout --foreground` (container-fs stays in the terminal's
# foreground); its status goes to $WORK/status.
tmux_start() {
	rm -f "$WORK/status"
	printf '%s\n' "$1" >"$WORK/pane-script"
	trap tmux_stop EXIT
	tmux_command new-session -d -x 100 -y 30 \
		"cd '$WORK' && timeout --foreground 60 sh pane-script; echo \$? >status"
}

tmux_stop() {
	tmux_command kill-server 2>/dev/null
	trap - EXIT
}

# type_keys KEY...: as tmux send-keys (text, Enter, C-c, C-z, 'C-\').
type_keys() {
	tmux_command send-keys -t 0 "$@"
}

screen() {
	tmux_command capture-pane -p -J -t 0 2>/dev/null
}

# wait_screen TEXT: up to 10 s for TEXT on the screen.
wait_screen() {
	local i
	for i in $(seq 100); do
		screen | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	flunk "timed out waiting for '$1' on the screen: $(screen | grep . | tail -5)"
	return 1
}

# wait_status: up to 10 s for the tmux script to end; its status in $status.
wait_status() {
	local i
	for i in $(seq 100); do
		[ -s "$WORK/status" ] && status=$(cat "$WORK/status") && return 0
		sleep 0.1
	done
	status=none
	flunk "the script in tmux did not end: $(screen | grep . | tail -5)"
}

# wait_running COMMAND-LINE: up to 10 s for a process running exactly it,
# and not stopped (after fg, the shell has made it the foreground then).
wait_running() {
	local i pid
	for i in $(seq 100); do
		for pid in $(pgrep -xf -- "$1"); do
			[ "$(cut -d ' ' -f 3 "/proc/$pid/stat" 2>/dev/null)" = S ] && return 0
		done
		sleep 0.1
	done
	flunk "'$1' never ran"
	return 1
}

# The caller's terminal in tmux, and the container-fs running on it (the
# oldest of that name in the window's session: its janitor and --init's
# PID 1 are younger).
pane_tty() {
	tmux_command display -p -t 0 '#{pane_tty}'
}
cfs_in_tmux() {
	pgrep -o -x container-fs -s "$(tmux_command display -p -t 0 '#{pane_pid}')"
}

# descendants PID: every process below PID.
descendants() {
	local child
	for child in $(pgrep -P "$1"); do
		echo "$child"
		descendants "$child"
	done
}

test_terminal_tiocsti_does_not_reach_the_host_shell() {
	# Text pushed into the caller's terminal is read by the caller's
	# shell once container-fs exits, and run as the caller (root). This
	# shell reads a line and runs it; the container pushes one that
	# prints INJECTED-42. --seccomp=unconfined: container-fs must stop
	# this itself, whatever the filter refuses.
	local target
	for target in "" /dev/tty; do
		in_script '"$CFS" --seccomp=unconfined "$BASE" "$HELPERS" upper -- probe tiocsti "echo INJECTED-\$((6 * 7))" '"$target"'
			if read -t 1 line; then eval "$line"; fi; echo host-done'
		expect_out_has host-done
		expect_out_lacks INJECTED-42
	done
	# No terminal on 0-2, but the caller's is still the controlling
	# terminal container-fs was started from.
	in_script '"$CFS" --seccomp=unconfined "$BASE" "$HELPERS" upper -- probe tiocsti "echo INJECTED-\$((6 * 7))" /dev/tty </dev/null >/dev/null 2>&1
		if read -t 1 line; then eval "$line"; fi; echo host-done'
	expect_out_has host-done
	expect_out_lacks INJECTED-42
}

test_terminal_callers_terminal_keeps_mode_and_owner() {
	# chmod and chown inside change the container's terminal only: the
	# caller's (script's pty, looked at from outside) keeps its mode and
	# owner, so no other user gets to read the caller's keystrokes.
	in_script 'stat -c "%a %u %g" "$(tty)" >before
		"$CFS" "$BASE" upper -- sh -c "chmod 600 /proc/self/fd/1; chmod 666 /dev/console 2>/dev/null; chmod 666 /proc/self/fd/0; chown 1:1 /dev/console /proc/self/fd/1 2>/dev/null; stat -L -c %a /proc/self/fd/0"
		stat -c "%a %u %g" "$(tty)" >after'
	expect_status 0
	expect_true "no stat of the caller's terminal" [ -s before ]
	expect_true "the caller's terminal was '$(cat before)', then '$(cat after)'" \
		[ "$(cat before)" = "$(cat after)" ]
	expect_out_has 666 # the container changed its own
}

test_terminal_no_fd_of_the_callers_terminal_inside() {
	# Inside, tty names the container's pty, and fds 0-2 and /dev/console
	# are that pty (136:0 on the container's own devpts).
	app_program report 755 'tty; ls -l /proc/$$/fd
devpts=$(stat -c %d /dev/pts/ptmx)
for f in /proc/$$/fd/0 /proc/$$/fd/1 /proc/$$/fd/2 /dev/console; do
	[ "$(stat -L -c "%d %t:%T" $f)" = "$devpts 88:0" ] && echo "${f#/proc/*/}: the pty"
done'
	in_script '"$CFS" "$BASE" app upper -- report'
	expect_status 0
	expect_out_has /dev/pts/0
	local f
	for f in fd/0 fd/1 fd/2 /dev/console; do
		expect_out_has "$f: the pty"
	done
	# Looked at from outside: no process container-fs started (with
	# --init, PID 1 too) holds the caller's terminal. (Rootless, PID 1's
	# fds are not ours to read.)
	tmux_start '"$CFS" --init "$BASE" upper -- sh -c "echo ready; sleep 5"'
	wait_screen ready
	local tty pid fd held=
	# By device and inode: the container's pty may have the same name.
	tty=$(stat -L -c %d:%i "$(pane_tty)")
	for pid in $(descendants "$(cfs_in_tmux)"); do
		for fd in /proc/"$pid"/fd/*; do
			[ "$(stat -L -c %d:%i "$fd" 2>/dev/null)" = "$tty" ] && held+=" $fd"
		done
	done
	tmux_stop
	expect_true "the container holds the caller's terminal:$held" [ -z "$held" ]
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

# interactive_shell [OPTION]: a shell in the container, at a 100x30 tmux
# terminal, used as a person would.
interactive_shell() {
	tmux_start '"$CFS" '"$*"' "$BASE" upper -- sh'
	wait_screen '/ # ' || {
		tmux_stop
		return
	}
	type_keys 'tty; stty size' Enter
	wait_screen /dev/pts/0
	wait_screen '30 100'
	# ^C at the prompt drops the line; the shell lives on.
	type_keys 'echo never-run' C-c
	# (Typed as prompt-after-ctrl''-c: the line typed, which the
	# screen shows at once, must not match what is waited for.)
	type_keys "echo prompt-after-ctrl''-c" Enter
	wait_screen prompt-after-ctrl-c
	expect_true "never-run ran: $(screen | grep never-run)" \
		[ "$(screen | grep -c never-run)" = 1 ]
	# ^C, ^\ and ^Z reach the command in the foreground.
	type_keys 'sleep 7101' Enter
	wait_running 'sleep 7101' && type_keys C-c
	type_keys 'echo after-ctrl-c $?' Enter
	wait_screen 'after-ctrl-c 130'
	type_keys 'sleep 7102' Enter
	wait_running 'sleep 7102' && type_keys 'C-\'
	type_keys 'echo after-quit $?' Enter
	wait_screen 'after-quit 131'
	type_keys 'sleep 7103' Enter
	wait_running 'sleep 7103' && type_keys C-z
	type_keys "jobs; echo jobs-''listed" Enter
	wait_screen jobs-listed
	expect_true "not stopped, or no job: $(screen | grep . | tail -5)" \
		[ "$(screen | grep -c 'Stopped.*sleep 7103')" = 2 ]
	type_keys 'fg' Enter
	wait_running 'sleep 7103' && type_keys C-c
	type_keys 'echo after-fg $?' Enter
	wait_screen 'after-fg 130'
	expect_true "left running: $(pgrep -af 'sleep 710[123]')" \
		[ -z "$(pgrep -f 'sleep 710[123]')" ]
	# The window size follows the caller's.
	tmux_command resize-window -t 0 -x 120 -y 40
	type_keys 'stty size' Enter
	wait_screen '40 120'
	type_keys 'exit 3' Enter
	wait_status
	expect_status 3
	tmux_stop
}

test_terminal_interactive_shell() {
	interactive_shell
}

test_terminal_interactive_shell_with_init() {
	interactive_shell --init
}

# restored_after SCRIPT [SIGNAL]: runs SCRIPT in tmux between two
# `stty -g` of the caller's terminal; once the screen says "ready" the
# caller's terminal must be raw (every key goes to the container), and
# container-fs is sent SIGNAL if given. Then the settings must be back.
# $status is SCRIPT's.
restored_after() {
	tmux_start 'stty -g >before; '"$1"'; echo $? >script-status; stty -g >after'
	wait_screen ready || {
		tmux_stop
		return
	}
	stty -g -F "$(pane_tty)" >during
	[ -n "${2:-}" ] && kill "-$2" "$(cfs_in_tmux)"
	wait_status
	tmux_stop
	expect_true "the caller's terminal not raw during the run ($(cat during))" \
		[ "$(cat during)" != "$(cat before)" ]
	expect_true "settings not restored: '$(cat before)', then '$(cat after)'" \
		[ "$(cat before)" = "$(cat after)" ]
	status=$(cat script-status)
}

test_terminal_callers_settings_restored() {
	restored_after '"$CFS" "$BASE" upper -- sh -c "echo ready; sleep 1; exit 4"'
	expect_status 4
	# SIGTERM and SIGHUP to container-fs: relayed; the container ends.
	restored_after '"$CFS" --init "$BASE" upper -- sh -c "echo ready; exec sleep 7104"' TERM
	expect_status 143
	restored_after '"$CFS" --init "$BASE" upper -- sh -c "echo ready; exec sleep 7104"' HUP
	expect_status 129
	# A setup failure (COMMAND not found, reported after the clone).
	tmux_start 'stty -g >before; "$CFS" "$BASE" upper -- no-such-command 2>errors; echo $? >script-status; stty -g >after'
	wait_status
	tmux_stop
	expect_true "status $(cat script-status)" [ "$(cat script-status)" = 127 ]
	expect_true "settings not restored: '$(cat before)', then '$(cat after)'" \
		[ "$(cat before)" = "$(cat after)" ]
}

test_terminal_output_is_whole_and_other_fds_pass_through() {
	# What the container writes to its terminal arrives whole, the last
	# of it too, written just before it exits.
	in_script '"$CFS" "$BASE" upper -- seq 30000'
	expect_status 0
	expect_true "lost output: $(wc -l <out) lines, the last $(tail -1 out)" \
		[ "$(tr -d '\r' <out | md5sum)" = "$(seq 30000 | md5sum)" ]
	# Only the fds that are terminals get the container's pty; a pipe or
	# a file passes through byte for byte, as without a terminal.
	app_program on-pty 755 '[ "$(stat -L -c %d /proc/$PPID/fd/$1)" = "$(stat -c %d /dev/pts/ptmx)" ] && echo "fd $1 on the pty" >&2'
	in_script 'seq 100000 | "$CFS" "$BASE" app upper -- sh -c "test -t 0 || echo stdin-not-a-terminal; on-pty 1; md5sum"'
	expect_status 0
	expect_out_has stdin-not-a-terminal
	expect_out_has "fd 1 on the pty"
	expect_out_has "$(seq 100000 | md5sum)"
	in_script '"$CFS" "$BASE" app upper -- sh -c "on-pty 0; head -c 200000 /bin/busybox" | md5sum >sum
		echo x | "$CFS" "$BASE" upper -- sh -c "cat; echo to-err >&2" 2>errors'
	expect_status 0
	expect_out_has "fd 0 on the pty"
	expect_true "stdout changed on its way: $(cat sum)" \
		[ "$(cat sum)" = "$(head -c 200000 "$BASE/bin/busybox" | md5sum)" ]
	expect_true "stderr changed on its way: $(od -c errors | head -3)" \
		[ "$(cat errors)" = to-err ]
}
