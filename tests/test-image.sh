# tests/test-image.sh - real images: container-fs import of OCI layouts,
# OCI archives and docker save archives built offline with podman
# (tests/build-test-images, once per test run), runs with the image's
# config compared with what podman shows of the same image, hostile and
# damaged archives crafted byte by byte (tests/make-tar), interruption,
# the whiteout forms with and without root, and the handout's
# ./container.

. "$(dirname "${BASH_SOURCE[0]}")/oci-layout.sh"

IMAGES=${IMAGE_CACHE:-/tmp/cfs-test-images-$(id -u)}
MAKE_TAR=$ROOT/tests/make-tar

# need_images: the podman-built images, built by the first test that
# needs them in this run (root pass); a skip when podman is missing.
need_images() {
	[ -e "$IMAGES/tag" ] && return 0
	if [ "$ROOTLESS" = 1 ]; then
		skip_test "the test images are built in the root pass"
		return 1
	fi
	if ! command -v podman >/dev/null || [ ! -x /usr/sbin/runc ]; then
		skip_test "podman or runc missing (apt-get install podman runc)"
		return 1
	fi
	(
		flock 9
		[ -e "$IMAGES/tag" ] ||
			"$ROOT/tests/build-test-images" "$IMAGES" "$BASE" \
				>"$WORK/build.log" 2>&1
	) 9>"$IMAGES.lock"
	[ -e "$IMAGES/tag" ] && return 0
	flunk "building the test images failed: $(tail -5 "$WORK/build.log")"
	return 1
}

# expect_imported DEST LAYERS: DEST holds config.json and layers/ with
# LAYERS directories 001..., nothing else; no temporary directory left.
expect_imported() {
	local listing
	listing=$(cd "$1" 2>/dev/null && ls -A | tr '\n' ' ')
	[ "$listing" = "config.json layers " ] || flunk "$1 holds: $listing"
	listing=$(ls "$1/layers" 2>/dev/null | tr '\n' ' ')
	[ "$listing" = "$2" ] || flunk "$1/layers holds '$listing', expected '$2'"
	expect_no_temp "$(dirname "$1")"
}

expect_no_temp() {
	! compgen -G "$1/.container-fs-import-*" >/dev/null ||
		flunk "temporary directory left: $(compgen -G "$1/.container-fs-import-*")"
}

# expect_nothing DEST: a refused import left neither DEST nor anything
# temporary.
expect_nothing() {
	expect_no_file "$1"
	expect_no_temp "$(dirname "$1")"
}

# tree_of DEST: the image as a container-fs container shows it.
tree_of() {
	"$CFS" --rm -u 0 --entrypoint /bin/sh --image "$1" -- -c \
		"$(cat "$ROOT/tests/list-tree")"
}

# comparable FILE: a tree listing as this pass can match podman's:
# without root, owners are the caller's, setuid and setgid bits are
# dropped and device nodes skipped.
comparable() {
	if [ "$ROOTLESS" = 0 ]; then
		cat "$1"
		return
	fi
	awk -F'|' 'BEGIN { OFS = "|" }
		$2 ~ /special file/ { next }
		{ $4 = "-"; $5 = "-"
		  if (length($3) == 4) $3 = (substr($3, 1, 1) % 2 ? "1" : "") substr($3, 2)
		  print }' "$1"
}

# refused_import SOURCE [PROBLEM]: importing SOURCE is refused (with
# PROBLEM in the message, if given) and leaves nothing anywhere.
refused_import() {
	cfs import "$1" dest
	expect_status 125
	[ -z "${2:-}" ] || expect_error "$2"
	expect_nothing "$WORK/dest"
}

# refused_layer PROBLEM ENTRY...: an archive of one layer made of these
# entries is refused with PROBLEM, and leaves nothing anywhere.
refused_layer() {
	local problem=$1
	shift
	rm -rf lay dest lay.tar
	"$MAKE_TAR" "$@" >layer.tar
	make_layout lay '["sh"]' layer.tar
	tar -C lay -cf lay.tar .
	for source in lay lay.tar; do
		refused_import "$source" "$problem"
	done
}

test_image_import_formats() {
	need_images || return 0
	local source
	for source in oci.tar oci-plain.tar docker.tar oci-dir oci-dir-gzip zstd-dir; do
		[ -e "$IMAGES/$source" ] || continue
		cfs import "$IMAGES/$source" "dest-$source"
		expect_status 0
		expect_out_has "into dest-$source: 3 layers"
		if [ "$ROOTLESS" = 1 ]; then
			grep -q "skipped 1 device nodes" "$WORK/err" ||
				flunk "no count of skipped devices: $(cat "$WORK/err")"
		else
			expect_empty_err
		fi
		expect_imported "$WORK/dest-$source" "001 002 003 "
	done
	# config.json is the config blob as it was: docker save names it by
	# its digest.
	local config
	config=$(tar -tf "$IMAGES/docker.tar" | grep -E '^[0-9a-f]{64}\.json$')
	tar -xOf "$IMAGES/docker.tar" "$config" >config.expected
	cmp -s config.expected dest-docker.tar/config.json ||
		flunk "config.json differs from the image's config blob"
	cmp -s dest-oci.tar/config.json dest-docker.tar/config.json ||
		flunk "the OCI and Docker archives gave different configs"
	# An existing empty DEST is taken; the summary goes to stdout only.
	mkdir empty
	cfs import "$IMAGES/oci.tar" empty
	expect_status 0
	expect_imported "$WORK/empty" "001 002 003 "
}

test_image_same_as_podman() {
	need_images || return 0
	local source
	comparable "$IMAGES/podman-tree" >podman.tree
	for source in oci.tar oci-plain.tar docker.tar oci-dir oci-dir-gzip zstd-dir; do
		[ -e "$IMAGES/$source" ] || continue
		"$CFS" import "$IMAGES/$source" "img-$source" >/dev/null 2>&1 ||
			flunk "import $source"
		tree_of "img-$source" >raw.tree 2>tree.err
		comparable raw.tree >ours.tree
		diff podman.tree ours.tree >tree.diff ||
			flunk "$source: the tree differs from podman's: $(head -c 600 tree.diff)"
	done
	# Environment, working directory, user and output, as podman.
	cfs --rm --image img-oci.tar --entrypoint /bin/sh -- -c \
		'env | grep -v -e ^HOSTNAME= -e ^container= -e ^TERM= | sort'
	expect_out "$(cat "$IMAGES/podman-env")"
	cfs --rm --image img-oci.tar --entrypoint /bin/pwd --
	expect_out "$(cat "$IMAGES/podman-pwd")"
	cfs --rm --image img-docker.tar --entrypoint /usr/bin/id --
	if [ "$ROOTLESS" = 0 ]; then
		expect_out "$(cat "$IMAGES/podman-id")"
	else
		expect_out_has "uid=1000(app) gid=1000(app)"
	fi
	cfs --rm --image img-oci.tar --
	expect_status 0
	expect_out "$(cat "$IMAGES/podman-default")"
	cfs --rm --image img-oci.tar -- x y
	expect_out "$(cat "$IMAGES/podman-command")"
}

test_image_config_applies() {
	need_images || return 0
	"$CFS" import "$IMAGES/oci.tar" img >/dev/null 2>&1 || flunk "import"
	# A WRITEDIR run keeps its changes; Entrypoint + Cmd by default.
	cfs --image img w -- 
	expect_status 0
	expect_out "entry default cmd"
	cfs --image img --entrypoint /bin/sh w -- -c 'echo $GREETING >/tmp/kept; id -un'
	expect_out app
	cfs --image img --entrypoint /bin/cat w -- /tmp/kept
	expect_out "hello world"
	# The command line wins over the config: -e, -w, -u.
	cfs --rm -e GREETING=bye -w /tmp -u 0 --image img --entrypoint /bin/sh -- \
		-c 'echo $GREETING; pwd; id -u; echo $PATH'
	expect_out "bye
/tmp
0
/usr/local/bin:/usr/bin:/bin:/sbin:/usr/sbin"
	# --entrypoint '' leaves COMMAND alone; a LAYER goes above the
	# image's; --read-only and the legacy mount path work too.
	mkdir -p top/etc
	echo "from the layer" >top/etc/keep2
	cfs --read-only --legacy-mount --entrypoint "" --image img top -- cat /etc/keep2 /data/sub/c
	expect_status 0
	expect_out "from the layer
new"
	# Deleted files stay deleted: a file, a directory, and the old
	# contents of a directory made again (opaque).
	cfs --rm --image img --entrypoint /bin/ls -- -A /data /data/sub /etc/motd
	expect_status 1
	expect_out "/data:
sub

/data/sub:
c"
	grep -q "/etc/motd: No such file" "$WORK/err" || flunk "/etc/motd shows"
	# Refusals: no command at all, --entrypoint without --image, not an
	# image directory.
	"$CFS" import "$IMAGES/nocmd.tar" nocmd >/dev/null 2>&1 || flunk "import nocmd"
	cfs --rm --image nocmd --
	expect_status 125
	expect_error "the image has no Entrypoint or Cmd"
	cfs --rm --entrypoint sh "$BASE" -- true
	expect_status 125
	expect_error "--entrypoint needs --image"
	cfs --rm --image "$BASE" -- true
	expect_status 125
	expect_error "config.json"
}

test_image_choice() {
	need_images || return 0
	# Two images in one docker save archive: name one.
	cfs import "$IMAGES/multi.tar" both
	expect_status 125
	expect_error "several images"
	expect_nothing "$WORK/both"
	local other
	other=$(sed 's/cfs-test/cfs-other/; s/:latest/:1.0/' "$IMAGES/tag")
	cfs import "$IMAGES/multi.tar:$other" other
	expect_status 0
	cfs --rm --image other --
	expect_out "entry echo other image" # Entrypoint from the image below
	cfs import "$IMAGES/multi.tar:$(cat "$IMAGES/tag")" first
	expect_status 0
	cfs import "$IMAGES/multi.tar:nosuch:1" none
	expect_status 125
	expect_error "no image named 'nosuch:1'"
	# A multi-platform index: this machine's image is taken. Both
	# entries use the same manifest blob; only the platform differs.
	mkdir multi
	cp -r "$IMAGES/oci-dir/." multi/
	local manifest
	manifest=$(grep -o '"digest":"[^"]*","size":[0-9]*' multi/index.json | head -1)
	local arch
	case $(uname -m) in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",%s,"platform":{"os":"linux","architecture":"s390x"}},{"mediaType":"application/vnd.oci.image.manifest.v1+json",%s,"platform":{"os":"linux","architecture":"%s"}}]}' \
		"$manifest" "$manifest" "$arch" >multi/index.json
	cfs import multi from-index
	expect_status 0
	sed -i 's/"'"$arch"'"/"riscv128"/' multi/index.json
	cfs import multi nothing-here
	expect_status 125
	expect_error "no image for this machine"
	expect_nothing "$WORK/nothing-here"
}

test_image_dest() {
	need_images || return 0
	mkdir full
	: >full/file
	cfs import "$IMAGES/oci.tar" full
	expect_status 125
	expect_error "exists and is not empty"
	[ -e full/file ] || flunk "full was changed"
	: >afile
	cfs import "$IMAGES/oci.tar" afile
	expect_status 125
	expect_error "not a directory"
	cfs import "$IMAGES/oci.tar" no/such/parent
	expect_status 125
	expect_error "no/such"
	cfs import nosuch.tar dest
	expect_status 125
	expect_error "nosuch.tar"
	cfs import "$IMAGES/oci.tar"
	expect_status 125
	expect_error "expected SOURCE[:NAME] DEST"
	gzip -c "$IMAGES/docker.tar" >docker.tar.gz
	cfs import docker.tar.gz dest
	expect_status 125
	expect_error "a compressed archive"
	"$MAKE_TAR" file:a:b >plain.tar
	refused_import plain.tar "no index.json or manifest.json"
	cfs import --help
	expect_status 0
	expect_out_has "Usage: container-fs import SOURCE[:NAME] DEST"
}

test_image_digests() {
	need_images || return 0
	local blob big
	# A layer blob changed by one byte (same size).
	cp -r "$IMAGES/oci-dir" bad
	big=$(ls -S bad/blobs/sha256 | head -1)
	chmod u+w bad/blobs/sha256/"$big"
	printf 'X' | dd of=bad/blobs/sha256/"$big" bs=1 seek=100000 conv=notrunc 2>/dev/null
	refused_import bad "does not match its digest"
	tar -C bad -cf bad.tar .
	refused_import bad.tar "does not match its digest"
	# The config changed: its digest no longer matches.
	rm -rf bad && cp -r "$IMAGES/oci-dir" bad
	for blob in bad/blobs/sha256/*; do
		grep -q '"rootfs"' "$blob" 2>/dev/null || continue
		chmod u+w "$blob"
		sed -i 's/GREETING=hello world/GREETING=hellO world/' "$blob"
	done
	refused_import bad "does not match its digest"
	# A layer that matches its blob digest but not the config's
	# diff_id: a docker save archive whose config (named by its own
	# digest) lists another diff_id.
	mkdir dk && tar -C dk -xf "$IMAGES/docker.tar"
	local config hex
	config=$(cd dk && ls | grep -E '^[0-9a-f]{64}\.json$')
	sed 's/"diff_ids":\["sha256:[0-9a-f]\{10\}/"diff_ids":["sha256:0000000000/' \
		"dk/$config" >dk/new.json
	hex=$(sha256sum <dk/new.json | cut -c1-64)
	mv dk/new.json "dk/$hex.json"
	rm "dk/$config"
	sed -i "s/$config/$hex.json/" dk/manifest.json
	tar -C dk -cf dk.tar .
	refused_import dk.tar "its diff_id in the config"
	# A blob the index names is missing.
	rm -rf bad && cp -r "$IMAGES/oci-dir" bad
	rm -f bad/blobs/sha256/"$big"
	refused_import bad "No such file"
}

test_image_hostile_names() {
	mkdir outside
	refused_layer "'..' component" dir:a file:a/../../outside/x:pwned
	refused_layer "'..' component" file:../outside/x:pwned
	refused_layer "'..' component" pax:../../outside/x:pwned
	refused_layer "'..' component" gnu:a/../../outside/x:pwned
	refused_layer "a whiteout of no valid name" dir:a file:a/.wh..:x
	refused_layer "a whiteout of no valid name" file:.wh.:x
	# An absolute name stays inside the layer.
	"$MAKE_TAR" "file:/$WORK/outside/abs:inside" dir:etc "file:/etc/x:y" >layer.tar
	make_layout lay '["sh"]' layer.tar
	cfs import lay dest
	expect_status 0
	expect_file "dest/layers/001/$WORK/outside/abs"
	expect_file dest/layers/001/etc/x
	[ -z "$(ls -A outside)" ] || flunk "something was written outside: $(ls -A outside)"
	# The archive's overlay xattrs are never taken: they would forge
	# whiteouts and opaque directories.
	rm -rf lay dest
	"$MAKE_TAR" xattr:f:user.overlay.whiteout=y xattr:g:trusted.overlay.opaque=y \
		xattr:h:user.kept=yes >layer.tar
	make_layout lay '["sh"]' layer.tar
	cfs import lay dest
	expect_status 0
	grep -q "skipped 2 xattrs" "$WORK/err" || flunk "no skipped xattrs: $(cat "$WORK/err")"
	[ "$(getfattr --only-values -n user.kept dest/layers/001/h 2>/dev/null)" = yes ] ||
		[ ! -x /usr/bin/getfattr ] || flunk "user.kept was not set"
	cfs --rm --image dest "$BASE" -- ls /f /g
	expect_status 0
}

test_image_hostile_links() {
	mkdir outside
	: >outside/target
	# A symlink, then a file through it: absolute and relative.
	refused_layer "passes through a symbolic link" \
		"symlink:a:$WORK/outside" file:a/pwned:x
	refused_layer "passes through a symbolic link" \
		symlink:a:../../../../../../.. "file:a/$WORK/outside/pwned:x"
	refused_layer "passes through a symbolic link" \
		dir:d "symlink:d/up:$WORK" dir:d/up/outside
	# Hard links: to a name outside the layer, through a symlink, or
	# with '..'.
	refused_layer "a hard link to a name not in this layer" \
		"hardlink:h:$WORK/outside/target"
	refused_layer "a hard link through a symbolic link" \
		"symlink:s:$WORK/outside" hardlink:h:s/target
	refused_layer "'..' component" hardlink:h:../../outside/target
	[ -z "$(ls -A outside | grep -v '^target$')" ] ||
		flunk "something was written outside: $(ls -A outside)"
	[ "$(stat -c %h outside/target)" = 1 ] || flunk "outside/target got a hard link"
	# Symlinks pointing anywhere are fine as links: never followed.
	"$MAKE_TAR" symlink:up:../../.. "symlink:abs:$WORK/outside" file:f:x \
		hardlink:h:f >layer.tar
	make_layout lay '["sh"]' layer.tar
	cfs import lay dest
	expect_status 0
	[ "$(stat -c %h dest/layers/001/f)" = 2 ] || flunk "the hard link is missing"
}

test_image_hostile_streams() {
	refused_layer "truncated" huge:big:1099511627776
	refused_layer "truncated" file:a:b --no-end
	"$MAKE_TAR" file:a:hello file:b:world >whole.tar
	head -c 700 whole.tar >layer.tar
	make_layout lay '["sh"]' layer.tar
	refused_import lay "truncated"
	# Not a tar at all.
	rm -rf lay
	head -c 5000 /dev/urandom >layer.tar
	make_layout lay '["sh"]' layer.tar
	refused_import lay "checksum"
	# gzip data that is not: the blob digest matches, gzip fails.
	rm -rf lay
	head -c 5000 /dev/urandom >junk
	(printf '\037\213\010\000'; cat junk) >layer.gz
	make_layout lay '["sh"]' layer.gz
	sed -i 's/v1.tar"/v1.tar+gzip"/' lay/blobs/sha256/*
	rm -rf lay.fixed
	refused_import lay
}

# import_in_background DEST: starts an import of the big image in its
# own session; its pid in $import_pid.
big_image() {
	[ -e "$IMAGES/big.tar" ] && return 0
	(
		flock 9
		[ -e "$IMAGES/big.tar" ] && exit 0
		local dir
		dir=$(mktemp -d "$IMAGES/big.XXXXXX")
		for i in 1 2 3 4; do
			mkdir -p "$dir/l$i/d$i"
			for j in $(seq 40); do
				head -c 200000 /dev/urandom >"$dir/l$i/d$i/f$j"
			done
			tar -C "$dir/l$i" -cf "$dir/l$i.tar" .
		done
		(cd "$dir" && make_layout lay '["sh"]' l1.tar l2.tar l3.tar l4.tar &&
			tar -C lay -cf ../big.tar.tmp .) && mv "$IMAGES/big.tar.tmp" "$IMAGES/big.tar"
		rm -rf "$dir"
		chmod a+r "$IMAGES/big.tar"
	) 9>"$IMAGES.lock"
}

test_image_interrupt() {
	need_images || return 0
	big_image
	local i pid status
	# SIGKILL at random moments: the watcher removes what was begun.
	for i in 1 2 3 4 5 6; do
		rm -rf dest
		setsid "$CFS" import "$IMAGES/big.tar" dest >/dev/null 2>&1 &
		pid=$!
		sleep "0.0$((RANDOM % 10))$((RANDOM % 10))"
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		for _ in $(seq 50); do
			compgen -G "$WORK/.container-fs-import-*" >/dev/null || break
			sleep 0.1
		done
		expect_no_temp "$WORK"
		# Either the import had finished, whole, or nothing is there.
		[ ! -e dest ] || expect_imported "$WORK/dest" "001 002 003 004 "
	done
	# SIGINT (Ctrl-C) and SIGTERM: cleaned up before it exits.
	for signal in INT TERM; do
		rm -rf dest
		"$CFS" import "$IMAGES/big.tar" dest >/dev/null 2>err &
		pid=$!
		for _ in $(seq 100); do
			compgen -G "$WORK/.container-fs-import-*" >/dev/null && break
			sleep 0.01
		done
		kill -"$signal" "$pid"
		wait "$pid"
		status=$?
		if [ -e dest ]; then
			continue # it finished first
		fi
		[ "$status" -gt 128 ] || flunk "SIG$signal: exit status $status"
		expect_no_temp "$WORK"
		grep -q "interrupted" err || flunk "SIG$signal: $(cat err)"
	done
	# Import and watcher killed together: the next import clears it.
	rm -rf dest
	setsid "$CFS" import "$IMAGES/big.tar" dest >/dev/null 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		compgen -G "$WORK/.container-fs-import-*" >/dev/null && break
		sleep 0.01
	done
	kill -9 -- -"$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -rf dest
	cfs import "$IMAGES/oci.tar" other
	expect_status 0
	expect_no_temp "$WORK"
}

test_image_whiteout_forms() {
	need_images || return 0
	local user_import=()
	# Without root: the user.* form (Linux 6.8+), and the 0/0 device
	# form older kernels read.
	mkdir rl
	if [ "$ROOTLESS" = 0 ]; then
		chmod 755 "$WORK"
		chown "$ROOTLESS_USER" rl
		user_import=(runuser -u "$ROOTLESS_USER" --)
	fi
	"${user_import[@]}" "$CFS" import "$IMAGES/oci.tar" rl/user >/dev/null 2>&1 ||
		flunk "import without root"
	"${user_import[@]}" env CONTAINER_FS_TEST_KERNEL=5.15 \
		"$CFS" import "$IMAGES/oci.tar" rl/old >/dev/null 2>&1 ||
		flunk "import without root, as on 5.15"
	local release
	release=$(uname -r | awk -F. '{ print $1 * 1000 + $2 }')
	if [ "$release" -ge 6008 ]; then
		[ "$(getfattr --only-values -n user.overlay.whiteout rl/user/layers/003/data/a 2>/dev/null)" = y ] ||
			flunk "no user.overlay.whiteout on rl/user/layers/003/data/a"
	fi
	[ -c rl/old/layers/003/data/a ] || flunk "rl/old/layers/003/data/a is no device"
	# (Its files are all the importer's: root runs it as root inside.)
	for image in rl/user rl/old; do
		cfs --rm -u 0 --image "$image" --entrypoint /bin/ls -- /data /data/sub
		expect_out "/data:
sub

/data/sub:
c"
	done
	[ "$ROOTLESS" = 0 ] || return 0
	# Root runs images imported without root with userxattr, even with a
	# WRITEDIR, which then records it.
	cfs -u 0 --image rl/user w -- 
	expect_status 0
	expect_out "entry default cmd"
	cfs -u 0 --image rl/user --entrypoint /bin/ls w -- /data/sub
	expect_out c
	# Root's import: a run without root would show deleted directories.
	"$CFS" import "$IMAGES/oci.tar" rooted >/dev/null 2>&1
	runuser -u "$ROOTLESS_USER" -- "$CFS" --rm --image rooted -- true \
		</dev/null >out 2>err
	status=$?
	expect_status 125
	expect_error "was imported with root"
	# Root's --userns mounts the overlay itself (idmapped layers): it
	# reads trusted.* marks.
	cfs --rm --userns -u 0 --image rooted --entrypoint /bin/ls -- /data/sub
	expect_status 0
	expect_out c
	# One WRITEDIR, one kind of marks; stacks of both kinds refused.
	cfs --image rooted w -- true
	expect_status 125
	expect_error "keeps its marks in user.* xattrs"
	cfs --rm --image rooted rl/user/layers/003 -- true
	expect_status 125
	expect_error "imported without root, and a layer below or above it with root"
}

test_image_handout() {
	local container id=cfs-test-$$
	container=$(dirname "$CFS")/container
	[ -x "$container" ] || container=$WORK/container
	[ -x "$container" ] || ln "$CFS" "$container" 2>/dev/null || cp "$CFS" "$container"
	mkdir images
	cp -a "$BASE" images/busybox
	"$container" >out 2>err </dev/null
	status=$?
	expect_status 125
	[ "$(cat err)" = "Usage: ./container [ID] [IMAGE] [CMD]..." ] || flunk "usage: $(cat err)"
	"$container" "$id" busybox </dev/null >out 2>err
	status=$?
	expect_status 125
	"$container" "$id" busybox sh -c 'echo hello >hello.txt; pwd' </dev/null >out 2>err
	status=$?
	expect_status 0
	expect_out "/"
	local base=/tmp/container
	[ "$ROOTLESS" = 1 ] && base=/tmp/container-$(id -u)
	expect_true "hello.txt in $base/$id/upper" [ "$(cat "$base/$id/upper/hello.txt")" = hello ]
	[ "$(stat -c %a "$base")" = 700 ] || flunk "$base is not 0700"
	"$container" "$id" busybox cat hello.txt </dev/null >out 2>err
	status=$?
	expect_out hello
	"$container" 'a/b' busybox true </dev/null >out 2>err
	status=$?
	expect_status 125
	expect_error "ID 'a/b'"
	"$container" 12345678901234567 busybox true </dev/null >out 2>err
	status=$?
	expect_status 125
	"$container" "$id" ../etc true </dev/null >out 2>err
	status=$?
	expect_status 125
	expect_error "IMAGE '../etc'"
	rm -rf "${base:?}/$id"
	# An imported image runs with its config.
	if [ -e "$IMAGES/tag" ]; then
		"$CFS" import "$IMAGES/docker.tar" images/test >/dev/null 2>&1
		"$container" "$id" test x </dev/null >out 2>err
		status=$?
		expect_out "entry x"
		rm -rf "${base:?}/$id"
	fi
	[ "$ROOTLESS" = 0 ] || return 0
	# Another user's directory in the place of ours is refused: root's
	# squatting the name of cfs-rootless's.
	local uid
	uid=$(id -u "$ROOTLESS_USER")
	rm -rf "/tmp/container-$uid.saved"
	[ -e "/tmp/container-$uid" ] && mv "/tmp/container-$uid" "/tmp/container-$uid.saved"
	mkdir -m 755 "/tmp/container-$uid"
	chmod 755 "$WORK"
	(cd "$WORK" && runuser -u "$ROOTLESS_USER" -- "$container" "$id" busybox true) \
		</dev/null >out 2>err
	status=$?
	expect_status 125
	expect_error "belongs to uid 0"
	rmdir "/tmp/container-$uid"
	[ -e "/tmp/container-$uid.saved" ] && mv "/tmp/container-$uid.saved" "/tmp/container-$uid"
	rm -f "$WORK/container"
}

test_image_progress() {
	need_images || return 0
	command -v script >/dev/null || {
		skip_test "script (bsdutils) missing"
		return 0
	}
	# On a terminal: a progress line; elsewhere, nothing.
	script -qec "'$CFS' import '$IMAGES/oci.tar' dest" /dev/null >typescript </dev/null
	grep -q "importing layer 1 of 3" typescript || flunk "no progress line: $(head -c 300 typescript)"
	grep -q "imported .* into dest: 3 layers" typescript || flunk "no summary"
	cfs import "$IMAGES/oci.tar" dest2
	expect_status 0
	[ "$ROOTLESS" = 1 ] || expect_empty_err
	[ "$(wc -l <"$WORK/out")" = 1 ] || flunk "the summary is not one line"
}

test_image_missing_zstd() {
	need_images || return 0
	[ -e "$IMAGES/zstd-dir" ] || {
		skip_test "no zstd image (skopeo missing)"
		return 0
	}
	mkdir bin
	ln -s "$(command -v gzip)" bin/gzip
	PATH=$WORK/bin "$CFS" import "$IMAGES/zstd-dir" dest </dev/null >out 2>err
	status=$?
	expect_status 125
	expect_error "the zstd command is missing"
	grep -q "apt-get install zstd" err || flunk "no package named: $(cat err)"
	expect_nothing "$WORK/dest"
}
