# tests/test-writedir.sh - WRITEDIR's safety against the container and
# against other local users: private when made, its own mode and owner
# given back after every run, its record out of the container's reach,
# no symlink followed, nothing adopted that another user made, a lock no
# one else can take, a --overlay-workdir never emptied, and no path resolved
# again after a racing rename.

# other_user COMMAND...: COMMAND as a second local user (root pass only).
other_user() {
	id "$ROOTLESS_USER" >/dev/null 2>&1 ||
		useradd --create-home "$ROOTLESS_USER" || flunk "cannot add $ROOTLESS_USER"
	runuser -u "$ROOTLESS_USER" -- "$@"
}

test_writedir_made_private_and_given_back() {
	# The container's root changes "/", which is WRITEDIR: after the run
	# WRITEDIR has its own mode (0700 when container-fs made it) and
	# owner again. Inside, "/" has the top layer's mode, for users there.
	local change='chmod 777 /'
	[ "$ROOTLESS" = 1 ] || change='chmod 777 / && chown 1234:1234 /'
	cfs "$BASE" w -- sh -c "stat -c %a /; $change && echo changed"
	expect_status 0
	expect_out "$(printf '%s\nchanged' "$(stat -c %a "$BASE")")"
	expect_true "WRITEDIR is $(stat -c %a w), not 700" [ "$(stat -c %a w)" = 700 ]
	expect_true "WRITEDIR is owned by $(stat -c %u:%g w)" \
		[ "$(stat -c %u:%g w)" = "$(id -u):$(id -g)" ]
	# One the user made keeps its own mode, whatever happened inside.
	mkdir -m 750 mine
	cfs "$BASE" mine -- sh -c "$change"
	expect_status 0
	expect_true "mine is $(stat -c %a mine), not 750" [ "$(stat -c %a mine)" = 750 ]
	# A non-root user inside can still reach "/" (rootless, uid 1000 may
	# not exist in the namespace).
	[ "$ROOTLESS" = 0 ] || return 0
	cfs "$BASE" "$HELPERS" w -- probe as-user 1000 /bin/ls /etc/motd
	expect_status 0
	expect_out /etc/motd
}

test_writedir_record_out_of_the_containers_reach() {
	# The container deletes /data and makes it again (overlayfs marks it
	# opaque), then rewrites every xattr on "/" that could say where
	# those marks are. The next run still hides the layer's /data.
	mkdir -p app/data
	echo a >app/data/a
	echo b >app/data/b
	local value name names
	names='user.container-fs.overlay-marks user.overlay.container-fs trusted.overlay.container-fs'
	for value in user trusted bogus; do
		rm -rf w
		cfs "$BASE" "$HELPERS" app w -- sh -c "rm -rf /data && mkdir /data && echo c >/data/c; for name in $names; do probe set-xattr / \$name $value 2>/dev/null; done; true"
		expect_status 0
		cfs "$BASE" app w -- ls /data
		expect_status 0
		expect_out c
	done
}

test_writedir_symlink_refused() {
	mkdir real
	ln -s real link
	ln -s "$WORK/nowhere" dangling
	local spelling
	for spelling in link link/ "$WORK/link" dangling; do
		cfs "$BASE" "$spelling" -- touch /x
		expect_status 125
		expect_error "is a symbolic link"
	done
	expect_true "written through the link: $(ls -A real)" [ -z "$(ls -A real)" ]
	expect_no_file nowhere
}

test_writedir_planted_by_another_user_refused() {
	needs_root || return 0 # a second local user
	chmod 755 "$WORK"
	mkdir -m 1777 shared
	# A WRITEDIR another user made in a directory anyone may write to.
	other_user mkdir shared/w
	cfs "$BASE" shared/w -- sh -c 'echo secret >/secret'
	expect_status 125
	expect_error "belongs to uid $(id -u "$ROOTLESS_USER"), in a directory others may write to"
	expect_no_file shared/w/secret
	# Root's own WRITEDIR there works; a lock directory another user
	# made for it (its name is public: WRITEDIR's inode) is refused,
	# never adopted, and left as it is.
	cfs "$BASE" shared/mine -- true
	expect_status 0
	local lock
	lock=shared/.container-fs-work.$(stat -c %i shared/mine)
	other_user mkdir "$lock"
	other_user touch "$lock/theirs"
	cfs "$BASE" shared/mine -- sh -c 'echo x >/x'
	expect_status 125
	expect_error "belongs to another user"
	expect_file "$lock/theirs"
	expect_no_file shared/mine/x
	rm -rf "$lock"
	other_user ln -s "$WORK/elsewhere" "$lock"
	mkdir elsewhere
	cfs "$BASE" shared/mine -- sh -c 'echo x >/x'
	expect_status 125
	expect_error "is not a directory"
	expect_true "elsewhere used: $(ls -A elsewhere)" [ -z "$(ls -A elsewhere)" ]
	expect_no_file shared/mine/x
}

test_writedir_lock_not_takeable_by_others() {
	needs_root || return 0 # a second local user
	# Anyone who can open WRITEDIR could hold a flock on it; the lock is
	# a directory only its owner can open.
	chmod 755 "$WORK"
	mkdir -m 755 w
	other_user flock w sleep 10 &
	local holder=$! i
	for i in $(seq 50); do
		flock -n w true || break
		sleep 0.1
	done
	cfs "$BASE" w -- echo ran
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
	expect_status 0
	expect_out ran
}

test_writedir_workdir_option_never_emptied() {
	# overlayfs empties DIR/work: a --overlay-workdir must be empty, or hold only
	# the mode-0 work and index directories a previous run left.
	mkdir -p files sub/work index/index empty
	echo important >files/notes.txt
	echo important >sub/work/notes.txt
	local dir before
	for dir in files sub index; do
		before=$(tree_digest "$dir")
		cfs --overlay-workdir "$dir" "$BASE" w -- true
		expect_status 125
		expect_error "is not empty"
		expect_true "$dir changed" [ "$(tree_digest "$dir")" = "$before" ]
	done
	cfs --overlay-workdir empty "$BASE" w -- sh -c 'echo x >/x'
	expect_status 0
	expect_true "no mode-0 work/ left: $(ls -la empty)" [ "$(stat -c %a empty/work)" = 0 ]
	# What that run left is overlayfs's: the next run takes it.
	cfs --overlay-workdir empty "$BASE" w -- cat /x
	expect_status 0
	expect_out x
}

test_writedir_legacy_mount_race() {
	# A user who may rename entries in WRITEDIR's directory swaps
	# WRITEDIR with a symlink to another root filesystem, over and over,
	# while --legacy-mount runs: COMMAND must never run there.
	mkdir w
	echo container >w/where
	cp -a "$BASE" hostroot
	echo host >hostroot/where
	ln -s "$WORK/hostroot" evil
	"$HELPERS/usr/bin/probe" swap w evil 15 >/dev/null &
	local swapper=$! i ran=0
	for i in $(seq 60); do
		"$CFS" --legacy-mount "$BASE" w -- cat /where </dev/null >>outs 2>/dev/null
	done
	kill "$swapper" 2>/dev/null
	wait "$swapper" 2>/dev/null
	! grep -q host outs || flunk "COMMAND ran in the swapped-in directory $(grep -c host outs) times"
	ran=$(grep -c container outs)
	expect_true "no run got through to test the race" [ "$ran" -gt 0 ]
	expect_true "hostroot written" [ "$(cat hostroot/where)" = host ]
}

test_writedir_owner_given_back_from_a_subordinate_id() {
	# Without root, a container that chowns "/" to one of its other
	# users hands WRITEDIR to a subordinate id, which plain fchown cannot
	# take back: container-fs does it from a namespace with the run's
	# maps, where we are root over those ids.
	has_subordinate_ids || {
		skip_test "$ROOTLESS_USER has no subordinate ids"
		return 0
	}
	rootless_setup
	cfs_as_user "$USER_BASE" "$WORK/home/upper" -- sh -c 'chown 1000:1000 / && chmod 777 / && echo changed'
	expect_status 0
	expect_out changed
	expect_true "WRITEDIR is $(stat -c %u:%g home/upper), not the user's" \
		[ "$(stat -c %u:%g home/upper)" = "$(id -u "$ROOTLESS_USER"):$(id -g "$ROOTLESS_USER")" ]
	expect_true "WRITEDIR is mode $(stat -c %a home/upper), not 700" [ "$(stat -c %a home/upper)" = 700 ]
	# The janitor does the same when container-fs is killed.
	local command=("$USER_CFS" "$USER_BASE" "$WORK/home/upper" -- sh -c 'chown 1000:1000 / && sleep 30')
	if [ "$ROOTLESS" = 1 ]; then
		"${command[@]}" </dev/null >/dev/null 2>&1 &
	else
		runuser -u "$ROOTLESS_USER" -- "${command[@]}" </dev/null >/dev/null 2>&1 &
	fi
	local job=$! pid=$! i owner
	owner="$(id -u "$ROOTLESS_USER"):$(id -g "$ROOTLESS_USER")"
	for i in $(seq 100); do
		[ "$(stat -c %u:%g home/upper)" != "$owner" ] && break
		sleep 0.05
	done
	[ "$ROOTLESS" = 1 ] || pid=$(pgrep -P "$pid") # runuser's child
	kill -KILL "$pid"
	wait "$job" 2>/dev/null # no "Killed" line from bash
	for i in $(seq 100); do
		[ "$(stat -c %u:%g home/upper)" = "$owner" ] && break
		sleep 0.05
	done
	expect_true "after SIGKILL WRITEDIR is $(stat -c %u:%g home/upper), not the user's" \
		[ "$(stat -c %u:%g home/upper)" = "$owner" ]
}
