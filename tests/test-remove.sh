# tests/test-remove.sh - `container-fs rm WRITEDIR...`: removing what a
# container made as its other users (subordinate ids without root), the
# lock a run takes, and the refusals: in use, not a WRITEDIR container-fs
# made (a plain directory, a layer), a symlink.

# The container adds user u (uid 1000) by hand (Debian's static busybox
# has no adduser applet) and makes /home/u/f as u.
ADD_USER_INSIDE='echo "u:x:1000:1000::/home/u:/bin/sh" >>/etc/passwd &&
	echo "u:x:1000:" >>/etc/group && mkdir -p /home/u && chown u:u /home/u &&
	su u -c "touch /home/u/f"'

# expect_no_lock DIR: no lock directory left in DIR.
expect_no_lock() {
	expect_true "lock left: $(ls -A "$1")" [ -z "$(compgen -G "$1/.container-fs-work.*")" ]
}

test_rm_removes_files_of_the_containers_other_users() {
	rootless_setup
	if has_subordinate_ids; then
		cfs_as_user "$USER_BASE" "$WORK/home/upper" -- sh -c "$ADD_USER_INSIDE"
		expect_status 0
		expect_file home/upper/home/u/f
		# Those files belong to subordinate ids: plain rm cannot.
		run_as_user rm -rf "$WORK/home/upper"
		expect_true "plain rm removed a subordinate id's file" [ -e home/upper/home/u/f ]
		expect_true "plain rm did not fail: $(cat err)" grep -q "Permission denied" err
		run_as_user "$USER_CFS" rm "$WORK/home/upper"
		expect_status 0
		expect_empty_err
		expect_no_file home/upper
		expect_no_lock home
	else
		skip_test "$ROOTLESS_USER has no subordinate ids"
	fi
	[ "$ROOTLESS" = 0 ] || return 0
	cfs "$BASE" w -- sh -c "$ADD_USER_INSIDE"
	expect_status 0
	expect_file w/home/u/f
	run_here "$CFS" rm w
	expect_status 0
	expect_empty_err
	expect_no_file w
	expect_no_lock .
}

test_rm_removes_several_and_deep_trees() {
	# Every WRITEDIR given, however deep, mode-0 directories and
	# symlinks to the outside included (the links go, never what they
	# point to).
	mkdir outside
	echo keep >outside/file
	cfs "$BASE" a -- sh -c 'mkdir -p /d/$(seq -s / 200 | tr -d " ") && mkdir -m 0 /closed && ln -s '"$WORK"'/outside /link && ln -s '"$WORK"'/outside/file /filelink'
	expect_status 0
	cfs "$BASE" b -- true
	expect_status 0
	run_here "$CFS" rm a b
	expect_status 0
	expect_empty_err
	expect_no_file a
	expect_no_file b
	expect_no_lock .
	expect_true "the link's target went" [ "$(cat outside/file)" = keep ]
}

test_rm_refuses_a_writedir_in_use() {
	"$CFS" "$BASE" w -- sh -c 'echo started >/started; sleep 3' </dev/null >/dev/null 2>&1 &
	local runner=$! i
	for i in $(seq 100); do
		[ -e w/started ] && break
		sleep 0.05
	done
	run_here "$CFS" rm w
	expect_status 125
	expect_error "is in use by another container-fs"
	expect_error "stop the container"
	expect_file w/started
	wait "$runner"
	run_here "$CFS" rm w
	expect_status 0
	expect_no_file w
	expect_no_lock .
}

test_rm_refuses_what_container_fs_did_not_make() {
	# Decided by WRITEDIR's record: a plain directory, a layer (which a
	# run never marks), a missing path and a symlink (even to a real
	# WRITEDIR) are refused, one line each, and left as they are; the
	# rest of the list is removed all the same.
	mkdir -p plain layer/etc
	echo x >plain/file
	echo y >layer/etc/conf
	cfs "$BASE" layer real -- true
	expect_status 0
	ln -s real link
	cfs "$BASE" w -- true
	expect_status 0
	run_here "$CFS" rm plain layer nosuch link w
	expect_status 125
	expect_true "not one line per refusal: $(cat err)" [ "$(wc -l <err)" = 4 ]
	expect_true "plain: $(cat err)" grep -q "plain is not a WRITEDIR container-fs made" err
	expect_true "layer: $(cat err)" grep -q "layer is not a WRITEDIR container-fs made" err
	expect_true "nosuch: $(cat err)" grep -q "nosuch: No such file or directory" err
	expect_true "link: $(cat err)" grep -q "link is a symbolic link" err
	expect_file plain/file
	expect_file layer/etc/conf
	expect_file real
	expect_true "link removed" [ -L link ]
	expect_no_file w
	expect_no_lock .
	# No WRITEDIR at all: a usage error.
	run_here "$CFS" rm
	expect_status 125
	expect_error "rm needs at least one WRITEDIR"
}
