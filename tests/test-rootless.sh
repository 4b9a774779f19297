# tests/test-rootless.sh - containers without root: the user namespace, who
# owns what on the host, whiteouts with userxattr, and the refusals. In the
# root pass these run as $ROOTLESS_USER through runuser; in the rootless
# pass (tests/run) they run as that user directly.

test_rootless_runs_as_root_inside() {
	rootless_setup
	cfs_as_user "$USER_BASE" "$WORK/home/upper" -- sh -c 'id -u; cat /proc/self/uid_map; grep CapEff /proc/self/status'
	expect_status 0
	local uid
	uid=$(id -u "$ROOTLESS_USER")
	expect_out_has 0
	expect_true "uid_map lacks the caller: $(cat out)" grep -Eq "^ +0 +$uid +[0-9]+" out
	expect_out_has "CapEff:	00000000a80425fb"
}

test_rootless_files_owned_by_caller() {
	rootless_setup
	cfs_as_user "$USER_BASE" "$WORK/home/upper" -- sh -c 'echo data >/made; mkdir -p /dir/sub; echo x >/dir/sub/f'
	expect_status 0
	local owner
	owner="$ROOTLESS_USER:$(id -gn "$ROOTLESS_USER")"
	for path in home/upper/made home/upper/dir home/upper/dir/sub/f; do
		expect_true "$path is $(stat -c %U:%G "$path"), not $owner" [ "$(stat -c %U:%G "$path")" = "$owner" ]
	done
}

test_rootless_whiteouts_persist() {
	rootless_setup
	mkdir -p home/app/data
	echo a >home/app/data/a
	echo b >home/app/data/b
	[ "$ROOTLESS" = 1 ] || chown -R "$ROOTLESS_USER:" home/app
	local before
	before=$(tree_digest home/app)
	cfs_as_user "$USER_BASE" "$WORK/home/app" "$WORK/home/upper" -- sh -c 'rm /etc/motd && rm -rf /data && mkdir /data && echo c >/data/c'
	expect_status 0
	expect_true "no whiteout for /etc/motd" [ -c home/upper/etc/motd ]
	# A later rootless run sees the deletion and only the new /data.
	cfs_as_user "$USER_BASE" "$WORK/home/app" "$WORK/home/upper" -- sh -c 'ls /etc/motd 2>&1; ls /data'
	expect_status 0
	expect_out_has "No such file or directory"
	expect_true "/data is not just c: $(cat out)" [ "$(tail -1 out)" = c ]
	expect_true "layer changed" [ "$(tree_digest home/app)" = "$before" ]
	expect_file home/base/etc/motd
}

# An app layer with /data/a and /data/b, owned by the user.
make_data_layer() {
	mkdir -p home/app/data
	echo a >home/app/data/a
	echo b >home/app/data/b
	[ "$ROOTLESS" = 1 ] || chown -R "$ROOTLESS_USER:" home/app
}

test_rootless_writedir_then_sudo_keeps_deleted_directories() {
	# A directory deleted and made again is marked opaque with a
	# user.overlay.* xattr without root; root must read the same marks,
	# or the layer's /data/a and /data/b come back under sudo.
	needs_root || return 0 # the second run is root's
	rootless_setup
	make_data_layer
	cfs_as_user "$USER_BASE" "$WORK/home/app" "$WORK/home/upper" -- sh -c 'rm -rf /data && mkdir /data && echo c >/data/c'
	expect_status 0
	cfs "$USER_BASE" home/app home/upper -- sh -c 'ls /data; mkdir /more && rm -rf /data && mkdir /data && echo d >/data/d'
	expect_status 0
	expect_out c
	# Root wrote its marks the same way: the user still sees them.
	cfs_as_user "$USER_BASE" "$WORK/home/app" "$WORK/home/upper" -- ls /data
	expect_status 0
	expect_out d
}

test_rootless_refuses_writedir_marked_by_root() {
	# The other way round the user cannot read root's trusted.* marks:
	# refused with a clear message, not a view with deleted files back.
	needs_root || return 0 # the first run is root's
	rootless_setup
	make_data_layer
	cfs "$USER_BASE" home/app home/upper -- sh -c 'rm -rf /data && mkdir /data && echo c >/data/c'
	expect_status 0
	chown -R "$ROOTLESS_USER:" home/upper
	local before
	before=$(tree_digest home/upper)
	cfs_as_user "$USER_BASE" "$WORK/home/app" "$WORK/home/upper" -- ls /data
	expect_status 125
	expect_error "container-fs: writedir: $WORK/home/upper was written by container-fs as root"
	expect_true "WRITEDIR changed by the refused run" [ "$(tree_digest home/upper)" = "$before" ]
	# Root still reads them.
	cfs "$USER_BASE" home/app home/upper -- ls /data
	expect_status 0
	expect_out c
}

test_rootless_cannot_change_a_layer() {
	rootless_setup
	# A layer the user may read but not write (root's, or read-only).
	mkdir -p layer/etc
	echo original >layer/etc/config
	chmod -R a-w layer
	chmod 755 layer
	local before
	before=$(tree_digest layer)
	cfs_as_user "$USER_BASE" "$WORK/layer" "$WORK/home/upper" -- sh -c 'echo changed >>/etc/config; rm -f /etc/config; echo new >/etc/config; cat /etc/config'
	expect_true "layer changed" [ "$(tree_digest layer)" = "$before" ]
	expect_true "layer content changed" [ "$(cat layer/etc/config)" = original ]
	# The workdir overlayfs left with mode 0 entries is gone all the same.
	expect_true "workdir left: $(ls -A home)" [ -z "$(compgen -G "home/.container-fs-work.*")" ]
	chmod -R u+w layer home/upper 2>/dev/null # for the cleanup
}

test_rootless_host_processes_invisible() {
	rootless_setup
	as_user sleep 30 &
	local host_pid=$!
	cfs_as_user "$USER_BASE" "$WORK/home/upper" -- sh -c "kill -0 $host_pid 2>&1; kill -9 $host_pid 2>&1; ps -A -o pid,comm | grep -c sleep; exit 0"
	expect_status 0
	expect_true "host process signalled or visible: $(cat out)" kill -0 "$host_pid"
	expect_out_has "No such process"
	expect_true "ps shows host processes: $(cat out)" [ "$(tail -1 out)" = 0 ]
	kill "$host_pid"
	wait "$host_pid" 2>/dev/null
}

test_rootless_refuses_unreadable_layer_and_unwritable_writedir() {
	rootless_setup
	mkdir -p closed/etc open-only
	if [ "$ROOTLESS" = 1 ]; then
		chmod 000 closed
	else
		chmod 700 closed # root's, not the user's
	fi
	cfs_as_user "$USER_BASE" "$WORK/closed" "$WORK/home/upper" -- true
	expect_status 125
	expect_error "closed: Permission denied"
	expect_no_file home/upper
	chmod 755 closed
	# A WRITEDIR (and its parent) the user may not write.
	chmod 555 open-only
	cfs_as_user "$USER_BASE" "$WORK/open-only/upper" -- true
	expect_status 125
	expect_error "Permission denied"
	expect_no_file open-only/upper
	chmod 755 open-only
}

test_rootless_no_userns_needs_root() {
	rootless_setup
	cfs_as_user --no-userns "$USER_BASE" "$WORK/home/upper" -- true
	expect_status 125
	expect_error "--no-userns needs root"
	expect_no_file home/upper
}

# try_sysctl NAME VALUE: sets it if this machine lets us, remembering the
# old value in $restore; fails when it cannot.
try_sysctl() {
	[ -e "/proc/sys/${1//.//}" ] || return 1
	restore="$1=$(sysctl -n "$1")"
	sysctl -qw "$1=$2" 2>/dev/null
}

test_rootless_refuses_when_user_namespaces_are_off() {
	rootless_setup
	# user.max_user_namespaces=0, simulated where any user may: in a user
	# namespace of our own, whose limit we set, container-fs --userns
	# cannot make the next one.
	as_user unshare -Ur sh -c 'echo 0 >/proc/sys/user/max_user_namespaces && exec "$0" --userns "$@"' \
		"$USER_CFS" "$USER_BASE" "$WORK/home/upper" -- true </dev/null >out 2>err
	status=$?
	expect_status 125
	expect_error "user.max_user_namespaces=0"
	expect_no_file home/upper
	# The real switches, where this kernel has them and lets root change
	# them (a container host may not): user.max_user_namespaces, Debian's
	# switch, and Ubuntu 24.04's AppArmor restriction.
	[ "$ROOTLESS" = 0 ] || return 0
	local restore
	if try_sysctl user.max_user_namespaces 0; then
		cfs_as_user "$USER_BASE" "$WORK/home/upper" -- true
		sysctl -qw "$restore"
		expect_status 125
		expect_error "user.max_user_namespaces"
		expect_no_file home/upper
	fi
	if try_sysctl kernel.unprivileged_userns_clone 0; then
		cfs_as_user "$USER_BASE" "$WORK/home/upper" -- true
		sysctl -qw "$restore"
		expect_status 125
		expect_error "kernel.unprivileged_userns_clone"
	fi
	if try_sysctl kernel.apparmor_restrict_unprivileged_userns 1; then
		cfs_as_user "$USER_BASE" "$WORK/home/upper" -- true
		sysctl -qw "$restore"
		expect_status 125
		expect_error "apparmor_restrict_unprivileged_userns"
	fi
	# With them back, it works.
	cfs_as_user "$USER_BASE" "$WORK/home/upper" -- true
	expect_status 0
}

# block_of FILE: the host id the container's root maps to, from a
# uid_map FILE whose first line is "0 BASE 65536".
block_of() {
	awk 'NR == 1 && $1 == 0 && $3 == 65536 {print $2}' "$1"
}

test_rootless_userns_option_as_root() {
	# --userns as root maps the container to a block of unprivileged host
	# ids: its root owns nothing on the host, yet the layers (host
	# root's) still look root's inside, through idmapped mounts.
	needs_root || return 0 # --userns as root
	cfs --userns "$BASE" upper -- sh -c 'cat /proc/self/uid_map; ls -ln /bin/busybox; touch /etc/motd && echo touched; echo data >/made; cp /bin/busybox /suid && chmod 4755 /suid; rm /etc/hostname; echo ok'
	expect_status 0
	expect_empty_err
	local base
	base=$(block_of out)
	expect_true "uid_map is not '0 BASE 65536': $(cat out)" [ "${base:-0}" -gt 0 ]
	expect_true "busybox is not root's inside: $(cat out)" grep -Eq '^-rwxr-xr-x +1 0 +0 ' out
	expect_out_has touched
	expect_out_has ok
	# On the host everything it wrote is the block's, not root's.
	local path
	for path in upper/made upper/etc/motd upper/suid; do
		expect_true "$path is $(stat -c %u:%g "$path"), not $base:$base" [ "$(stat -c %u:%g "$path")" = "$base:$base" ]
	done
	expect_true "setuid bit gone: $(stat -c %a upper/suid)" [ "$(stat -c %a upper/suid)" = 4755 ]
	expect_true "no whiteout" [ -c upper/etc/hostname ]
	# WRITEDIR is root's and private again at rest.
	expect_true "WRITEDIR is $(stat -c %u:%a upper)" [ "$(stat -c %u:%a upper)" = 0:700 ]
	# A second run: the same block, and the first run's files are root's.
	cfs --userns "$BASE" upper -- sh -c 'cat /proc/self/uid_map; ls -ln /made /suid; ls /etc/hostname 2>&1; exit 0'
	expect_status 0
	expect_true "another block: $(cat out)" [ "$(block_of out)" = "$base" ]
	expect_true "/made is not root's: $(cat out)" grep -Eq '^-rw-r--r-- +1 0 +0 .* /made$' out
	expect_true "/suid is not root's: $(cat out)" grep -Eq '^-rwsr-xr-x +1 0 +0 .* /suid$' out
	expect_out_has "No such file or directory"
}

test_rootless_userns_writedir_keeps_its_block() {
	# A WRITEDIR an earlier --userns wrote belongs to its block: a later
	# root run maps it again without being asked, --no-userns is refused,
	# and --userns refuses a WRITEDIR root wrote without it.
	needs_root || return 0
	cfs --userns "$BASE" w -- sh -c 'cat /proc/self/uid_map; echo x >/x'
	expect_status 0
	local base
	base=$(block_of out)
	cfs "$BASE" w -- sh -c 'cat /proc/self/uid_map; ls -ln /x'
	expect_status 0
	expect_true "plain run not in the block $base: $(cat out)" [ "$(block_of out)" = "$base" ]
	expect_true "/x is not root's: $(cat out)" grep -Eq '^-rw-r--r-- +1 0 +0 .* /x$' out
	cfs --no-userns "$BASE" w -- true
	expect_status 125
	expect_error "belongs to the container ids of an earlier --userns"
	cfs "$BASE" plain -- sh -c 'echo root >/r'
	expect_status 0
	cfs --userns "$BASE" plain -- cat /r
	expect_status 125
	expect_error "was written without --userns"
}

test_rootless_userns_block_from_roots_subuid() {
	# root's own entries in /etc/subuid and /etc/subgid give the block.
	needs_root || return 0
	if grep -q '^root:' /etc/subuid /etc/subgid; then
		skip_test "root already has subordinate ids here"
		return 0
	fi
	echo 'root:3014656:65536' >>/etc/subuid
	echo 'root:3080192:65536' >>/etc/subgid
	cfs --userns "$BASE" w -- sh -c 'cat /proc/self/uid_map /proc/self/gid_map; echo x >/x'
	sed -i '/^root:3014656:65536$/d' /etc/subuid
	sed -i '/^root:3080192:65536$/d' /etc/subgid
	expect_status 0
	expect_true "uid_map: $(cat out)" grep -Eq '^ +0 +3014656 +65536$' out
	expect_true "gid_map: $(cat out)" grep -Eq '^ +0 +3080192 +65536$' out
	expect_true "/x is $(stat -c %u:%g w/x)" [ "$(stat -c %u:%g w/x)" = 3014656:3080192 ]
}

test_rootless_userns_record_read_strictly() {
	# The block lives in trusted.overlay.container-fs, out of the
	# container's reach; even so, anything but exactly what a run writes
	# is refused, never half-read.
	needs_root || return 0
	local value
	for value in '1 userns=0:0:65536' '1 userns=0524288:524288:65536' \
		'1 userns=524288:524288:65535' '1  userns=524288:524288:65536' \
		'1 userns=524288:524288:65536 ' '1 userns=+524288:524288:65536' \
		'1 userns=524288:524288' '2'; do
		rm -rf w
		mkdir -m 700 w
		"$HELPERS/usr/bin/probe" set-xattr w trusted.overlay.container-fs "$value"
		cfs "$BASE" w -- true
		expect_status 125
		expect_error "unknown trusted.overlay.container-fs"
	done
	rm -rf w
	mkdir -m 700 w
	"$HELPERS/usr/bin/probe" set-xattr w trusted.overlay.container-fs '1 userns=524288:589824:65536'
	cfs "$BASE" w -- cat /proc/self/uid_map /proc/self/gid_map
	expect_status 0
	expect_true "uid_map: $(cat out)" grep -Eq '^ +0 +524288 +65536$' out
	expect_true "gid_map: $(cat out)" grep -Eq '^ +0 +589824 +65536$' out
}

test_rootless_userns_legacy_mount_as_root() {
	# The same with mount(2), as on kernels before 6.8.
	needs_root || return 0
	cfs --legacy-mount --userns "$BASE" w -- sh -c 'cat /proc/self/uid_map; ls -ln /bin/busybox; touch /etc/motd && echo touched'
	expect_status 0
	local base
	base=$(block_of out)
	expect_true "uid_map: $(cat out)" [ -n "$base" ]
	expect_true "busybox is not root's inside: $(cat out)" grep -Eq '^-rwxr-xr-x +1 0 +0 ' out
	expect_out_has touched
	expect_true "motd is $(stat -c %u w/etc/motd)" [ "$(stat -c %u w/etc/motd)" = "$base" ]
}

test_rootless_userns_refused_where_layers_cannot_be_idmapped() {
	# A layer whose filesystem cannot be idmapped (ramfs; on kernels
	# before 5.19 overlayfs refuses idmapped layers the same way): one
	# clear line, nothing left behind. In a mount namespace of our own,
	# so the ramfs never appears on the host.
	needs_root || return 0
	mkdir layer
	run_here unshare -m sh -c 'mount --make-rprivate / && mount -t ramfs none layer && cp -a "$1/." layer/ && exec "$2" --userns layer w -- true' sh "$BASE" "$CFS"
	expect_status 125
	expect_error "5.19"
	expect_no_file w
}

test_rootless_subordinate_ids() {
	# With newuidmap/newgidmap (package uidmap) and ranges in /etc/subuid
	# and /etc/subgid, ids 1..65536 inside map to the user's range.
	[ -x /usr/bin/newuidmap ] && [ -x /usr/bin/newgidmap ] || {
		skip_test "newuidmap is not installed"
		return 0
	}
	rootless_setup
	local start
	start=$(awk -F: -v u="$ROOTLESS_USER" '$1 == u {print $2; exit}' /etc/subuid)
	[ -n "$start" ] || {
		skip_test "$ROOTLESS_USER has no range in /etc/subuid"
		return 0
	}
	cfs_as_user "$USER_BASE" "$WORK/home/upper" -- sh -c 'wc -l </proc/self/uid_map; touch /owned && chown 1000:1000 /owned && echo chowned'
	expect_status 0
	expect_out "$(printf '2\nchowned')"
	expect_true "/owned is $(stat -c %u home/upper/owned), not $((start + 999))" \
		[ "$(stat -c %u home/upper/owned)" = $((start + 999)) ]
}

test_rootless_single_id_without_ranges() {
	needs_root || return 0 # adds a user
	# A user with no subordinate range gets one mapping: itself as root.
	local user=cfs-single
	id "$user" >/dev/null 2>&1 || useradd "$user" || flunk "cannot add $user"
	sed -i "/^$user:/d" /etc/subuid /etc/subgid 2>/dev/null
	ROOTLESS_USER=$user rootless_setup
	ROOTLESS_USER=$user cfs_as_user "$USER_BASE" "$WORK/home/upper" -- sh -c 'cat /proc/self/uid_map; touch /f; chown 1000 /f 2>&1; exit 0'
	expect_status 0
	expect_true "not one mapping: $(cat out)" [ "$(grep -c . out)" = 2 ]
	expect_true "uid_map is not 0 -> $user: $(cat out)" grep -Eq "^ +0 +$(id -u $user) +1$" out
	expect_out_has "Invalid argument"
}

# expect_note: stderr is exactly one line, container-fs's note that only
# the caller's own id is mapped, naming --single-id.
expect_note() {
	local lines
	lines=$(wc -l <"$WORK/err")
	[ "$lines" = 1 ] || flunk "stderr has $lines lines, expected the note: $(cat "$WORK/err")"
	grep -q '^container-fs: note: .*--single-id' "$WORK/err" ||
		flunk "no note naming --single-id: $(cat "$WORK/err")"
}

test_rootless_inside_unshare_root() {
	# Root of a user namespace (unshare -r: a CI job without root, or a
	# container inside a rootless container) is not the host's root: it
	# runs as a user does, mapping the ids its namespace has.
	rootless_setup
	local uid
	uid=$(id -u "$ROOTLESS_USER")
	run_as_user unshare -r "$USER_CFS" "$USER_BASE" "$WORK/home/upper" -- sh -c 'id -u; cat /proc/self/uid_map; echo made >/made'
	expect_status 0
	expect_empty_err
	expect_true "not root inside: $(cat out)" [ "$(head -1 out)" = 0 ]
	expect_true "uid_map is not '0 0 1': $(cat out)" grep -Eq '^ +0 +0 +1$' out
	expect_true "/made is uid $(stat -c %u home/upper/made 2>&1), not $uid" [ "$(stat -c %u home/upper/made)" = "$uid" ]
	run_as_user unshare -r "$USER_CFS" --userns "$USER_BASE" "$WORK/home/upper" -- cat /made
	expect_status 0
	expect_out made
	[ "$ROOTLESS" = 0 ] || return 0
	# Root's own unshare -r: the namespace has only its id 0.
	run_here unshare -r "$CFS" "$BASE" w -- sh -c 'id -u; cat /proc/self/uid_map; echo made >/made; rm /etc/motd'
	expect_status 0
	expect_empty_err
	expect_true "uid_map is not '0 0 1': $(cat out)" grep -Eq '^ +0 +0 +1$' out
	expect_true "/made is not root's" [ "$(stat -c %u w/made)" = 0 ]
	expect_true "no whiteout (user.* marks)" [ -c w/etc/motd ]
	run_here unshare -r "$CFS" --userns "$BASE" w -- sh -c 'cat /made; ls /etc/motd 2>&1; exit 0'
	expect_status 0
	expect_out_has made
	expect_out_has "No such file or directory"
}

test_rootless_inside_unshare_map_current_user() {
	# unshare --map-current-user: ourselves, without any capability, in
	# a namespace that has only our own id (and, with --net, a network
	# namespace of its own): only that id can be mapped. As root too.
	rootless_setup
	local uid
	uid=$(id -u "$ROOTLESS_USER")
	run_as_user unshare --map-current-user --net "$USER_CFS" "$USER_BASE" "$WORK/home/upper" -- sh -c 'id -u; cat /proc/self/uid_map; echo made >/made'
	expect_status 0
	# newuidmap cannot map subordinate ids into this namespace (it has
	# no power in it): only our own id, and a note saying so.
	if has_subordinate_ids; then expect_note; else expect_empty_err; fi
	expect_true "not root inside: $(cat out)" [ "$(head -1 out)" = 0 ]
	expect_true "uid_map is not '0 $uid 1': $(cat out)" grep -Eq "^ +0 +$uid +1\$" out
	expect_true "not one id: $(cat out)" [ "$(grep -c . out)" = 2 ]
	expect_true "/made is uid $(stat -c %u home/upper/made 2>&1), not $uid" [ "$(stat -c %u home/upper/made)" = "$uid" ]
	[ "$ROOTLESS" = 0 ] || return 0
	run_here unshare --map-current-user --net "$CFS" "$BASE" w -- sh -c 'id -u; cat /proc/self/uid_map; echo made >/made'
	expect_status 0
	expect_empty_err
	expect_true "uid_map is not '0 0 1': $(cat out)" grep -Eq '^ +0 +0 +1$' out
	expect_true "/made is not root's" [ "$(stat -c %u w/made)" = 0 ]
}

test_rootless_single_id_option() {
	# --single-id: bubblewrap's way, only the caller's own id is mapped,
	# even with subordinate ranges; no note, since it was asked for.
	rootless_setup
	local uid
	uid=$(id -u "$ROOTLESS_USER")
	cfs_as_user --single-id "$USER_BASE" "$WORK/home/upper" -- sh -c 'cat /proc/self/uid_map; touch /f; chown 1000 /f 2>&1; exit 0'
	expect_status 0
	expect_empty_err
	expect_true "uid_map is not '0 $uid 1': $(cat out)" grep -Eq "^ +0 +$uid +1\$" out
	expect_true "not one id: $(cat out)" [ "$(grep -c . out)" = 2 ]
	expect_out_has "Invalid argument"
	# The container maps itself: the caller's own group alone, and only
	# with setgroups denied for good (dropping a group could grant what
	# that group is denied).
	local gid
	gid=$(id -g "$ROOTLESS_USER")
	cfs_as_user --single-id "$USER_BASE" "$WORK/home/upper" -- sh -c 'cat /proc/self/gid_map /proc/self/setgroups; id -G'
	expect_status 0
	expect_true "gid_map is not '0 $gid 1': $(cat out)" grep -Eq "^ +0 +$gid +1\$" out
	expect_true "setgroups is not denied: $(cat out)" grep -qx deny out
	expect_true "groups: $(cat out)" [ "$(tail -1 out)" = 0 ]
	# As root it has no meaning: --userns maps a block of its own.
	[ "$ROOTLESS" = 0 ] || return 0
	cfs --single-id "$BASE" w -- true
	expect_status 125
	expect_error "--single-id is for runs without root"
	expect_no_file w
}

test_rootless_falls_back_to_single_id_when_helpers_are_refused() {
	# In a namespace that has our subordinate ids but not host root,
	# newuidmap is no longer privileged (its owner is unmapped) and the
	# kernel refuses its maps: the container runs with our own id, and
	# one note says so.
	needs_root || return 0 # root makes the namespace
	has_subordinate_ids || {
		skip_test "$ROOTLESS_USER has no subordinate ids"
		return 0
	}
	rootless_setup
	local uid gid start gstart
	uid=$(id -u "$ROOTLESS_USER")
	gid=$(id -g "$ROOTLESS_USER")
	start=$(awk -F: -v u="$ROOTLESS_USER" '$1 == u {print $2; exit}' /etc/subuid)
	gstart=$(awk -F: -v u="$ROOTLESS_USER" '$1 == u {print $2; exit}' /etc/subgid)
	run_here "$HELPERS/usr/bin/probe" userns-as "$uid $uid 1,$start $start 65536" \
		"$gid $gid 1,$gstart $gstart 65536" "$uid" "$gid" \
		"$USER_CFS" "$USER_BASE" "$WORK/home/upper" -- sh -c 'cat /proc/self/uid_map; echo ran'
	expect_status 0
	expect_note
	expect_true "uid_map is not '0 $uid 1': $(cat out)" grep -Eq "^ +0 +$uid +1\$" out
	expect_out_has ran
}

test_rootless_map_helper_failure_names_single_id() {
	# A range newuidmap cannot map (here: one overlapping the user's own
	# id, which the kernel refuses) fails in one line whose hint names
	# --single-id; with it the same user runs.
	needs_root || return 0 # adds a user and its ranges
	[ -x /usr/bin/newuidmap ] || {
		skip_test "newuidmap is not installed"
		return 0
	}
	local user=cfs-badrange uid
	id "$user" >/dev/null 2>&1 || useradd "$user" || flunk "cannot add $user"
	uid=$(id -u "$user")
	sed -i "/^$user:/d" /etc/subuid /etc/subgid
	echo "$user:$uid:65536" >>/etc/subuid
	echo "$user:$(id -g "$user"):65536" >>/etc/subgid
	ROOTLESS_USER=$user rootless_setup
	ROOTLESS_USER=$user cfs_as_user "$USER_BASE" "$WORK/home/upper" -- true
	local failed=$status
	cp err first-err
	ROOTLESS_USER=$user cfs_as_user --single-id "$USER_BASE" "$WORK/home/upper" -- echo ran
	sed -i "/^$user:/d" /etc/subuid /etc/subgid
	expect_status 0
	expect_out ran
	status=$failed
	cp first-err err
	: >out
	expect_status 125
	expect_error "newuidmap"
	expect_error "--single-id"
}

# sigkill_user_run_at_random_moments OPTION...: container-fs run by the
# user with OPTIONs, killed 20 times at moments spread over setup and
# run, as test_lifetime_sigkill_at_random_moments does as root: every
# time the container dies, no lock directory stays, and WRITEDIR is
# reusable. In the root pass the user's container-fs is started with
# setpriv, which execs it (runuser would fork and take the kill itself).
# HOLDER_IDLE (CONTAINER_FS_USERNS_IDLE) for every run; with
# FRESH_HOLDER=1 each run starts the holder, none being left.
sigkill_user_run_at_random_moments() {
	rootless_setup
	local i as=()
	[ "$ROOTLESS" = 1 ] || as=(setpriv --reuid="$(id -u "$ROOTLESS_USER")" \
		--regid="$(id -g "$ROOTLESS_USER")" --clear-groups)
	as+=(env "CONTAINER_FS_USERNS_IDLE=${HOLDER_IDLE:-60}")
	for i in $(seq 20); do
		[ "${FRESH_HOLDER:-0}" = 0 ] || stop_user_holder
		"${as[@]}" "$USER_CFS" "$@" "$USER_BASE" "$WORK/home/upper" -- \
			sh -c "echo $i >>/runs; sleep 7005" </dev/null >/dev/null 2>&1 &
		sigkill_at_random_moment $! "$i"
		wait_gone "sleep 7005"
		expect_no_workdir "$WORK/home"
		[ "${FRESH_HOLDER:-0}" = 0 ] || expect_holder_holds_nothing_of_ours
	done
	run_as_user env "CONTAINER_FS_USERNS_IDLE=${HOLDER_IDLE:-60}" "$USER_CFS" "$@" \
		"$USER_BASE" "$WORK/home/upper" -- sh -c 'echo reused'
	expect_status 0
	expect_out reused
	expect_no_workdir "$WORK/home"
}

test_rootless_sigkill_at_random_moments() {
	# The user's subordinate ids where it has them (newuidmap writes the
	# maps while the container waits).
	sigkill_user_run_at_random_moments
}

test_rootless_single_id_sigkill_at_random_moments() {
	# The container maps its own id and shares container-fs's memory
	# until it execs, as root's does.
	sigkill_user_run_at_random_moments --single-id
}

test_rootless_map_at_launch_sigkill_at_random_moments() {
	# Without the holder (CONTAINER_FS_USERNS_IDLE=0): newuidmap and
	# newgidmap write each run's maps while the container waits.
	has_subordinate_ids || { skip_test "no subordinate ids for $ROOTLESS_USER"; return 0; }
	HOLDER_IDLE=0 sigkill_user_run_at_random_moments
}

test_rootless_sigkill_while_starting_the_holder() {
	# Each run starts the holder and is killed at a random moment of it:
	# what is left is at most a holder with nothing of the run's open,
	# and it goes when idle.
	has_subordinate_ids || { skip_test "no subordinate ids for $ROOTLESS_USER"; return 0; }
	HOLDER_IDLE=1 FRESH_HOLDER=1 sigkill_user_run_at_random_moments
	expect_no_holder_within 10
}

# The user's user namespace holder (userns_holder.c): its pid, if any.
user_holder() {
	pgrep -u "$ROOTLESS_USER" -x cfs-userns
}

expect_no_holder_within() {
	local i
	for i in $(seq $(($1 * 10))); do
		[ -z "$(user_holder)" ] && return 0
		sleep 0.1
	done
	flunk "holder still running after $1 s: $(user_holder)"
}

# stop_user_holder: the next run with ranges starts a new holder.
stop_user_holder() {
	as_user pkill -x cfs-userns
	expect_no_holder_within 10
}

# expect_holder_holds_nothing_of_ours: no holder, or one with nothing
# open but /dev/null, its socket and its namespace, in /, a session
# leader (nothing of a run, no terminal, no directory kept busy).
expect_holder_holds_nothing_of_ours() {
	local holder fds
	holder=$(user_holder)
	[ -n "$holder" ] || return 0
	fds=$(for fd in /proc/"$holder"/fd/*; do readlink "$fd"; done | sed 's/\[.*//' | LC_ALL=C sort | tr '\n' ' ')
	expect_true "holder's fds: $fds" [ "$fds" = "/dev/null /dev/null /dev/null socket: user: " ]
	expect_true "holder's cwd: $(readlink /proc/"$holder"/cwd)" [ "$(readlink /proc/"$holder"/cwd)" = / ]
	expect_true "holder leads no session" [ "$(ps -o sid= -p "$holder" | tr -d ' ')" = "$holder" ]
}

test_rootless_ranges_join_one_held_namespace() {
	# newuidmap and newgidmap run once: the first run with ranges leaves
	# its namespace held, later runs join it with the same maps.
	has_subordinate_ids || { skip_test "no subordinate ids for $ROOTLESS_USER"; return 0; }
	rootless_setup
	stop_user_holder
	cfs_as_user "$USER_BASE" "$WORK/home/upper" -- sh -c 'readlink /proc/self/ns/user; cat /proc/self/uid_map /proc/self/gid_map'
	expect_status 0
	local first holder start
	first=$(head -1 out)
	start=$(awk -F: -v u="$ROOTLESS_USER" '$1 == u {print $2; exit}' /etc/subuid)
	expect_true "uid_map without the range: $(cat out)" grep -Eq "^ +1 +$start +65536" out
	start=$(awk -F: -v u="$ROOTLESS_USER" '$1 == u {print $2; exit}' /etc/subgid)
	expect_true "gid_map without the range: $(cat out)" [ "$(grep -Ec "^ +1 +$start +65536" out)" -ge 1 ]
	holder=$(user_holder)
	expect_true "no holder after a run with ranges" [ -n "$holder" ]
	expect_true "the holder's namespace is not the container's" \
		[ "$(readlink /proc/"$holder"/ns/user)" = "$first" ]
	expect_holder_holds_nothing_of_ours
	cfs_as_user "$USER_BASE" "$WORK/home/upper" -- sh -c 'readlink /proc/self/ns/user; echo x >/made; ls -n /made'
	expect_status 0
	expect_true "second run in another namespace: $(head -1 out) vs $first" [ "$(head -1 out)" = "$first" ]
	expect_out_has " 0 "
	expect_true "another holder" [ "$(user_holder)" = "$holder" ]
	expect_true "/made is $(stat -c %U home/upper/made)" [ "$(stat -c %U home/upper/made)" = "$ROOTLESS_USER" ]
}

test_rootless_holder_keeps_no_pipe_of_the_run() {
	# The run that starts the holder: `| cat` ends with the run, not 60 s
	# later with the holder (which must hold nothing of the run's).
	has_subordinate_ids || { skip_test "no subordinate ids for $ROOTLESS_USER"; return 0; }
	rootless_setup
	stop_user_holder
	run_as_user timeout 10 sh -c "'$USER_CFS' '$USER_BASE' '$WORK/home/upper' -- echo piped | cat"
	expect_status 0
	expect_out piped
	expect_true "no holder started" [ -n "$(user_holder)" ]
}

test_rootless_holder_idle_time() {
	has_subordinate_ids || { skip_test "no subordinate ids for $ROOTLESS_USER"; return 0; }
	rootless_setup
	stop_user_holder
	# 0: no holder, a namespace of its own for every run.
	run_as_user env CONTAINER_FS_USERNS_IDLE=0 "$USER_CFS" "$USER_BASE" "$WORK/home/upper" -- readlink /proc/self/ns/user
	expect_status 0
	local first
	first=$(cat out)
	run_as_user env CONTAINER_FS_USERNS_IDLE=0 "$USER_CFS" "$USER_BASE" "$WORK/home/upper" -- readlink /proc/self/ns/user
	expect_status 0
	expect_true "one namespace for two runs with CONTAINER_FS_USERNS_IDLE=0" [ "$(cat out)" != "$first" ]
	expect_true "a holder with CONTAINER_FS_USERNS_IDLE=0" [ -z "$(user_holder)" ]
	# 3: the holder goes 3 s after its start, having served no run
	# (the run that starts it holds the namespace itself).
	run_as_user env CONTAINER_FS_USERNS_IDLE=3 "$USER_CFS" "$USER_BASE" "$WORK/home/upper" -- true
	expect_status 0
	expect_true "no holder" [ -n "$(user_holder)" ]
	expect_no_holder_within 10
	# Not a number: refused, before anything is made (with or without
	# ranges).
	run_as_user env CONTAINER_FS_USERNS_IDLE=soon "$USER_CFS" --single-id "$USER_BASE" "$WORK/home/new" -- true
	expect_status 125
	expect_true "WRITEDIR made by a refused run" [ ! -e home/new ]
	run_as_user env CONTAINER_FS_USERNS_IDLE=soon "$USER_CFS" "$USER_BASE" "$WORK/home/upper" -- true
	expect_status 125
	expect_error "container-fs: arguments: CONTAINER_FS_USERNS_IDLE (hint: \"soon\" is not a number of seconds from 0 to 86400; 0 keeps no user namespace between runs)"
	expect_true "a holder from a refused run" [ -z "$(user_holder)" ]
}

test_rootless_privileged_containers_get_their_own_namespace() {
	# What could reach other containers' namespaces, or change what the
	# shared one holds for all, does not share it.
	has_subordinate_ids || { skip_test "no subordinate ids for $ROOTLESS_USER"; return 0; }
	rootless_setup
	cfs_as_user "$USER_BASE" "$WORK/home/upper" -- readlink /proc/self/ns/user
	expect_status 0
	local held options
	held=$(cat out)
	for options in --privileged "--cap-add SYS_RESOURCE" "--cap-add SYS_ADMIN" --seccomp=unconfined --unmask; do
		# shellcheck disable=SC2086 # the options are words
		cfs_as_user $options "$USER_BASE" "$WORK/home/upper" -- sh -c 'readlink /proc/self/ns/user; cat /proc/self/uid_map'
		expect_status 0
		expect_true "$options shares the held namespace" [ "$(head -1 out)" != "$held" ]
		expect_true "$options without the ranges: $(cat out)" [ "$(wc -l <out)" = 3 ]
	done
	# Fewer capabilities than Docker's share it.
	cfs_as_user --cap-drop ALL "$USER_BASE" "$WORK/home/upper" -- readlink /proc/self/ns/user
	expect_status 0
	expect_out "$held"
}

test_rootless_holder_name_squatted_by_another_user() {
	# Another user listening on the holder's name first (an abstract
	# socket: anyone may) and handing out its own namespace: the run
	# uses a namespace of its own, maps its ranges, and starts no holder.
	needs_root || return 0
	has_subordinate_ids || { skip_test "no subordinate ids for $ROOTLESS_USER"; return 0; }
	rootless_setup
	stop_user_holder
	local name squatter i
	name="container-fs-userns/1/$(stat -L -c %i /proc/self/ns/user)/$(id -u "$ROOTLESS_USER")"
	name+=":$(awk -F: -v u="$ROOTLESS_USER" '$1 == u {print $2; exit}' /etc/subuid)"
	name+=":$(id -g "$ROOTLESS_USER")"
	name+=":$(awk -F: -v u="$ROOTLESS_USER" '$1 == u {print $2; exit}' /etc/subgid):65536"
	"$HELPERS/usr/bin/probe" squat-abstract "$name" >squatter.out 2>&1 &
	squatter=$!
	for i in $(seq 100); do
		grep -q ready squatter.out && break
		sleep 0.1
	done
	expect_true "squatter not ready: $(cat squatter.out)" grep -q ready squatter.out
	cfs_as_user "$USER_BASE" "$WORK/home/upper" -- sh -c 'readlink /proc/self/ns/user; cat /proc/self/uid_map'
	expect_status 0
	expect_true "the squatter's namespace joined" [ "$(head -1 out)" != "$(readlink /proc/self/ns/user)" ]
	expect_true "without the ranges: $(cat out)" [ "$(wc -l <out)" = 3 ]
	expect_true "a holder started beside the squatter" [ -z "$(user_holder)" ]
	kill "$squatter"
	wait "$squatter" 2>/dev/null
}
