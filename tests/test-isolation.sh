# tests/test-isolation.sh - what the command sees: its own namespaces, PID 1,
# a root it cannot leave, and a fresh /proc, /dev and read-only /sys.

# run_in SCRIPT: runs sh -c SCRIPT in a container on the base rootfs plus
# the test helpers, with a fresh WRITEDIR.
run_in() {
	cfs "$BASE" "$HELPERS" "$WORK/upper" -- sh -c "$1"
}

test_isolation_namespaces_differ_from_host() {
	local ns
	for ns in mnt pid uts ipc; do
		run_in "readlink /proc/self/ns/$ns"
		expect_status 0
		expect_out_lacks "$(readlink /proc/self/ns/$ns)"
		expect_out_has "$ns:["
	done
	# The network namespace is the host's on purpose (core contract).
	run_in 'readlink /proc/self/ns/net'
	expect_out "$(readlink /proc/self/ns/net)"
}

test_isolation_command_is_pid_1() {
	run_in 'echo $$; grep PPid /proc/self/status'
	expect_status 0
	expect_out "$(printf '1\nPPid:\t0')"
}

test_isolation_ps_shows_only_the_container() {
	run_in 'sleep 30 & ps -A -o pid,comm; exit 0'
	expect_status 0
	# Header, sh (PID 1), sleep and ps: nothing of the host's.
	expect_true "ps -A lists 4 lines: $(cat out)" [ "$(wc -l <out)" = 4 ]
	expect_out_lacks "bash"
	expect_out_lacks "container-fs"
	[ "$(awk 'NR > 1 {print $1}' out | sort -n | head -1)" = 1 ] || flunk "no PID 1 in $(cat out)"
}

test_isolation_hostname_is_private() {
	local before
	before=$(hostname)
	# Setting it needs CAP_SYS_ADMIN, which the container lacks by default.
	run_in 'hostname inside-test 2>&1; hostname'
	expect_status 0
	expect_out_has "$before"
	cfs --cap-add SYS_ADMIN "$BASE" upper -- sh -c 'hostname inside-test && hostname'
	expect_status 0
	expect_out "inside-test"
	expect_true "host hostname changed" [ "$(hostname)" = "$before" ]
}

test_isolation_ipc_is_private() {
	# A System V message queue of the host's is not visible inside.
	local id
	id=$(ipcmk -Q | grep -o '[0-9]*$')
	expect_true "host queue not made" [ -n "$id" ]
	run_in 'wc -l </proc/sysvipc/msg'
	ipcrm -q "$id"
	expect_status 0
	expect_out 1
}

test_isolation_root_is_the_overlay() {
	run_in 'cd /../..; pwd; ls /; cat /proc/self/mountinfo | awk "\$5 == \"/\" {print \$8}"'
	expect_status 0
	expect_out_has "overlay"
	# The host's root is out of reach: a marker file on the host is not found
	# from anywhere the command can walk to.
	local marker
	marker=$(host_marker)
	run_in "cd /../../..; ls -a; test -e $marker && echo FOUND; test -e ../../$marker && echo FOUND; exit 0"
	rm -f "$marker"
	expect_status 0
	expect_out_lacks FOUND
	expect_out_has linuxrc
}

test_isolation_no_host_mounts_visible() {
	# --unmask: no masks over /proc and /sys, just the mounts of /.
	cfs --unmask "$BASE" upper -- awk '{print $5}' /proc/self/mountinfo
	expect_status 0
	# Rootless, /sys is the host's bound read-only with its submounts.
	grep -v '^/sys/' out | sort >inside
	expect_true "unexpected mounts inside: $(cat inside)" \
		[ "$(tr '\n' ' ' <inside)" = "/ /dev /dev/full /dev/mqueue /dev/null /dev/pts /dev/random /dev/shm /dev/tty /dev/urandom /dev/zero /etc/hosts /etc/resolv.conf /proc /sys " ]
}

test_isolation_pivot_root_not_chroot() {
	# After pivot_root the old root is detached, so /proc/1/root is the
	# overlay and there is one root mount: a chroot would leave the host's.
	run_in 'awk "\$5 == \"/\"" /proc/self/mountinfo | wc -l; readlink /proc/1/root; ls /proc/1/root/linuxrc'
	expect_status 0
	expect_out "$(printf '1\n/\n/proc/1/root/linuxrc')"
}

test_isolation_dev_holds_only_the_standard_nodes() {
	run_in 'ls -A /dev'
	expect_status 0
	expect_out "$(printf '%s\n' fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero)"
	run_in 'stat -c "%n %t:%T" /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty'
	expect_out "$(printf '%s\n' '/dev/null 1:3' '/dev/zero 1:5' '/dev/full 1:7' '/dev/random 1:8' '/dev/urandom 1:9' '/dev/tty 5:0')"
	run_in 'readlink /dev/ptmx; readlink /dev/fd; readlink /dev/stdin; readlink /dev/stdout; readlink /dev/stderr'
	expect_out "$(printf '%s\n' pts/ptmx /proc/self/fd /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2)"
}

test_isolation_dev_is_a_fresh_tmpfs() {
	run_in 'awk "\$5 == \"/dev\" {print \$8}" /proc/self/mountinfo; touch /dev/made-inside && echo writable'
	expect_status 0
	expect_out "$(printf 'tmpfs\nwritable')"
	expect_no_file /dev/made-inside
	expect_no_file upper/dev/made-inside
}

test_isolation_devices_work() {
	run_in 'echo gone >/dev/null && head -c 4 /dev/zero | od -An -tx1 && head -c 8 /dev/urandom | wc -c; echo x >/dev/full || echo full-refused'
	expect_status 0
	expect_out_has "00 00 00 00"
	expect_out_has 8
	expect_out_has full-refused
}

test_isolation_devpts_is_private() {
	run_in 'awk "\$5 == \"/dev/pts\" {print \$8, \$10}" /proc/self/mountinfo; ls /dev/pts'
	expect_status 0
	expect_out_has "devpts"
	expect_out_has "ptmxmode=666"
	expect_out_has "mode=620"
	# Rootless with only the caller's id mapped, group tty does not exist.
	[ "$ROOTLESS" = 1 ] || expect_out_has "gid=5"
	# A new instance holds only its ptmx, none of the host's terminals.
	expect_true "host ptys visible: $(cat out)" [ "$(tail -1 out)" = ptmx ]
	# A pty can be opened through /dev/ptmx (script allocates one).
	run_in 'test -c /dev/pts/ptmx && test -L /dev/ptmx && echo ok'
	expect_out ok
}

test_isolation_dev_shm_is_usable() {
	run_in 'echo data >/dev/shm/f && cat /dev/shm/f && awk "\$5 == \"/dev/shm\" {print \$8}" /proc/self/mountinfo'
	expect_status 0
	expect_out "$(printf 'data\ntmpfs')"
}

test_isolation_sys_is_read_only() {
	run_in 'touch /sys/x 2>&1; echo 1 >/sys/kernel/uevent_helper 2>&1; ls /sys/kernel >/dev/null && echo readable'
	expect_status 0
	expect_out_has "Read-only file system"
	expect_out_has readable
}

test_isolation_proc_is_the_containers() {
	run_in 'ls /proc | grep -E "^[0-9]+$" | sort -n | tr "\n" " "'
	expect_status 0
	# Only PID 1 (sh) and the pipeline's own processes, all small numbers.
	local pid
	for pid in $(cat out); do
		[ "$pid" -lt 10 ] || flunk "host PID $pid visible in /proc"
	done
	run_in 'awk "\$5 == \"/proc\" {print \$6}" /proc/self/mountinfo'
	expect_out_has nosuid
	expect_out_has nodev
	expect_out_has noexec
}

test_isolation_mount_points_not_in_layers() {
	# A layer without proc, dev, sys: they are made in WRITEDIR.
	mkdir -p base
	cp -a "$BASE/." base/
	rmdir base/proc base/sys base/dev 2>/dev/null || rm -rf base/proc base/sys base/dev
	local before
	before=$(tree_digest base)
	cfs base upper -- sh -c 'ls /proc/self >/dev/null && test -c /dev/null && ls /sys/kernel >/dev/null && echo ok'
	expect_status 0
	expect_out ok
	expect_true "layer changed" [ "$(tree_digest base)" = "$before" ]
	expect_file upper/proc
	expect_file upper/dev
	expect_file upper/sys
}

test_isolation_nothing_mounted_on_host_during_run() {
	# While a container runs, the host's mount table is unchanged.
	"$CFS" "$BASE" "$WORK/upper" -- sh -c 'echo up >/tmp/up; sleep 30' </dev/null >/dev/null 2>&1 &
	local pid=$! i
	for i in $(seq 100); do
		[ -e upper/tmp/up ] && break
		sleep 0.1
	done
	expect_file upper/tmp/up
	local now
	now=$(host_mounts | LC_ALL=C comm -13 "$WORK/.mounts-before" -)
	[ -z "$now" ] || flunk "mounts visible on the host during the run: $now"
	kill -TERM "$pid"
	wait "$pid"
}
