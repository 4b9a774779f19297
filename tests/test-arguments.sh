# tests/test-arguments.sh - the command line, and every refusal before the
# command runs: exit 125, one stderr line, empty stdout, no trace left.

# A small layer: /who holds TEXT.
small_layer() {
	mkdir -p "$1" && echo "$2" >"$1/who"
}

test_args_no_arguments() {
	refused "arguments"
	grep -qF -- "--help" "$WORK/err" || flunk "no pointer to --help: $(cat "$WORK/err")"
}

test_args_missing_separator() {
	refused "missing '--'" "$BASE" w true
	refused "missing '--'" "$BASE" w
	expect_no_file w
}

test_args_separator_without_command() {
	refused "missing COMMAND" "$BASE" w --
	expect_no_file w
}

test_args_only_one_directory() {
	# The one directory must not be taken as WRITEDIR and written to.
	refused "need at least one LAYER and a WRITEDIR" "$BASE" -- true
	refused "need at least one LAYER and a WRITEDIR" -- true
	refused "need at least one LAYER and a WRITEDIR" --legacy-mount "$BASE" -- true
}

test_args_unknown_option() {
	refused "unknown option '--bogus'" --bogus "$BASE" w -- true
	refused "unknown option '-x'" -x "$BASE" w -- true
	refused "'--overlay-workdir' needs a value" --overlay-workdir
	expect_no_file w
}

test_args_option_after_first_directory_is_refused() {
	mkdir wd app
	# Read as a directory, '--init' would be made as WRITEDIR and the
	# option would silently not apply: refused, whatever the option.
	refused "'--init': options go before the first directory" "$BASE" app --init -- true
	refused "'--overlay-workdir': options go before the first directory" "$BASE" --overlay-workdir wd w -- true
	refused "'-x': options go before the first directory" "$BASE" app -x -- true
	grep -qF "given as ./-x" "$WORK/err" || flunk "no hint: $(cat "$WORK/err")"
	# A directory really named so is given as ./NAME.
	small_layer ./--legacy-mount "dash layer"
	cfs "$BASE" ./--legacy-mount w -- cat /who
	expect_status 0
	expect_out "dash layer"
	expect_empty_err
	# Options before the first directory are still options.
	cfs --legacy-mount --overlay-workdir wd "$BASE" w2 -- echo ok
	expect_status 0
	expect_out ok
	expect_no_workdir_left
}

test_args_command_arguments_untouched() {
	# Everything after the first '--' is COMMAND's, option-like or not.
	cfs "$BASE" w -- echo --help -V -- --overlay-workdir
	expect_status 0
	expect_out "--help -V -- --overlay-workdir"
	expect_empty_err
}

test_args_help() {
	local option
	for option in --help -h; do
		cfs "$option"
		expect_status 0
		expect_out_has "Usage:"
		expect_out_has "LAYER... WRITEDIR -- COMMAND"
		expect_out_has "--overlay-workdir"
		expect_out_has "--legacy-mount"
		expect_out_has "--single-id"
		expect_out_has "container-fs rm WRITEDIR..."
		expect_empty_err
	done
	# --help wins over the rest of the command line, and runs nothing.
	cfs --help "$BASE" w -- touch /x
	expect_status 0
	expect_out_has "Usage:"
	expect_empty_err
	expect_no_file w
	expect_no_workdir_left
}

test_args_version() {
	local option
	for option in --version -V; do
		cfs "$option"
		expect_status 0
		expect_empty_err
		grep -qE '^container-fs [0-9]+\.[0-9]+' "$WORK/out" ||
			flunk "$option: no 'container-fs N.N' line: $(cat "$WORK/out")"
		[ "$(wc -l <"$WORK/out")" = 1 ] || flunk "$option: not one line"
	done
}

test_args_help_version_write_error() {
	# stdout on a full disk: the failure must be reported, not silent.
	local option
	for option in --help --version; do
		: >"$WORK/out"
		"$CFS" "$option" </dev/null >/dev/full 2>"$WORK/err"
		status=$?
		expect_status 125
		expect_error "No space left on device"
	done
}

test_args_missing_layer() {
	refused "nosuch: No such file or directory" "$BASE" nosuch w -- true
	refused "$WORK/gone/deeper" "$WORK/gone/deeper" "$BASE" w -- true
	expect_no_file w
}

test_args_layer_is_regular_file() {
	echo data >file
	refused "file: Not a directory" "$BASE" file w -- true
}

test_args_layer_is_fifo() {
	mkfifo fifo
	refused "fifo: Not a directory" "$BASE" fifo w -- true
	refused "fifo: Not a directory" fifo "$BASE" w -- true
}

test_args_layer_is_socket() {
	"$HELPERS/usr/bin/probe" make-socket sock || flunk "cannot make a socket"
	[ -S sock ] || flunk "sock is not a socket"
	refused "sock: Not a directory" "$BASE" sock w -- true
}

test_args_writedir_not_a_directory() {
	echo data >file
	mkfifo fifo
	"$HELPERS/usr/bin/probe" make-socket sock
	mkdir top
	refused "file: Not a directory" "$BASE" top file -- true
	refused "fifo: Not a directory" "$BASE" top fifo -- true
	refused "sock: Not a directory" "$BASE" top sock -- true
}

test_args_empty_path() {
	mkdir wd
	refused "empty" "" w -- true
	refused "empty" "$BASE" "" w -- true
	refused "empty" "$BASE" "" -- true
	refused "empty" --overlay-workdir "" "$BASE" w -- true
}

test_args_relative_paths() {
	local rel_base
	rel_base=$(realpath --relative-to="$WORK" "$BASE")
	small_layer top "relative top"
	cfs "$rel_base" top w -- cat /who
	expect_status 0
	expect_out "relative top"
	expect_empty_err
	[ -d "$WORK/w" ] || flunk "relative WRITEDIR w not created in the current directory"
	# From a subdirectory, '..' paths resolve against it.
	mkdir sub
	cd sub || return
	cfs "../$rel_base" ../top ../w2 -- sh -c 'cat /who; echo rel >/made'
	cd "$WORK" || return
	expect_status 0
	expect_out "relative top"
	expect_true "a write lands in ../w2" grep -qx rel w2/made
	expect_no_file sub/w2
	expect_no_workdir_left "$WORK/sub"
}

test_args_path_spellings() {
	small_layer top "top layer"
	mkdir -p sub w5 a/b
	local spellings=(
		"$BASE/ ./top/ w1/"
		"$BASE/. top/. .//w2//"
		"/$BASE// .//top// ./w3"
		"$BASE/../rootfs sub/../top sub/../w4"
		"$BASE top w5/."
	)
	local s n=0
	for s in "${spellings[@]}"; do
		n=$((n + 1))
		# shellcheck disable=SC2086 # word splitting wanted: no spaces in these
		cfs $s -- sh -c "cat /who; echo $n >/n"
		expect_status 0
		expect_out "top layer"
		expect_empty_err
		expect_true "spelling '$s': write in w$n" grep -qx "$n" "w$n/n"
	done
	expect_no_file sub/w4
	# '..' as WRITEDIR is the parent directory itself.
	cd a/b || return
	cfs "$BASE" "$WORK/top" .. -- sh -c 'echo up >/up'
	cd "$WORK" || return
	expect_status 0
	expect_true "'..' as WRITEDIR is a/" grep -qx up a/up
	expect_no_workdir_left "$WORK/a"
}

test_args_writedir_created_if_missing() {
	local base_before
	base_before=$(tree_digest "$BASE")
	cfs "$BASE" w -- sh -c 'echo made >/made'
	expect_status 0
	expect_empty_err
	[ -d w ] || flunk "WRITEDIR w was not created"
	expect_true "the write landed in the new WRITEDIR" grep -qx made w/made
	[ "$base_before" = "$(tree_digest "$BASE")" ] || flunk "\$BASE changed"
	expect_no_workdir_left
}

test_args_writedir_parent_missing() {
	refused "no/such/w: No such file or directory" "$BASE" no/such/w -- true
	grep -qF "parent directory must exist" "$WORK/err" || flunk "no hint about the parent: $(cat "$WORK/err")"
	refused "nosuch/w" "$BASE" "$WORK/nosuch/w" -- true
	expect_no_file no
	expect_no_file nosuch
}

test_args_layer_given_twice() {
	small_layer top "top"
	ln -s top link
	refused "given twice" "$BASE" top top w -- true
	refused "given twice" "$BASE" top ./top/ w -- true
	refused "given twice" "$BASE" top link w -- true
	refused "given twice" "$BASE" "$BASE/../rootfs/." w -- true
	refused "given twice" --legacy-mount "$BASE" top "$WORK//top" w -- true
	expect_no_file w
}

test_args_writedir_is_a_layer() {
	small_layer top "top"
	ln -s top link
	refused "is also a layer" "$BASE" top top -- true
	refused "is also a layer" "$BASE" top ./top/ -- true
	refused "is a symbolic link" "$BASE" top link -- true
	refused "is also a layer" "$BASE" top "$BASE/" -- true
	refused "is also a layer" --legacy-mount "$BASE" top top -- true
}

test_args_writedir_inside_layer() {
	small_layer top "top"
	mkdir top/existing
	ln -s top link
	refused "lies inside layer" "$BASE" top top/w -- true
	refused "lies inside layer" "$BASE" top top/existing -- true
	refused "lies inside layer" "$BASE" top link/w -- true
	mkdir sub
	refused "lies inside layer" "$BASE" top sub/../top/w -- true
	refused "lies inside layer" "$BASE" top "$BASE/tmp/w" -- true
	expect_no_file top/w
	expect_no_file "$BASE/tmp/w"
}

test_args_writedir_contains_layer() {
	mkdir -p w/inner
	echo inner >w/inner/who
	refused "contains layer" "$BASE" w/inner w -- true
	refused "contains layer" "$BASE" w/inner . -- true
	refused "contains layer" "$BASE" w/inner / -- true
	refused "contains layer" "$BASE" w/inner "$ROOT/build" -- true
}

test_args_workdir_refusals() {
	small_layer top "top"
	mkdir -p w other
	refused "workdir: nosuch" --overlay-workdir nosuch "$BASE" top w -- true
	refused "is also a layer" --overlay-workdir top "$BASE" top w -- true
	mkdir top/wd
	refused "lies inside layer" --overlay-workdir top/wd "$BASE" top w -- true
	refused "contains layer" --overlay-workdir . "$BASE" top w -- true
	refused "workdir" --overlay-workdir w "$BASE" top w -- true
	mkdir w/wd
	refused "workdir" --overlay-workdir w/wd "$BASE" top w -- true
	refused "workdir" --overlay-workdir other "$BASE" top other/w -- true
}

test_args_every_option_documented() {
	# Every long option the parser knows is in --help, the man page, the
	# README and the bash completion.
	local options option
	[ -e "$ROOT/cli.c" ] || {
		skip_test "the sources are checked in the root pass"
		return 0
	}
	# The long_options table only (the verbs' table has the same form).
	options=$(sed -n '/long_options\[\] = {/,/^};/p' "$ROOT/cli.c" |
		grep -o '^    {"[a-z-]*",' | cut -d'"' -f2)
	[ -n "$options" ] || flunk "no options found in cli.c"
	cfs --help
	for option in $options; do
		grep -q -- "--$option\b" out || flunk "--$option not in --help"
		grep -q -- "\\\\-\\\\-${option//-/\\\\-}" "$ROOT/container-fs.1" ||
			flunk "--$option not in the man page"
		grep -q -- "--$option" "$ROOT/README.md" || flunk "--$option not in README.md"
		grep -q -- "--$option" "$ROOT/completions/container-fs.bash" ||
			flunk "--$option not in the bash completion"
	done
}
