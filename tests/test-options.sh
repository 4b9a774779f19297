# tests/test-options.sh - the run options, Docker's spelling: volumes,
# tmpfs, --rm, --read-only, the environment, -w, -u, --hostname,
# --network, name resolution; their refusals; hostile images against
# each. Root and rootless (tests/run runs each test in both passes).

test_options_volume_directory_and_file() {
	mkdir -p src/sub
	echo from-host >src/sub/file
	echo single >one-file
	cfs -v src:/mnt/vol -v "$WORK/one-file:/etc/single" "$BASE" w -- sh -c 'cat /mnt/vol/sub/file /etc/single; echo written >/mnt/vol/new'
	expect_status 0
	expect_out "$(printf 'from-host\nsingle')"
	expect_true "write did not reach the host" [ "$(cat src/new)" = written ]
	# The mount points were made in WRITEDIR, not in a layer.
	expect_true "no mount point in WRITEDIR" [ -d w/mnt/vol ] && [ -f w/etc/single ]
	expect_no_file "$BASE/mnt/vol"
	expect_true "file mount point not empty" [ ! -s w/etc/single ]
}

test_options_volume_read_only_all_through() {
	needs_root || return 0 # a mount below the source, on the host
	mkdir -p src/inner other
	mount -t tmpfs tmpfs src/inner || flunk "cannot mount tmpfs"
	trap 'umount src/inner; trap - RETURN' RETURN
	cfs -v src:/v:ro "$BASE" w -- sh -c 'touch /v/a 2>&1; touch /v/inner/b 2>&1; exit 0'
	expect_status 0
	expect_true "a write through :ro got in: $(cat out)" [ "$(grep -c 'Read-only file system' out)" = 2 ]
	expect_no_file src/a
	expect_no_file src/inner/b
	# :rw (the default) writes below too: the bind is recursive.
	cfs -v src:/v "$BASE" w -- sh -c 'touch /v/inner/c && echo ok'
	expect_out ok
	expect_file src/inner/c
}

test_options_volume_of_a_shared_mount_stays_private() {
	needs_root || return 0 # a shared mount on the host
	mkdir -p src/sub
	mount --bind src src && mount --make-shared src || flunk "cannot make a shared mount"
	trap 'umount src; trap - RETURN' RETURN
	# A mount made inside (with SYS_ADMIN) on a volume cloned from a
	# shared host mount must not reach the host's peer.
	cfs --cap-add SYS_ADMIN -v src:/v -v src:/r:ro "$BASE" w -- sh -c \
		'mount -t tmpfs none /v/sub && mount -t tmpfs none /r/sub && echo mounted; grep -c "shared:" /proc/self/mountinfo; exit 0'
	expect_status 0
	expect_out "$(printf 'mounted\n0')"
	expect_true "a mount inside reached the host: $(grep "$WORK/src/" /proc/self/mountinfo)" \
		[ -z "$(grep "$WORK/src/" /proc/self/mountinfo)" ]
}

test_options_volumes_in_command_line_order() {
	mkdir -p a/y b
	echo in-b >b/f
	cfs -v a:/x -v b:/x/y "$BASE" w -- cat /x/y/f
	expect_status 0
	expect_out in-b
	# A missing mount point below another volume would be made on the
	# host: refused, nothing made there.
	rmdir a/y
	cfs -v a:/x -v b:/x/y "$BASE" w2 -- true
	expect_status 125
	expect_error "missing below a volume"
	expect_no_file a/y
}

test_options_many_volumes() {
	local i args=()
	for i in $(seq 256); do
		mkdir -p "v/$i"
		echo "$i" >"v/$i/n"
		args+=(-v "v/$i:/vol/$i:ro")
	done
	cfs "${args[@]}" "$BASE" w -- sh -c 'cat /vol/1/n /vol/128/n /vol/256/n; ls /vol | wc -l'
	expect_status 0
	expect_out "$(printf '1\n128\n256\n256')"
}

test_options_volume_hostile_image() {
	# Symlinks at every step of DEST lead out of the container on the
	# host; inside they must stay inside, and nothing appears on the host.
	mkdir -p evil/etc src
	echo mine >src/f
	ln -s / evil/up
	ln -s ../../../../.. evil/etc/deep
	ln -s "$WORK" evil/hostdir
	ln -s /proc/sys evil/sysctl
	cfs -v src:/up/landed -v src:/etc/deep/tmp/x -v src:/hostdir/y "$BASE" evil w -- sh -c "cat /landed/f /tmp/x/f $WORK/y/f"
	expect_status 0
	expect_out "$(printf 'mine\nmine\nmine')"
	expect_no_file /landed
	expect_no_file "$WORK/y"
	expect_true "made in the layer" [ ! -e evil/landed ] && [ ! -e evil/y ]
	# Through a symlink into the container's /proc or /sys: refused.
	cfs -v src:/sysctl/x "$BASE" evil w2 -- true
	expect_status 125
	expect_error "/proc or /sys"
}

test_options_volume_refusals() {
	mkdir src
	refused "--volume 'nosuch:/x'" -v nosuch:/x "$BASE" w -- true
	refused "DEST must be an absolute path" -v src:x "$BASE" w -- true
	refused "DEST must be an absolute path" -v src:/a/../b "$BASE" w -- true
	refused "DEST must be an absolute path" -v src:/ "$BASE" w -- true
	refused "expected SRC:DEST" -v src "$BASE" w -- true
	refused "the mode is ro or rw" -v src:/x:z "$BASE" w -- true
	refused "two mounts on /x" -v src:/x -v src:/x/ "$BASE" w -- true
	refused "lies under /proc or /sys" -v src:/proc/sys "$BASE" w -- true
	refused "lies under /proc or /sys" -v src:/sys "$BASE" w -- true
}

test_options_tmpfs() {
	cfs --tmpfs /scratch:size=1m,mode=1770 --tmpfs /ro:ro --tmpfs /nx:noexec "$BASE" w -- sh -c 'stat -c %a /scratch; df -k /scratch | tail -1 | awk "{print \$2}"; touch /ro/x 2>&1; cp /bin/busybox /nx/bb && /nx/bb true 2>&1; grep " /scratch " /proc/self/mountinfo'
	expect_status 0
	expect_out_has 1770
	expect_out_has 1024
	expect_out_has "Read-only file system"
	expect_out_has "Permission denied"
	expect_out_has "nosuid,nodev"
	expect_true "tmpfs mount point not in WRITEDIR" [ -d w/scratch ] && [ -z "$(ls -A w/scratch)" ]
	refused "--tmpfs '/t:size=huge'" --tmpfs /t:size=huge "$BASE" w -- true
	refused "unknown or bad option 'mode=888'" --tmpfs /t:mode=888 "$BASE" w -- true
	refused "unknown or bad option 'exe'" --tmpfs /t:exe "$BASE" w -- true
	refused "DEST must be an absolute path" --tmpfs t "$BASE" w -- true
}

test_options_rm_keeps_nothing() {
	mkdir -p app/etc
	echo app >app/etc/who
	local before
	before=$(work_state)
	cfs --rm "$BASE" app -- sh -c 'cat /etc/who; echo gone >/new; rm /etc/motd; ls /new /etc/motd 2>&1; exit 3'
	expect_status 3
	expect_out_has app
	expect_out_has /new
	expect_out_has "No such file"
	# Both directories are layers, untouched; nothing made on the host.
	expect_true "--rm changed \$WORK" [ "$(work_state)" = "$before" ]
	expect_true "a lock directory was made" [ -z "$(compgen -G "$WORK/.container-fs*")" ]
	# With volumes: writes to the volume stay, the rest goes.
	mkdir src
	cfs --rm -v src:/data "$BASE" -- sh -c 'echo kept >/data/k; echo lost >/l'
	expect_status 0
	expect_true "volume write lost" [ "$(cat src/k)" = kept ]
	refused "--rm and --read-only" --rm --read-only "$BASE" -- true
	refused "--rm has no --overlay-workdir" --rm --overlay-workdir src "$BASE" -- true
	refused "need at least one LAYER before '--'" --rm -- true
}

test_options_read_only_root() {
	cfs --read-only "$BASE" -- sh -c 'touch /x 2>&1; mkdir /etc/y 2>&1; touch /tmp/a /var/tmp/b /run/c && echo tmpfs-ok'
	expect_status 0
	expect_true "root not read-only: $(cat out)" [ "$(grep -c 'Read-only file system' out)" = 2 ]
	expect_out_has tmpfs-ok
	cfs --read-only --read-only-tmpfs=false "$BASE" -- sh -c 'touch /tmp/a 2>&1; exit 0'
	expect_out_has "Read-only file system"
	# Mount points the image lacks still appear; -w makes its directory.
	mkdir -p bare/bin
	cp "$BASE/bin/busybox" bare/bin/
	ln -s busybox bare/bin/sh
	ln -s busybox bare/bin/pwd
	ln -s busybox bare/bin/ls
	cfs --read-only -w /work/dir bare -- sh -c 'pwd; ls -d /proc/1 /dev/null /sys/kernel /tmp'
	expect_status 0
	expect_out "$(printf '/work/dir\n/dev/null\n/proc/1\n/sys/kernel\n/tmp')"
	expect_true "bare layer changed: $(ls -A bare)" [ "$(ls -A bare)" = bin ]
	refused "--read-only has no --overlay-workdir" --read-only --overlay-workdir bare "$BASE" -- true
}

test_options_environment_defaults() {
	# The caller's environment stays out; Docker's defaults come in.
	CFS_SECRET=leak TERM=vt100 "$CFS" --hostname envbox "$BASE" w -- env </dev/null >out 2>err
	status=$?
	expect_status 0
	expect_out_lacks CFS_SECRET
	expect_out_has "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	expect_out_has "HOSTNAME=envbox"
	expect_out_has "HOME=/root"
	expect_out_has "TERM=vt100"
	expect_out_has "container=container-fs"
	env -u TERM "$CFS" "$BASE" w -- env </dev/null >out 2>err
	expect_out_lacks "TERM="
}

test_options_environment_sources_in_order() {
	printf '# a comment\n\nFROM_FILE=file\nBOTH=file\n  SPACED=yes\nCOPIED\n' >env.list
	CFS_HOST_ONLY=host BOTH=host COPIED=copied "$CFS" -e BOTH=option -e 'WITH=equals=sign' -e CFS_UNSET_HERE \
		--env-file env.list --env-host "$BASE" w -- env </dev/null >out 2>err
	status=$?
	expect_status 0
	expect_out_has "FROM_FILE=file"
	expect_out_has "BOTH=option"
	expect_out_has "WITH=equals=sign"
	expect_out_has "SPACED=yes"
	expect_out_has "COPIED=copied"
	expect_out_has "CFS_HOST_ONLY=host"
	expect_out_lacks "CFS_UNSET_HERE"
	# An -e PATH replaces the default, and COMMAND is looked up in it.
	cfs -e PATH=/nowhere "$BASE" w -- ls
	expect_status 127
	printf 'GOOD=1\nBAD\0NUL=x\n' >nul.list
	refused "NUL byte" --env-file nul.list "$BASE" w -- true
	refused "--env-file missing.list" --env-file missing.list "$BASE" w -- true
	printf 'A B=c\n' >space.list
	refused "whitespace" --env-file space.list "$BASE" w -- true
	refused "empty variable name" -e =x "$BASE" w -- true
}

test_options_workdir() {
	cfs -w /etc "$BASE" w -- pwd
	expect_status 0
	expect_out /etc
	cfs -w /new/deep/dir "$BASE" w -- pwd
	expect_out /new/deep/dir
	expect_true "-w directory not made in WRITEDIR" [ -d w/new/deep/dir ]
	expect_no_file "$BASE/new"
	# A symlink in the image stays within the container.
	mkdir evil
	ln -s / evil/escape
	cfs -w /escape/madehere "$BASE" evil w -- pwd
	expect_status 0
	expect_out /madehere
	expect_no_file /madehere
	expect_true "-w directory not made in WRITEDIR" [ -d w/madehere ]
	refused "--workdir 'relative'" -w relative "$BASE" w -- true
	refused "--workdir '/a/../b'" -w /a/../b "$BASE" w -- true
}

# A layer with users: app (1234, groups app and staff), and the group
# wheel (5555).
users_layer() {
	mkdir -p users/etc users/home/app
	cp "$BASE/etc/passwd" "$BASE/etc/group" users/etc/
	echo 'app:x:1234:1234:App:/home/app:/bin/sh' >>users/etc/passwd
	printf 'app:x:1234:\nstaff:x:50:app\nwheel:x:5555:\n' >>users/etc/group
}

test_options_user() {
	[ "$ROOTLESS" = 0 ] || grep -q "^$(id -un):" /etc/subuid 2>/dev/null || {
		skip_test "no subordinate ids: only root exists inside"
		return 0
	}
	users_layer
	cfs -u app "$BASE" users w -- sh -c 'id -u; id -g; id -G; echo $HOME; grep CapEff /proc/self/status'
	expect_status 0
	expect_out "$(printf '1234\n1234\n1234 50\n/home/app\nCapEff:\t0000000000000000')"
	cfs -u 1234:wheel --group-add 77 --group-add wheel "$BASE" users w -- sh -c 'id -u; id -g; id -G'
	expect_status 0
	expect_out "$(printf '1234\n5555\n5555 50 77')"
	# A number without an entry: group 0 and HOME=/, as in Docker.
	cfs -u 4321 "$BASE" users w -- sh -c 'id -u; id -g; echo $HOME'
	expect_out "$(printf '4321\n0\n/')"
	# The user reads and writes a volume as itself.
	mkdir vol
	chmod 777 vol
	cfs -u app -v vol:/vol "$BASE" users w -- touch /vol/made-by-app
	expect_status 0
	refused "user 'nobody-here' not found in the container's /etc/passwd" -u nobody-here "$BASE" users w -- true
	refused "group 'nogroup-here' not found" -u app:nogroup-here "$BASE" users w -- true
	refused "group 'nogroup-here' not found" --group-add nogroup-here "$BASE" users w -- true
}

test_options_user_hostile_passwd() {
	# /etc/passwd as a FIFO would block a reader; as a symlink to the
	# host's, it is the container's own path inside.
	mkdir -p fifo/etc link/etc
	mkfifo fifo/etc/passwd
	refused "not found in the container's /etc/passwd" -u someone "$BASE" fifo w -- true
	ln -s /proc/1/root/../../../etc/shadow link/etc/passwd
	refused "not found in the container's /etc/passwd" -u root2 "$BASE" link w2 -- true
}

test_options_hostname() {
	cfs --hostname my-box.local "$BASE" w -- sh -c 'hostname; grep my-box.local /etc/hosts'
	expect_status 0
	expect_out_has my-box.local
	expect_true "hostname not in /etc/hosts: $(cat out)" [ "$(wc -l <out)" = 2 ]
	expect_true "host hostname changed" [ "$(hostname)" != my-box.local ]
	refused "--hostname '-bad'" --hostname -bad "$BASE" w -- true
	refused "--hostname 'a_b'" --hostname a_b "$BASE" w -- true
	refused "not a valid hostname" --hostname "$(printf 'a%.0s' $(seq 65))" "$BASE" w -- true
}

test_options_network_none() {
	cfs --network none "$BASE" w -- sh -c 'ls /sys/class/net; ip -o link | grep -c LOOPBACK,UP; ping -c 1 -W 2 127.0.0.1 >/dev/null && echo ping-ok; cat /etc/hosts'
	expect_status 0
	expect_out_has "lo"
	expect_out_lacks eth
	expect_out_has ping-ok
	expect_out_has "127.0.0.1	localhost"
	[ "$(sed -n 1p out)" = lo ] || flunk "interfaces other than lo: $(cat out)"
	cfs --net none "$BASE" w -- true
	expect_status 0
	refused "--network 'bridge': unknown network" --network bridge "$BASE" w -- true
}

test_options_name_resolution_files() {
	# With the host's network: its resolv.conf, its hosts entries, plus
	# localhost and the hostname; made by container-fs, read-only.
	cfs "$BASE" w -- sh -c 'cat /etc/resolv.conf; echo ==; cat /etc/hosts; echo x >>/etc/hosts'
	expect_status 1
	expect_true "resolv.conf differs" [ "$(sed '/^==$/,$d' out)" = "$(cat /etc/resolv.conf)" ]
	local host_line
	host_line=$(grep -v '^#' /etc/hosts | grep . | head -1)
	expect_out_has "$host_line"
	expect_out_has localhost
	expect_true "hosts writable" grep -q "Read-only file system" err
	# An image without /etc/hosts: the mount point is made in WRITEDIR.
	[ ! -e "$BASE/etc/hosts" ] && expect_true "no hosts mount point in WRITEDIR" [ -f w/etc/hosts ]
	# With --network none, the image's resolv.conf stays.
	mkdir -p img/etc
	echo 'nameserver 192.0.2.1' >img/etc/resolv.conf
	cfs --network none "$BASE" img w2 -- cat /etc/resolv.conf
	expect_out 'nameserver 192.0.2.1'
}

test_options_name_resolution_hostile_image() {
	# /etc/hosts and resolv.conf as symlinks out of the container: the
	# bind lands inside, the host's files are untouched.
	local marker before
	marker=$(host_marker)
	before=$(md5sum <"$marker")
	mkdir -p evil/etc
	ln -s "$marker" evil/etc/hosts
	ln -s ../../../../../../../../"$marker-2" evil/etc/resolv.conf
	cfs "$BASE" evil w -- sh -c 'grep -c localhost /etc/hosts; cat /etc/resolv.conf >/dev/null'
	expect_status 0
	expect_true "host marker changed" [ "$(md5sum <"$marker")" = "$before" ]
	expect_no_file "$marker-2"
	rm -f "$marker"
}

test_options_name_resolution_symlinked_into_the_container() {
	# hosts and resolv.conf both naming one file, and hosts naming
	# /dev/null: the first bind does not stack the second on its scratch
	# file (which stayed visible in /dev), and /dev/null stays a device.
	mkdir -p same/etc null/etc
	echo 'nameserver 192.0.2.7' >same/etc/both
	ln -s /etc/both same/etc/hosts
	ln -s both same/etc/resolv.conf
	cfs "$BASE" same w -- sh -c 'ls -a /dev; echo ==; grep -c localhost /etc/resolv.conf'
	expect_status 0
	expect_true "scratch file left in /dev: $(cat out)" [ -z "$(sed '/^==$/,$d' out | grep container-fs)" ]
	expect_true "hosts not bound" [ "$(sed -n '/^==$/{n;p}' out)" -ge 1 ]
	ln -s /dev/null null/etc/hosts
	cfs "$BASE" null w2 -- sh -c 'echo x >/dev/null && test -c /dev/null && echo device'
	expect_status 0
	expect_out device
}

test_options_combinations() {
	mkdir src
	echo data >src/f
	cfs --rm -v src:/src:ro -w /src --hostname combo "$BASE" -- sh -c 'pwd; cat f; hostname'
	expect_status 0
	expect_out "$(printf '/src\ndata\ncombo')"
	cfs --read-only -w /made -e X=1 "$BASE" -- sh -c 'pwd; echo $X'
	expect_status 0
	expect_out "$(printf '/made\n1')"
}

test_options_user_without_subordinate_ids() {
	needs_root || return 0 # adds a user
	# Without root and without a subordinate range only root exists in
	# the container: -u of another id says so and names the fix.
	local user=cfs-single
	id "$user" >/dev/null 2>&1 || useradd "$user" || flunk "cannot add $user"
	sed -i "/^$user:/d" /etc/subuid /etc/subgid 2>/dev/null
	chmod 755 "$WORK"
	mkdir home
	cp "$CFS" home/container-fs
	cp -a "$BASE" home/base
	chown -R "$user:" home
	runuser -u "$user" -- "$WORK/home/container-fs" --rm -u 1000 "$WORK/home/base" -- id </dev/null >out 2>err
	status=$?
	expect_status 125
	expect_error "does not exist in this user namespace"
	grep -q "/etc/subuid" err || flunk "the fix is not named: $(cat err)"
}
