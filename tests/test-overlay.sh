# tests/test-overlay.sh - the overlay: layer order, odd and long paths, 500
# layers, WRITEDIR and the workdir, the WRITEDIR lock, and filesystems a
# WRITEDIR cannot be on. Most tests run with both mount paths.

# "" is the default (new mount API), the other the mount(2) path.
MOUNT_MODES=("" --legacy-mount)

# wait_for FILE: up to 10 s for FILE to appear.
wait_for() {
	local i
	for i in $(seq 100); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	flunk "timed out waiting for $1"
	return 1
}

# expect_whiteout PATH: a 0:0 character device, overlayfs's deletion mark.
expect_whiteout() {
	if [ -c "$1" ]; then
		[ "$(stat -c '%t:%T' "$1")" = 0:0 ] || flunk "$1 is a device but not 0:0"
	else
		flunk "no whiteout at $1"
	fi
}

# make_layers DIR COUNT: COUNT layers DIR/L1..DIR/LCOUNT, each with
# /etc/who = its number and its own file /fN; their paths in $layers.
make_layers() {
	local dir=$1 count=$2 i
	layers=()
	for ((i = 1; i <= count; i++)); do
		layers+=("$dir/L$i")
	done
	mkdir -p "${layers[@]/%//etc}" || flunk "cannot make $count layers"
	for ((i = 1; i <= count; i++)); do
		echo "$i" >"$dir/L$i/etc/who"
		: >"$dir/L$i/f$i"
	done
}

test_overlay_layer_order() {
	mkdir -p l1/etc l2/etc l3/etc
	echo one >l1/etc/who
	echo two >l2/etc/who
	echo three >l3/etc/who
	echo a >l1/etc/a
	echo mid >l2/etc/mid
	echo c >l3/etc/c
	echo "top motd" >l3/etc/motd
	local mode
	for mode in "${MOUNT_MODES[@]}"; do
		rm -rf w1 w2 w3 w4 w5 w6
		cfs ${mode:+"$mode"} "$BASE" l1 l2 l3 w1 -- cat /etc/who
		expect_status 0
		expect_out three
		expect_empty_err
		cfs ${mode:+"$mode"} "$BASE" l1 l2 w2 -- cat /etc/who
		expect_out two
		# Command-line order counts, not names.
		cfs ${mode:+"$mode"} "$BASE" l3 l2 l1 w3 -- cat /etc/who
		expect_out one
		# Directories merge: every layer's files show.
		cfs ${mode:+"$mode"} "$BASE" l1 l2 w4 -- cat /etc/motd /etc/mid /etc/a
		expect_out "base layer
mid
a"
		cfs ${mode:+"$mode"} "$BASE" l3 w5 -- cat /etc/motd /etc/c
		expect_out "top motd
c"
		# The base layer on top hides l3's /etc/motd.
		cfs ${mode:+"$mode"} l3 "$BASE" w6 -- cat /etc/motd /etc/c
		expect_out "base layer
c"
		expect_status 0
	done
	expect_no_workdir_left
}

test_overlay_special_characters_in_paths() {
	local names=("with space" "com,ma" "co:lon" 'back\slash' "eq=ual"
		'all: a b,c:d\e=f' $'new\nline')
	local mode name n=0
	for mode in "${MOUNT_MODES[@]}"; do
		for name in "${names[@]}"; do
			n=$((n + 1))
			mkdir -p "layer $name/etc" "dir $name"
			echo "$name" >"layer $name/etc/who"
			# The name as the layer, as WRITEDIR, and in their parent.
			cfs ${mode:+"$mode"} "$BASE" "layer $name" "w $n $name" -- sh -c 'cat /etc/who; echo x >/new'
			expect_status 0
			expect_out "$name"
			expect_empty_err
			expect_true "write lands in 'w $n $name' ($mode)" grep -qx x "w $n $name/new"
			mkdir -p "dir $name/layer/etc" "wd $n $name"
			echo "deep $name" >"dir $name/layer/etc/who"
			cfs ${mode:+"$mode"} --overlay-workdir "wd $n $name" "$BASE" "dir $name/layer" "dir $name/w$n" -- sh -c 'cat /etc/who; echo y >/new'
			expect_status 0
			expect_out "deep $name"
			expect_empty_err
			expect_true "write lands in 'dir $name/w$n' ($mode)" grep -qx y "dir $name/w$n/new"
			expect_no_workdir_left "dir $name"
		done
	done
	expect_no_workdir_left
}

# 500 layers, the most overlayfs stacks: $BASE and 499 of ours.
check_500_layers() {
	local dir=$1 mode
	make_layers "$dir" 499
	[ "${#layers[@]}" = 499 ] || flunk "made ${#layers[@]} layers"
	# A user's default limit; container-fs must fit 500 layers in it.
	ulimit -n 1024
	for mode in "${MOUNT_MODES[@]}"; do
		rm -rf w
		cfs ${mode:+"$mode"} "$BASE" "${layers[@]}" w -- sh -c 'cat /etc/who /etc/motd; ls /f1 /f250 /f499; ls / | grep -c "^f[0-9]"'
		expect_status 0
		expect_out "499
base layer
/f1
/f250
/f499
499"
		expect_empty_err
	done
	expect_no_workdir_left
}

test_overlay_500_layers() {
	check_500_layers "$WORK/layers"
}

test_overlay_500_layers_long_paths() {
	local long
	long=$(printf 'n%.0s' {1..100})
	check_500_layers "$WORK/$long"
	local joined
	joined=$(printf '%s:' "${layers[@]}")
	[ "${#joined}" -gt 40000 ] || flunk "joined layer paths only ${#joined} bytes"
}

test_overlay_501_layers_refused() {
	make_layers "$WORK/layers" 500
	local mode before
	before=$(ls -A | grep -vxE 'out|err')
	for mode in "${MOUNT_MODES[@]}"; do
		cfs ${mode:+"$mode"} "$BASE" "${layers[@]}" w -- true
		expect_status 125
		expect_error "500"
		expect_no_file w
	done
	[ "$before" = "$(ls -A | grep -vxE 'out|err')" ] || flunk "refusal left something in \$WORK"
	expect_no_workdir_left
}

# make_deep NAME: NAME/<200 chars>/... about 3950 bytes from /, in $deep.
make_deep() {
	local part
	part=$(printf 'x%.0s' {1..200})
	mkdir "$1" || return
	deep=$(
		cd "$1" || exit
		for _ in $(seq 19); do
			mkdir "$part" && cd "$part" || exit
		done
		part=${part:0:$((3950 - ${#PWD}))}
		mkdir "$part" && cd "$part" && pwd
	)
}

test_overlay_long_paths() {
	local layer writedir mode
	make_deep deep1
	layer=$deep
	make_deep deep2
	writedir=$deep/w
	[ "${#layer}" -gt 3900 ] || flunk "layer path only ${#layer} bytes"
	[ "${#writedir}" -gt 3900 ] || flunk "writedir path only ${#writedir} bytes"
	mkdir -p "$layer/etc"
	echo deep >"$layer/etc/who"
	for mode in "${MOUNT_MODES[@]}"; do
		rm -rf "$writedir"
		cfs ${mode:+"$mode"} "$BASE" "$layer" "$writedir" -- sh -c 'cat /etc/who; echo y >/y'
		expect_status 0
		expect_out deep
		expect_empty_err
		expect_true "write lands in the deep WRITEDIR ($mode)" grep -qx y "$writedir/y"
		expect_no_workdir_left "$deep"
	done
}

# A WRITEDIR path just under PATH_MAX (4086 bytes): valid, so it must
# work, although the managed workdir next to it has a longer path.
test_overlay_writedir_path_near_path_max() {
	local part dir mode
	part=$(printf 'x%.0s' {1..200})
	mkdir deep
	dir=$(
		cd deep || exit
		for _ in $(seq 20); do
			mkdir "$part" && cd "$part" || exit
		done
		pwd
	)
	dir=$dir/${part:0:$((4086 - ${#dir} - 3))}
	mkdir "$dir" || flunk "cannot make the deep directory"
	[ "${#dir}" = 4084 ] || flunk "deep directory is ${#dir} bytes, expected 4084"
	for mode in "${MOUNT_MODES[@]}"; do
		rm -rf "$dir/w"
		cfs ${mode:+"$mode"} "$BASE" "$dir/w" -- sh -c 'echo y >/y'
		expect_status 0
		expect_empty_err
		grep -qsx y "$dir/w/y" || flunk "write not in the 4086-byte WRITEDIR ($mode)"
		expect_no_workdir_left "$dir"
	done
}

# A WRITEDIR that is a filesystem of its own (a tmpfs mounted on it).
test_overlay_writedir_is_a_mount_point() {
	needs_root || return 0 # it mounts on the host
	# overlayfs needs the workdir on WRITEDIR's own mount but outside it:
	# impossible for a mount's root, so it is refused up front, with the
	# fix named, and a subdirectory of the mount works.
	mkdir w
	mount -t tmpfs -o size=4m tmpfs w || flunk "cannot mount tmpfs"
	trap 'umount w; trap - RETURN' RETURN
	local mode
	for mode in "${MOUNT_MODES[@]}"; do
		cfs ${mode:+"$mode"} "$BASE" w -- sh -c 'echo x >>/x'
		expect_status 125
		expect_error "is the root of a mount"
		grep -qF "w/upper" "$WORK/err" || flunk "no hint naming a subdirectory: $(cat "$WORK/err")"
		expect_true "nothing written to the mount ($mode)" [ -z "$(ls -A w)" ]
		expect_no_workdir_left
		mkdir -p w/work
		cfs ${mode:+"$mode"} --overlay-workdir w/work "$BASE" w/upper -- sh -c 'echo x >>/x; cat /etc/motd'
		expect_status 0
		expect_out "base layer"
		expect_empty_err
		expect_true "write landed in the subdirectory ($mode)" [ "$(cat w/upper/x 2>/dev/null)" = x ]
		rm -rf w/upper w/work
	done
}

test_overlay_managed_workdir() {
	local mode ino pid
	for mode in "${MOUNT_MODES[@]}"; do
		rm -rf w
		mkdir w
		ino=$(stat -c %i w)
		"$CFS" ${mode:+"$mode"} "$BASE" w -- sh -c 'ls -a / >/seen; echo >/running; sleep 1' \
			</dev/null >bg.out 2>bg.err &
		pid=$!
		wait_for w/running
		[ -d ".container-fs-work.$ino" ] ||
			flunk "no .container-fs-work.$ino next to WRITEDIR while running ($mode): $(ls -A)"
		wait "$pid"
		status=$?
		expect_status 0
		[ ! -s bg.err ] || flunk "stderr: $(cat bg.err)"
		expect_no_file ".container-fs-work.$ino"
		! grep -q container-fs-work w/seen || flunk "the container sees the workdir"
		! ls -A w | grep -q container-fs-work || flunk "workdir inside WRITEDIR"
	done
	# One left behind by a killed run is reused, then removed.
	mkdir -p ".container-fs-work.$ino/work/stale"
	cfs "$BASE" w -- echo ok
	expect_status 0
	expect_out ok
	expect_no_workdir_left
}

test_overlay_workdir_option() {
	local mode
	mkdir wd
	for mode in "${MOUNT_MODES[@]}"; do
		cfs ${mode:+"$mode"} --overlay-workdir wd "$BASE" w -- sh -c 'cat /etc/motd; echo x >>/x'
		expect_status 0
		expect_out "base layer"
		expect_empty_err
		[ -d wd ] || flunk "--overlay-workdir wd was removed ($mode)"
		expect_no_workdir_left
	done
	expect_true "both runs wrote to w" [ "$(cat w/x)" = "x
x" ]
}

test_overlay_failed_mount_leaves_no_trace() {
	needs_root || return 0 # it mounts on the host
	# A workdir on another filesystem: overlayfs refuses the mount.
	mkdir other
	mount -t tmpfs -o size=1m tmpfs other || flunk "cannot mount tmpfs"
	trap 'umount other; trap - RETURN' RETURN
	mkdir other/wd kept
	echo keep >kept/file
	local mode
	for mode in "${MOUNT_MODES[@]}"; do
		cfs ${mode:+"$mode"} --overlay-workdir other/wd "$BASE" w -- touch /x
		expect_status 125
		expect_error "not on the same mount"
		expect_no_file w
		cfs ${mode:+"$mode"} --overlay-workdir other/wd "$BASE" kept -- touch /x
		expect_status 125
		expect_true "existing WRITEDIR kept ($mode)" grep -qx keep kept/file
		expect_no_file kept/x
	done
	expect_no_workdir_left
}

test_overlay_writes_land_in_writedir() {
	mkdir -p top/etc
	echo orig >top/etc/conf
	local mode top_before base_before
	top_before=$(tree_digest top)
	base_before=$(tree_digest "$BASE")
	for mode in "${MOUNT_MODES[@]}"; do
		rm -rf w
		cfs ${mode:+"$mode"} "$BASE" top w -- sh -c 'echo x >/new; mkdir -p /d/e; echo changed >/etc/conf; echo more >>/etc/motd; ln -s /new /link; chmod 600 /bin/busybox'
		expect_status 0
		expect_empty_err
		expect_true "new file in WRITEDIR ($mode)" grep -qx x w/new
		expect_true "new directory in WRITEDIR ($mode)" [ -d w/d/e ]
		expect_true "changed layer file copied up ($mode)" grep -qx changed w/etc/conf
		expect_true "appended base file copied up ($mode)" [ "$(cat w/etc/motd)" = "base layer
more" ]
		expect_true "symlink in WRITEDIR ($mode)" [ "$(readlink w/link)" = /new ]
		expect_true "chmod copied up ($mode)" [ "$(stat -c %a w/bin/busybox)" = 600 ]
		[ "$top_before" = "$(tree_digest top)" ] || flunk "layer top changed ($mode)"
		[ "$base_before" = "$(tree_digest "$BASE")" ] || flunk "\$BASE changed ($mode)"
	done
	expect_no_workdir_left
}

test_overlay_deletion_is_whiteout() {
	mkdir -p top/etc top/data/sub
	echo conf >top/etc/conf
	echo f >top/data/sub/f
	local mode top_before base_before
	top_before=$(tree_digest top)
	base_before=$(tree_digest "$BASE")
	for mode in "${MOUNT_MODES[@]}"; do
		rm -rf w
		cfs ${mode:+"$mode"} "$BASE" top w -- sh -c 'rm /etc/motd /etc/conf && rm -r /data'
		expect_status 0
		expect_empty_err
		expect_whiteout w/etc/motd
		expect_whiteout w/etc/conf
		expect_whiteout w/data
		# Still deleted in a second run.
		cfs ${mode:+"$mode"} "$BASE" top w -- sh -c 'ls /etc /; [ ! -e /etc/motd ] && [ ! -e /etc/conf ] && [ ! -e /data ] && echo gone'
		expect_status 0
		expect_out_has gone
		expect_out_lacks motd
		expect_out_lacks data
		# A file made again over a whiteout is back.
		cfs ${mode:+"$mode"} "$BASE" top w -- sh -c 'echo again >/etc/motd'
		cfs ${mode:+"$mode"} "$BASE" top w -- cat /etc/motd
		expect_out again
		[ "$top_before" = "$(tree_digest top)" ] || flunk "layer top changed ($mode)"
		[ "$base_before" = "$(tree_digest "$BASE")" ] || flunk "\$BASE changed ($mode)"
	done
	expect_no_workdir_left
}

test_overlay_second_run_sees_first() {
	cfs "$BASE" w -- sh -c 'echo 1 >/counter; mkdir /state; echo s >/state/f'
	expect_status 0
	# The other mount path on the same WRITEDIR.
	cfs --legacy-mount "$BASE" w -- sh -c 'cat /state/f; echo 2 >>/counter'
	expect_status 0
	expect_out s
	cfs "$BASE" w -- cat /counter
	expect_status 0
	expect_out "1
2"
	expect_no_workdir_left
}

test_overlay_mount_points_created_in_writedir() {
	# A layer with no /proc, /dev or /sys: a static busybox and probe.
	mkdir -p image/bin
	cp "$BASE/bin/busybox" image/bin/busybox
	cp -a "$HELPERS/." image/
	local mode digest
	digest=$(tree_digest image)
	for mode in "${MOUNT_MODES[@]}"; do
		rm -rf w
		cfs ${mode:+"$mode"} image w -- /bin/busybox sh -c '/bin/busybox cat /proc/1/comm; /bin/busybox ls /dev/null /sys/kernel >/dev/null && echo mounted'
		expect_status 0
		expect_out "busybox
mounted"
		expect_empty_err
		local d
		for d in proc dev sys; do
			expect_true "w/$d made in WRITEDIR ($mode)" [ -d "w/$d" ]
			expect_no_file "image/$d"
		done
		[ "$digest" = "$(tree_digest image)" ] || flunk "the layer changed ($mode)"
		# Again, with the mount points already in WRITEDIR.
		cfs ${mode:+"$mode"} image w -- /usr/bin/probe fds
		expect_status 0
	done
	expect_no_workdir_left
}

test_overlay_writedir_in_use() {
	local pid ino mode
	"$CFS" "$BASE" w -- sh -c 'echo >/started; sleep 3; echo after >/after; echo first-done; exit 7' \
		</dev/null >first.out 2>first.err &
	pid=$!
	wait_for w/started
	ino=$(stat -c %i w)
	for mode in "${MOUNT_MODES[@]}"; do
		for spelling in w w/ "$WORK/./w" "$WORK/../${WORK##*/}/w"; do
			cfs ${mode:+"$mode"} "$BASE" "$spelling" -- sh -c 'echo second >/second'
			expect_status 125
			expect_error "in use by another container-fs"
		done
	done
	expect_no_file w/second
	[ -d ".container-fs-work.$ino" ] || flunk "a refused run removed the running one's workdir"
	kill -0 "$pid" 2>/dev/null || flunk "the first container-fs stopped"
	wait "$pid"
	status=$?
	expect_status 7
	expect_true "first ran on: its output" [ "$(cat first.out)" = first-done ]
	[ ! -s first.err ] || flunk "first stderr: $(cat first.err)"
	expect_true "first wrote after the refusals" grep -qx after w/after
	expect_no_workdir_left
	# Free again once the first is done.
	cfs "$BASE" w -- cat /after
	expect_status 0
	expect_out after
}

test_overlay_writedir_on_read_only_fs() {
	needs_root || return 0 # it mounts on the host
	mkdir ro
	mount -t tmpfs -o size=1m tmpfs ro || flunk "cannot mount tmpfs"
	trap 'umount ro; trap - RETURN' RETURN
	mkdir ro/w
	mount -o remount,ro ro || flunk "cannot remount read-only"
	local mode
	for mode in "${MOUNT_MODES[@]}"; do
		cfs ${mode:+"$mode"} "$BASE" ro/new -- true
		expect_status 125
		expect_error "Read-only file system"
		cfs ${mode:+"$mode"} "$BASE" ro/w -- true
		expect_status 125
		expect_error "Read-only file system"
	done
	expect_true "nothing added on the read-only fs" [ "$(ls -A ro)" = w ]
	expect_no_workdir_left ro
	# A read-only bind mount of a writable filesystem.
	mkdir src rob
	mkdir src/w
	mount --bind src rob && mount -o remount,bind,ro rob || flunk "cannot make a read-only bind mount"
	for mode in "${MOUNT_MODES[@]}"; do
		cfs ${mode:+"$mode"} "$BASE" rob/new -- true
		expect_status 125
		expect_error "Read-only file system"
		cfs ${mode:+"$mode"} "$BASE" rob/w -- true
		expect_status 125
		expect_error "Read-only file system"
	done
	umount rob
	expect_true "nothing added under the bind mount" [ "$(ls -A src)" = w ]
	expect_no_workdir_left src
}

test_overlay_writedir_on_overlayfs() {
	needs_root || return 0 # it mounts on the host
	mkdir lower upper work ov
	mount -t overlay overlay -o lowerdir=lower,upperdir=upper,workdir=work ov ||
		flunk "cannot mount an overlay"
	trap 'umount ov; trap - RETURN' RETURN
	local mode
	for mode in "${MOUNT_MODES[@]}"; do
		cfs ${mode:+"$mode"} "$BASE" ov/w -- true
		expect_status 125
		expect_error "overlay"
		expect_no_file ov/w
	done
	mkdir ov/w
	for mode in "${MOUNT_MODES[@]}"; do
		cfs ${mode:+"$mode"} "$BASE" ov/w -- touch /x
		expect_status 125
		expect_error "overlay"
		expect_no_file ov/w/x
	done
	expect_true "nothing added on the overlay" [ "$(ls -A ov)" = w ]
	expect_no_workdir_left ov
}

test_overlay_no_workdir_left_after_any_end() {
	local mode
	for mode in "${MOUNT_MODES[@]}"; do
		cfs ${mode:+"$mode"} "$BASE" w -- false
		expect_status 1
		expect_no_workdir_left
		cfs ${mode:+"$mode"} "$BASE" w -- nosuchcommand
		expect_status 127
		expect_no_workdir_left
		cfs ${mode:+"$mode"} "$BASE" w -- /etc/motd
		expect_status 126
		expect_no_workdir_left
		cfs ${mode:+"$mode"} "$BASE" "$HELPERS" w -- probe segv
		expect_status 139
		expect_no_workdir_left
	done
}

test_overlay_unknown_marks_kind_refused() {
	# WRITEDIR's user.container-fs.overlay-marks says where overlayfs
	# keeps its marks; a value we do not know is refused, not guessed.
	mkdir upper
	"$HELPERS/usr/bin/probe" set-xattr upper user.container-fs.overlay-marks elsewhere || flunk "cannot set the xattr"
	local before
	before=$(tree_digest upper)
	cfs "$BASE" upper -- true
	expect_status 125
	expect_error "container-fs: writedir: $WORK/upper: unknown user.container-fs.overlay-marks \"elsewhere\""
	expect_true "WRITEDIR changed" [ "$(tree_digest upper)" = "$before" ]
}

test_overlay_older_kernels_fall_back_to_mount() {
	needs_root || return 0 # strace of a setuid helper would drop it
	command -v strace >/dev/null || { skip_test "needs strace"; return 0; }
	# Before Linux 6.5 (the lab's Ubuntu 22.04 runs 5.15) overlayfs's
	# fsconfig context is a "legacy" one: it takes any key, "lowerdir+"
	# too, and only the final mount refuses it. strace makes fsconfig
	# take the probe key (the second fsconfig: after "source") as such
	# a kernel would: container-fs must mount with mount(2) instead.
	mkdir app && echo app >app/f
	# (LeakSanitizer cannot stop a traced process: no leak check here.)
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	strace -f -qq -o trace -e trace=fsconfig,mount \
		-e inject=fsconfig:retval=0:when=2 \
		"$CFS" "$BASE" app w -- cat /f </dev/null >out 2>err
	status=$?
	expect_status 0
	expect_out app
	grep -q 'container-fs-probe.*INJECTED' trace || flunk "no probe: $(grep fsconfig trace)"
	grep -q 'mount("overlay", "/", "overlay"' trace || flunk "no mount(2): $(tail -3 trace)"
	# And the same again where the kernel is what it is: fsconfig alone.
	strace -f -qq -o trace2 -e trace=fsconfig,mount "$CFS" "$BASE" app w -- cat /f </dev/null >out 2>err
	expect_out app
	expect_true "mount(2) without need" [ -z "$(grep 'mount("overlay"' trace2)" ]
}
