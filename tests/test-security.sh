# tests/test-security.sh - the secure defaults (capabilities, no_new_privs,
# seccomp, masked /proc, nodev), attacks from inside the container, hostile
# layers and hostile paths, and the options that relax each default.

DOCKER_CAPS=00000000a80425fb # Docker's default set, as /proc shows it

run_in() {
	cfs "$BASE" "$HELPERS" "$WORK/upper" -- sh -c "$1"
}

# status_field NAME: the line NAME of the container's /proc/self/status.
status_fields='grep -E "^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):" /proc/self/status'

test_security_default_capabilities() {
	run_in "$status_fields"
	expect_status 0
	expect_out "$(printf '%s\n' "CapInh:	$DOCKER_CAPS" "CapPrm:	$DOCKER_CAPS" \
		"CapEff:	$DOCKER_CAPS" "CapBnd:	$DOCKER_CAPS" \
		"CapAmb:	0000000000000000" "NoNewPrivs:	1" "Seccomp:	2")"
}

test_security_cap_add_and_drop() {
	# NET_ADMIN is bit 12 (0x1000), CHOWN bit 0.
	cfs --cap-add NET_ADMIN --cap-drop chown "$BASE" upper -- grep -E '^Cap(Eff|Bnd)' /proc/self/status
	expect_status 0
	expect_out "$(printf 'CapEff:\t00000000a80435fa\nCapBnd:\t00000000a80435fa')"
	cfs --cap-drop ALL --cap-add CAP_KILL "$BASE" upper -- grep -E '^Cap(Eff|Bnd)' /proc/self/status
	expect_out "$(printf 'CapEff:\t0000000000000020\nCapBnd:\t0000000000000020')"
	cfs --cap-drop ALL "$BASE" upper -- sh -c 'chown 1 /tmp 2>&1; grep CapEff /proc/self/status'
	expect_status 0
	# Rootless, uid 1 does not exist in the namespace: EINVAL instead.
	expect_true "chown allowed: $(cat out)" grep -q "Operation not permitted\|Invalid argument" out
	expect_out_has "0000000000000000"
	cfs --cap-add NO_SUCH_CAP "$BASE" fresh -- true
	expect_status 125
	expect_error "--cap-add 'NO_SUCH_CAP': unknown capability"
	expect_no_file fresh
}

test_security_privileged_relaxes_everything() {
	cfs --privileged "$BASE" upper -- sh -c "$status_fields; ls /sys/firmware | wc -l; awk '\$5 == \"/sys\" {print \$6}' /proc/self/mountinfo"
	expect_status 0
	# Every capability there is (in the user namespace, rootless).
	local all
	all=$(awk '/^CapBnd/ {print $2}' out)
	expect_true "CapBnd not all: $all" [ "$all" != "$DOCKER_CAPS" ]
	[ "$ROOTLESS" = 0 ] && all=$(awk '/^CapBnd/ {print $2}' /proc/self/status)
	expect_out_has "CapEff:	$all"
	expect_out_has "CapBnd:	$all"
	expect_out_has "NoNewPrivs:	0"
	expect_out_has "Seccomp:	0"
	expect_out_has "rw,"
	# /sys/firmware is not masked (empty) any more.
	expect_true "firmware still masked: $(cat out)" [ "$(sed -n 8p out)" != 0 ]
}

test_security_setuid_binary_gains_nothing() {
	needs_root || return 0 # a host mount, or a setuid-root file
	# A setuid-root copy of probe in a layer, run by an unprivileged user.
	mkdir -p app/usr/bin
	cp "$HELPERS/usr/bin/probe" app/usr/bin/suid-probe
	chmod 4755 app/usr/bin/suid-probe
	cfs "$BASE" "$HELPERS" app upper -- probe as-user 1000 /usr/bin/suid-probe ids
	expect_status 0
	expect_out "1000 1000"
	# The test can fail: without no_new_privs the bit works.
	cfs --allow-new-privs "$BASE" "$HELPERS" app upper -- probe as-user 1000 /usr/bin/suid-probe ids
	expect_status 0
	expect_out "1000 0"
}

test_security_seccomp_follows_the_capabilities() {
	# With the default capabilities the filter refuses mount, unshare and
	# clone with namespace flags (clone3 gets ENOSYS, for libc to fall
	# back to clone).
	run_in 'mkdir -p /mnt; mount -t tmpfs none /mnt 2>&1 || echo refused; unshare -m true 2>&1 || echo refused; probe clone-namespaces'
	expect_status 0
	expect_out_has "clone: Operation not permitted"
	expect_out_has "clone3: Function not implemented"
	expect_true "mount or unshare not refused: $(cat out)" [ "$(grep -c '^refused$' out)" = 2 ]
	# As Docker's profile does, CAP_SYS_ADMIN brings them back: the
	# capability, not the filter, decides (podman run --cap-add SYS_ADMIN
	# mounts too).
	cfs --cap-add SYS_ADMIN "$BASE" "$HELPERS" upper -- sh -c 'mkdir -p /mnt && mount -t tmpfs none /mnt && echo mounted; unshare -m true && echo unshared; probe clone-namespaces; grep Seccomp: /proc/self/status'
	expect_status 0
	expect_out "$(printf 'mounted\nunshared\nclone: created\nclone3: created\nSeccomp:\t2')"
	cfs --seccomp=strict "$BASE" upper -- true
	expect_status 125
	expect_error "--seccomp 'strict': takes 'unconfined' or 'default'"
}

test_security_seccomp_is_an_allowlist() {
	# A number no kernel has yet, and a real call Docker's profile allows
	# only with CAP_SYS_PTRACE: refused with EPERM, not passed on.
	run_in 'probe syscall 1000; probe pidfd-getfd; probe process-vm-readv'
	expect_status 0
	expect_out "$(printf '%s\n' 'syscall 1000: EPERM' 'pidfd_getfd: EPERM' 'process_vm_readv: EPERM')"
	# With the capability both work; unconfined, the unknown number
	# reaches the kernel, which has no such call.
	cfs --cap-add SYS_PTRACE "$BASE" "$HELPERS" upper -- sh -c 'probe pidfd-getfd; probe process-vm-readv'
	expect_status 0
	expect_out "$(printf '%s\n' 'pidfd_getfd: ok' 'process_vm_readv: ok')"
	cfs --seccomp=unconfined "$BASE" "$HELPERS" upper -- probe syscall 1000
	expect_out 'syscall 1000: ENOSYS'
}

test_security_seccomp_personality_flags() {
	# Only Docker's values: PER_LINUX (0), PER_LINUX32 (8), UNAME26
	# (0x20000), both, and 0xffffffff (a query). READ_IMPLIES_EXEC
	# (0x400000) would make every readable mapping executable, and
	# ADDR_NO_RANDOMIZE (0x40000) turn off ASLR.
	run_in 'for v in 0x0 0xffffffff 0x8 0x20008 0x0400000 0x0040000 0x0400008; do probe personality $v; done'
	expect_status 0
	expect_out "$(printf '%s\n' 'personality 0x0: ok' 'personality 0xffffffff: ok' \
		'personality 0x8: ok' 'personality 0x20008: ok' \
		'personality 0x0400000: EPERM' 'personality 0x0040000: EPERM' \
		'personality 0x0400008: EPERM')"
}

test_security_seccomp_refuses_tiocsti() {
	# TIOCSTI (0x5412) would type into the terminal outside; TIOCLINUX
	# (0x541C) reads or pastes the console's selection. The kernel reads
	# the request as 32 bits, so high bits set by an attacker must not
	# get either past the filter. Other requests reach the kernel (stdin
	# is /dev/null: ENOTTY).
	run_in 'for r in 0x5412 0xffffffff00005412 0x100005412 0x541C 0x80000000541C 0x5401; do probe ioctl $r; done'
	expect_status 0
	expect_out "$(printf '%s\n' 'ioctl 0x5412: EPERM' 'ioctl 0xffffffff00005412: EPERM' \
		'ioctl 0x100005412: EPERM' 'ioctl 0x541C: EPERM' \
		'ioctl 0x80000000541C: EPERM' 'ioctl 0x5401: ENOTTY')"
}

test_security_no_mount_changes_from_inside() {
	run_in 'mount -t tmpfs x /tmp 2>&1; umount /sys/firmware 2>&1; umount /proc/keys 2>&1; mount -o remount,rw /sys 2>&1; unshare -Urm true 2>&1; ls /sys/firmware | wc -l; touch /sys/x 2>&1; exit 0'
	expect_status 0
	expect_out_lacks "mounted"
	expect_true "a mount change was allowed: $(cat out)" [ "$(grep -ci 'not permitted\|permission denied' out)" -ge 5 ]
	expect_out_has "Read-only file system"
}

test_security_masked_paths_read_empty() {
	run_in 'for f in /proc/keys /proc/timer_list /proc/interrupts /proc/sched_debug; do [ -e $f ] && echo "$f $(wc -c <$f)"; done; ls -A /proc/acpi /sys/firmware | grep -v : | grep . ; echo end'
	expect_status 0
	expect_out_has "/proc/keys 0"
	expect_out_has "/proc/interrupts 0"
	expect_true "masked directory not empty: $(cat out)" [ "$(tail -1 out)" = end ]
	grep -v ' 0$' out | grep -v '^end$' | grep -q . && flunk "masked file not empty: $(cat out)"
	# --unmask shows them.
	cfs --unmask "$BASE" upper -- sh -c 'wc -c </proc/interrupts'
	expect_true "--unmask left /proc/interrupts empty" [ "$(cat out)" -gt 0 ]
}

test_security_read_only_proc_paths() {
	run_in '{ echo 1 >/proc/sys/kernel/domainname; } 2>&1; for p in /proc/sys /proc/bus /proc/fs /proc/irq /proc/sysrq-trigger; do awk -v p=$p "\$5 == p {print p, substr(\$6, 1, 2)}" /proc/self/mountinfo; done; { echo x >/proc/sysrq-trigger; } 2>&1; exit 0'
	expect_status 0
	expect_out_has "Read-only file system"
	expect_out_has "/proc/sys ro"
	expect_out_has "/proc/irq ro"
	expect_out_lacks "/proc/sys rw"
	# sysrq-trigger, where the kernel has it, is read-only too.
	[ -e /proc/sysrq-trigger ] && expect_out_has "/proc/sysrq-trigger ro"
	expect_true "host domainname changed" [ "$(cat /proc/sys/kernel/domainname)" != 1 ]
}

test_security_device_nodes_made_inside_do_not_open() {
	run_in 'mknod /tmp/zero c 1 5 && head -c 1 /tmp/zero; mknod /dev/zero2 c 1 5 && head -c 1 /dev/zero2; mknod /dev/shm/z c 1 5 2>&1 && head -c 1 /dev/shm/z; head -c 1 /dev/zero | od -An -tx1'
	expect_status 0
	# Rootless, mknod itself is refused: stronger still.
	expect_true "a node made inside opened: $(cat out) $(cat err)" [ "$(cat out err | grep -c 'Permission denied\|Operation not permitted')" -ge 3 ]
	expect_out_has " 00"
}

test_security_chroot_and_proc_escapes() {
	local marker
	marker=$(host_marker)
	run_in "probe chroot-escape $marker; ls /proc/1/root$marker 2>&1; cd /../../..; ls .$marker 2>&1; exit 0"
	rm -f "$marker"
	expect_status 0
	expect_out_has "not reached"
	expect_true "marker reached: $(cat out)" [ "$(grep -c 'No such file' out)" = 2 ]
}

test_security_fds_3_to_9_not_visible() {
	exec 3</etc/hostname 4</etc/hostname 5</etc/hostname 6</etc/hostname 7</etc/hostname 8</etc/hostname 9</etc/hostname
	"$CFS" "$BASE" "$HELPERS" upper -- probe fds </dev/null >out 2>err
	status=$?
	"$CFS" --init "$BASE" "$HELPERS" upper -- sh -c 'ls /proc/1/fd 2>/dev/null || echo hidden; probe fds' </dev/null >>out 2>>err
	exec 3<&- 4<&- 5<&- 6<&- 7<&- 8<&- 9<&-
	expect_status 0
	# PID 1 (--init) is not dumpable: rootless, its fds cannot be listed.
	if [ "$ROOTLESS" = 1 ]; then
		expect_out "$(printf '%s\n' 0 1 2 hidden 0 1 2)"
	else
		expect_out "$(printf '%s\n' 0 1 2 0 1 2 0 1 2)"
	fi
}

test_security_cwd_is_root() {
	cd /tmp && "$CFS" "$BASE" "$WORK/upper" -- readlink /proc/self/cwd </dev/null >"$WORK/out" 2>"$WORK/err"
	status=$?
	cd "$WORK" || return
	expect_status 0
	expect_out /
}

test_security_closed_standard_fds() {
	# Started with 0, 1 or 2 closed, container-fs never gives COMMAND one
	# of its own files there.
	"$CFS" "$BASE" "$HELPERS" upper -- sh -c 'probe fds; readlink /proc/self/fd/0' <&- >out 2>err
	status=$?
	expect_status 0
	expect_out "$(printf '0\n1\n2\n/dev/null')"
	"$CFS" "$BASE" "$HELPERS" upper -- sh -c 'out=$(readlink /proc/$$/fd/1); echo "$out" >&2' </dev/null >&- 2>err
	expect_true "stdout was '$(cat err)'" [ "$(cat err)" = /dev/null ]
	"$CFS" "$BASE" upper -- sh -c 'echo ok' </dev/null >out 2>&-
	status=$?
	expect_status 0
	expect_out ok
}

test_security_never_reexecutes_itself() {
	local before
	before=$(md5sum <"$CFS")
	mkdir -p app/bin
	printf '#!/proc/self/exe\n' >app/bin/self
	chmod 755 app/bin/self
	cfs "$BASE" app upper -- /bin/self
	# The kernel runs the host's container-fs as the interpreter: as a
	# plain program, it finds no valid command line and exits 125 (a
	# dynamically linked build finds no loader in the image: 127).
	[ "$status" = 125 ] || [ "$status" = 127 ] || flunk "exit status $status"
	expect_true "stdout not empty" [ ! -s out ]
	# While such a process runs, no process inside can write the binary
	# through /proc/PID/exe: container-fs outside still executes it.
	cfs --init "$BASE" app upper -- sh -c '/bin/self & for p in /proc/[0-9]*; do echo x >>$p/exe; done 2>/dev/null; wait; echo done'
	expect_out done
	cfs --init "$BASE" upper -- sh -c 'cat /proc/1/exe >/dev/null 2>&1 || echo no-read; echo x >>/proc/1/exe 2>/dev/null || echo no-write'
	expect_status 0
	expect_out "$(printf 'no-read\nno-write')"
	expect_true "container-fs binary changed" [ "$(md5sum <"$CFS")" = "$before" ]
}

test_security_hostile_layer_symlinks() {
	# proc, dev or sys in a layer as a symlink out of the root: refused
	# before any mount, nothing mounted or written outside.
	local name target
	mkdir -p victim
	for name in proc dev sys; do
		for target in / ../../.. "$WORK/victim" /proc/sysrq-trigger; do
			rm -rf evil upper
			mkdir evil
			ln -s "$target" "evil/$name"
			cfs "$BASE" evil upper -- true
			expect_status 125
			expect_error "the image's /$name must be a directory"
			expect_true "victim written ($name -> $target)" [ -z "$(ls -A victim)" ]
		done
	done
	# dev/pts, dev/shm and dev/null as symlinks are hidden by /dev's
	# fresh tmpfs: the container gets its own.
	rm -rf evil upper
	mkdir -p evil/dev
	ln -s / evil/dev/pts
	ln -s "$WORK/victim" evil/dev/shm
	ln -s /proc/sysrq-trigger evil/dev/null
	cfs "$BASE" evil upper -- sh -c 'test -c /dev/null && test -d /dev/pts && ! test -L /dev/shm && echo fresh'
	expect_status 0
	expect_out fresh
	expect_true "victim written" [ -z "$(ls -A victim)" ]
}

test_security_hostile_paths() {
	# A layer named like overlay options cannot add options.
	mkdir -p "x,upperdir=$WORK/victim/etc" victim
	echo from-layer >"x,upperdir=$WORK/victim/etc/who"
	cfs "$BASE" "x,upperdir=$WORK/victim" upper -- sh -c 'cat /etc/who; echo w >/written'
	expect_status 0
	expect_out from-layer
	expect_file upper/written
	expect_no_file victim/written
	# Directories named like options, given as ./NAME.
	mkdir -p -- -layer/etc
	echo dash >-layer/etc/who
	cfs "$BASE" ./-layer ./-upper -- cat /etc/who
	expect_status 0
	expect_out dash
	expect_file ./-upper
	# Tabs and bytes that are not UTF-8.
	mkdir -p $'tab\tlayer/etc' $'bytes\xff\xfe/etc'
	echo tab >$'tab\tlayer/etc/who'
	cfs "$BASE" $'tab\tlayer' $'bytes\xff\xfe' -- cat /etc/who
	expect_status 0
	expect_out tab
	expect_file $'bytes\xff\xfe'
}

test_security_full_writedir_filesystem() {
	needs_root || return 0 # a host mount, or a setuid-root file
	mkdir small
	mount -t tmpfs -o size=1m tmpfs small
	cfs "$BASE" small/upper -- sh -c 'dd if=/dev/zero of=/big bs=64k count=64 2>&1; echo dd=$?; exit 3'
	expect_status 3
	expect_out_has "No space left on device"
	expect_out_has "dd=1"
	expect_true "workdir left on the full filesystem" [ "$(ls -A small)" = upper ]
	# It still works for a small write once there is room.
	rm -f small/upper/big
	cfs "$BASE" small/upper -- sh -c 'echo fits >/small && cat /small'
	expect_status 0
	expect_out fits
	umount small || flunk "cannot unmount the small tmpfs"
}

test_security_sigpipe_with_init() {
	# Without --init the command is PID 1 and ignores SIGPIPE; under the
	# built-in init it dies of it like anywhere else: 128+13.
	"$CFS" --init "$BASE" upper -- yes 2>err | head -1 >out
	status=${PIPESTATUS[0]}
	expect_status 141
	expect_out y
}

test_security_init_forwards_and_reaps() {
	# Under --init the command is PID 2; PID 1 is the built-in init.
	cfs --init "$BASE" upper -- sh -c 'echo $$; cat /proc/1/comm; grep CapEff /proc/1/status'
	expect_status 0
	expect_out "$(printf '2\ncontainer-fs\nCapEff:\t%s' "$DOCKER_CAPS")"
	# A shell with no handler still stops on SIGTERM: it is not PID 1.
	"$CFS" --init "$BASE" upper -- sh -c 'echo ready; while :; do sleep 0.1; done' </dev/null >out 2>err &
	local pid=$! i
	for i in $(seq 100); do
		grep -q ready out && break
		sleep 0.1
	done
	kill -TERM "$pid"
	wait "$pid"
	status=$?
	expect_status 143
	# Orphans are reaped: no zombie is left while the command runs on.
	cfs --init "$BASE" upper -- sh -c '(sleep 0.1 &) ; sleep 0.5; ps -o stat,comm | grep -c "^Z"; exit 0'
	expect_status 0
	expect_out 0
	# Exit statuses pass through, 126/127 included.
	cfs --init "$BASE" upper -- sh -c 'exit 42'
	expect_status 42
	cfs --init "$BASE" upper -- no-such-command
	expect_status 127
	expect_error "no-such-command"
	cfs --init "$BASE" "$HELPERS" upper -- probe segv
	expect_status 139
}

test_security_paths_over_the_limits() {
	# A path longer than PATH_MAX, and a name longer than NAME_MAX.
	local name long
	name=$(printf 'a%.0s' $(seq 250))
	long=$WORK$(printf "/$name%.0s" $(seq 17))
	cfs "$BASE" "$long" upper -- true
	expect_status 125
	expect_error "File name too long"
	cfs "$BASE" "$long/writedir" -- true
	expect_status 125
	expect_error "File name too long"
	cfs "$BASE" "$WORK/${name}${name}" -- true
	expect_status 125
	expect_error "File name too long"
	expect_no_file upper
}

test_security_dev_nodes_are_read_only_binds() {
	# The six nodes are binds of the host's: chmod or chown inside would
	# change the host's node. They are read-only binds, and still work.
	local before
	before=$(stat -c '%a %u %g' /dev/zero /dev/null /dev/tty)
	run_in 'chmod 666 /dev/zero 2>&1; chown 0 /dev/null 2>&1; touch /dev/tty 2>&1; echo x >/dev/null && head -c 3 /dev/zero | od -An -tx1 && head -c 1 /dev/urandom | wc -c'
	expect_status 0
	expect_true "a node changed: $(cat out)" [ "$(grep -c 'Read-only file system\|Operation not permitted' out)" -ge 3 ]
	expect_out_has " 00 00 00"
	expect_true "/dev/urandom unreadable: $(cat out)" [ "$(tail -1 out)" = 1 ]
	expect_true "host nodes changed" [ "$(stat -c '%a %u %g' /dev/zero /dev/null /dev/tty)" = "$before" ]
	[ "$ROOTLESS" = 1 ] || expect_true "not read-only: $(cat out)" [ "$(grep -c 'Read-only file system' out)" -ge 3 ]
}
