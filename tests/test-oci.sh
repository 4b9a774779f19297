# tests/test-oci.sh - container-fs-oci, the OCI runtime: runc's command
# line (create, start, state, kill, delete, run, exec), a bundle's
# config.json into the description, the state directory, hooks, seccomp
# profiles, the console socket; then podman and containerd driving it.
# The runtime needs root: every test but the refusals skips rootless.

OCI=${CFS%/*}/container-fs-oci

# oci COMMAND...: container-fs-oci with a state root of the test's own;
# output in $WORK/out and $WORK/err, status in $status.
oci() {
	"$OCI" --root "$WORK/state" "$@" </dev/null >"$WORK/out" 2>"$WORK/err"
	status=$?
}

# bundle [ARG...]: $WORK/bundle with a copy of the busybox rootfs (and
# probe) and a config.json running ARGs (a JSON array's items, quoted);
# the variables PROCESS_EXTRA, LINUX_EXTRA, MOUNTS_EXTRA, NAMESPACES_EXTRA
# and TOP_EXTRA add members (each starting with ','), TERMINAL sets
# process.terminal.
bundle() {
	local args=$1
	mkdir -p "$WORK/bundle"
	[ -d "$WORK/bundle/rootfs" ] || {
		cp -a "$BASE" "$WORK/bundle/rootfs" &&
			cp -a "$HELPERS/." "$WORK/bundle/rootfs/"
	}
	local caps='"CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW","CAP_SETGID","CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"'
	cat >"$WORK/bundle/config.json" <<EOF
{
	"ociVersion": "1.0.2",
	"process": {
		"terminal": ${TERMINAL:-false},
		"user": {"uid": 0, "gid": 0},
		"args": [$args],
		"env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
		"cwd": "/",
		"capabilities": {"bounding": [$caps], "effective": [$caps], "permitted": [$caps]},
		"noNewPrivileges": true
		${PROCESS_EXTRA:-}
	},
	"root": {"path": "rootfs"},
	"hostname": "oci-test",
	"mounts": [
		{"destination": "/proc", "type": "proc", "source": "proc"},
		{"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
		{"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
		{"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
		{"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]}
		${MOUNTS_EXTRA:-}
	],
	"linux": {
		"namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "ipc"}, {"type": "uts"}, {"type": "mount"}${NAMESPACES_EXTRA:-}],
		"maskedPaths": ["/proc/kcore", "/proc/keys", "/sys/firmware"],
		"readonlyPaths": ["/proc/sys", "/proc/sysrq-trigger"]
		${LINUX_EXTRA:-}
	}
	${TOP_EXTRA:-}
}
EOF
}

# gone PID: the process has exited (a zombie not yet reaped by whoever
# inherited it counts as gone).
gone() {
	[ ! -e "/proc/$1" ] || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

# wait_status ID STATUS: up to 5 s for the container to be STATUS.
wait_status() {
	local i
	for i in $(seq 50); do
		"$OCI" --root "$WORK/state" state "$1" 2>/dev/null | grep -q "\"status\":\"$2\"" && return 0
		sleep 0.1
	done
	flunk "container $1 never $2: $("$OCI" --root "$WORK/state" state "$1" 2>&1)"
}

test_oci_run_in_the_foreground() {
	needs_root || return 0
	bundle '"sh", "-c", "echo hello from $(hostname); exit 3"'
	oci run --bundle "$WORK/bundle" one
	expect_status 3
	expect_out "hello from oci-test"
	# run deletes what it made
	expect_true "state left: $(ls "$WORK/state")" [ -z "$(ls "$WORK/state")" ]
}

test_oci_create_start_state_kill_delete() {
	needs_root || return 0
	bundle '"sh", "-c", "touch /started; exec sleep 60"'
	oci create --bundle "$WORK/bundle" --pid-file "$WORK/pid" life
	expect_status 0
	expect_true "no pid file" [ -s "$WORK/pid" ]
	expect_no_file "$WORK/bundle/rootfs/started" # not before start
	oci state life
	expect_out_has '"status":"created"'
	expect_out_has "\"pid\":$(cat "$WORK/pid")"
	expect_out_has "\"bundle\":\"$WORK/bundle\""
	oci start life
	expect_status 0
	oci state life
	expect_out_has '"status":"running"'
	expect_file "$WORK/bundle/rootfs/started"
	oci start life # not created any more
	expect_status 1
	oci delete life # running: refused, and it runs on
	expect_status 1
	expect_true "killed by a refused delete" kill -0 "$(cat "$WORK/pid")"
	oci kill life KILL
	expect_status 0
	wait_status life stopped
	oci kill life TERM # stopped: refused
	expect_status 1
	oci delete life
	expect_status 0
	oci state life
	expect_status 1
	expect_true "state left: $(ls "$WORK/state")" [ -z "$(ls "$WORK/state")" ]
}

test_oci_kill_a_created_container_and_delete_force() {
	needs_root || return 0
	bundle '"sleep", "60"'
	oci create --bundle "$WORK/bundle" --pid-file "$WORK/pid" created
	oci kill created 9
	expect_status 0
	wait_status created stopped
	oci delete created
	expect_status 0
	oci create --bundle "$WORK/bundle" --pid-file "$WORK/pid" again
	oci start again
	oci delete --force again
	expect_status 0
	gone "$(cat "$WORK/pid")" || flunk "still running"
	oci delete --force never-was # nothing there: done
	expect_status 0
}

test_oci_preserve_fds() {
	needs_root || return 0
	# (test -e is sh's own: no pipe of sh's own shows among its fds)
	bundle '"sh", "-c", "cat <&3; for fd in 3 4 5; do [ -e /proc/$$/fd/$fd ] && echo has $fd; done; true"'
	echo handed >"$WORK/fd3"
	"$OCI" --root "$WORK/state" run --preserve-fds 1 --bundle "$WORK/bundle" \
		fds 3<"$WORK/fd3" 4<"$WORK/fd3" </dev/null >"$WORK/out" 2>"$WORK/err"
	status=$?
	expect_status 0
	expect_out "$(printf 'handed\nhas 3')"
}

test_oci_one_id_once() {
	needs_root || return 0
	bundle '"sleep", "60"'
	oci create --bundle "$WORK/bundle" twice
	expect_status 0
	oci create --bundle "$WORK/bundle" twice
	expect_status 1
	grep -q "already exists" "$WORK/err" || flunk "no 'already exists': $(cat "$WORK/err")"
	oci state twice
	expect_out_has '"status":"created"'
	oci delete --force twice
}

test_oci_ids_and_arguments_refused() {
	oci state ../escape
	expect_status 1
	grep -q "not a container ID" "$WORK/err" || flunk "$(cat "$WORK/err")"
	oci state "$(head -c 1025 /dev/zero | tr '\0' a)"
	expect_status 1
	oci frobnicate x
	expect_status 1
	oci start
	expect_status 1
	grep -q "missing the container ID" "$WORK/err" || flunk "$(cat "$WORK/err")"
	oci kill x NOSUCHSIGNAL
	expect_status 1
}

test_oci_bad_config_refused_naming_the_field() {
	needs_root || return 0
	bundle '"true"'
	sed -i 's/"uid": 0/"uid": "root"/' "$WORK/bundle/config.json"
	oci create --bundle "$WORK/bundle" bad
	expect_status 1
	grep -q "process.user.uid: expected an integer" "$WORK/err" || flunk "$(cat "$WORK/err")"
	expect_true "state left: $(ls "$WORK/state")" [ -z "$(ls "$WORK/state")" ]
	bundle '"true"'
	sed -i 's/"type": "ipc"/"type": "ipcc"/' "$WORK/bundle/config.json"
	oci create --bundle "$WORK/bundle" bad
	grep -q 'linux.namespaces\[2\].type: unknown namespace type' "$WORK/err" || flunk "$(cat "$WORK/err")"
	bundle '"true"'
	printf '{"ociVersion": "1.0.2",,}' >"$WORK/bundle/config.json"
	oci create --bundle "$WORK/bundle" bad
	expect_status 1
	grep -q "config.json: line 1, column" "$WORK/err" || flunk "$(cat "$WORK/err")"
	bundle '"true"'
	sed -i 's/"1.0.2"/"2.0.0"/' "$WORK/bundle/config.json"
	oci create --bundle "$WORK/bundle" bad
	grep -q "ociVersion" "$WORK/err" || flunk "$(cat "$WORK/err")"
	TOP_EXTRA=', "unknownKey": 1' bundle '"true"'
	oci --log "$WORK/log" run --bundle "$WORK/bundle" unknown
	expect_status 0 # ignored, as the spec asks, with a warning
	grep -q "unknownKey: unknown property" "$WORK/log" || flunk "log: $(cat "$WORK/log")"
}

test_oci_log_json() {
	needs_root || return 0
	bundle '"nosuchcommand"'
	oci --log "$WORK/log" --log-format json create --bundle "$WORK/bundle" nope
	expect_status 1
	grep -q '^{"level":"error","msg":"exec: nosuchcommand: No such file or directory.*","time":"' "$WORK/log" ||
		flunk "log: $(cat "$WORK/log")"
	grep -q "nosuchcommand" "$WORK/err" || flunk "stderr: $(cat "$WORK/err")"
}

test_oci_exec() {
	needs_root || return 0
	bundle '"sleep", "60"'
	oci create --bundle "$WORK/bundle" ex
	oci start ex
	oci exec --env X=1 --cwd /tmp ex sh -c 'echo $X $(pwd) $(hostname); exit 5'
	expect_status 5
	expect_out "1 /tmp oci-test"
	oci exec --user 1000:1000 ex probe ids
	expect_out "1000 1000"
	cat >"$WORK/process.json" <<'EOF'
{"args": ["sh", "-c", "echo from process.json; cat /proc/self/status | grep NoNewPrivs"], "env": ["PATH=/bin:/usr/bin"], "cwd": "/", "user": {"uid": 0, "gid": 0}, "noNewPrivileges": true}
EOF
	oci exec --process "$WORK/process.json" ex
	expect_status 0
	expect_out_has "from process.json"
	expect_out_has "NoNewPrivs:	1"
	oci exec --detach --pid-file "$WORK/exec-pid" ex sleep 30
	expect_status 0
	expect_true "no detached process" kill -0 "$(cat "$WORK/exec-pid")"
	# in the container's PID namespace, beside its first process
	oci exec ex sh -c 'ps -o args | grep -c "^sleep"'
	expect_out 2
	oci delete --force ex
	gone "$(cat "$WORK/exec-pid")" ||
		flunk "exec'd process outlives its container"
}

test_oci_hooks_in_order_with_state_on_stdin() {
	needs_root || return 0
	hook() { # name
		printf '{"path": "/bin/sh", "args": ["sh", "-c", "cat > %s/%s.json; echo %s >> %s/order"], "timeout": 5}' \
			"$WORK" "$1" "$1" "$WORK"
	}
	# The container's hooks run inside it: its /bin/sh writes to $WORK
	# through a bind.
	MOUNTS_EXTRA=", {\"destination\": \"$WORK\", \"source\": \"$WORK\", \"options\": [\"bind\"]}" \
		TOP_EXTRA=", \"annotations\": {\"a\": \"b\"}, \"hooks\": {\"prestart\": [$(hook prestart)], \"createRuntime\": [$(hook createRuntime)], \"createContainer\": [$(hook createContainer)], \"startContainer\": [$(hook startContainer)], \"poststart\": [$(hook poststart)], \"poststop\": [$(hook poststop)]}" \
		bundle '"true"'
	oci create --bundle "$WORK/bundle" hooked
	expect_status 0
	expect_true "create ran $(cat "$WORK/order" | tr '\n' ' ')" \
		[ "$(cat "$WORK/order" | tr '\n' ' ')" = "prestart createRuntime createContainer " ]
	oci start hooked
	wait_status hooked stopped
	oci delete hooked
	expect_true "order $(cat "$WORK/order" | tr '\n' ' ')" \
		[ "$(cat "$WORK/order" | tr '\n' ' ')" = "prestart createRuntime createContainer startContainer poststart poststop " ]
	grep -q '"id":"hooked","status":"creating","pid":[1-9]' "$WORK/prestart.json" || flunk "prestart: $(cat "$WORK/prestart.json")"
	grep -q '"annotations":{"a":"b"}' "$WORK/createContainer.json" || flunk "$(cat "$WORK/createContainer.json")"
	grep -q '"status":"running"' "$WORK/poststart.json" || flunk "$(cat "$WORK/poststart.json")"
	grep -q '"status":"stopped"' "$WORK/poststop.json" || flunk "$(cat "$WORK/poststop.json")"
}

test_oci_failing_prestart_hook_leaves_nothing() {
	needs_root || return 0
	TOP_EXTRA=', "hooks": {"prestart": [{"path": "/bin/false"}]}' bundle '"touch", "/ran"'
	oci create --bundle "$WORK/bundle" failing
	expect_status 1
	grep -q "prestart hook /bin/false: exited 1" "$WORK/err" || flunk "$(cat "$WORK/err")"
	expect_no_file "$WORK/bundle/rootfs/ran"
	expect_true "state left: $(ls "$WORK/state")" [ -z "$(ls "$WORK/state")" ]
	TOP_EXTRA=', "hooks": {"prestart": [{"path": "/bin/sleep", "args": ["sleep", "10"], "timeout": 1}]}' bundle '"true"'
	oci create --bundle "$WORK/bundle" slow
	expect_status 1
	grep -q "Connection timed out\|timed out" "$WORK/err" || flunk "$(cat "$WORK/err")"
}

test_oci_seccomp_profile() {
	needs_root || return 0
	LINUX_EXTRA=', "seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_AARCH64"], "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}, {"names": ["personality"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]}, {"names": ["no_such_call_anywhere"], "action": "SCMP_ACT_KILL"}]}' \
		bundle '"sh", "-c", "mkdir /x; probe personality 0x0; probe personality 0x8"'
	oci run --bundle "$WORK/bundle" filtered
	expect_status 0
	grep -q "mkdir: can't create directory '/x': Permission denied" "$WORK/err" || flunk "stderr: $(cat "$WORK/err")"
	expect_out_has "personality 0x0: ok"
	expect_out_has "personality 0x8: EPERM"
}

test_oci_masks_devices_sysctl_limits() {
	needs_root || return 0
	PROCESS_EXTRA=', "rlimits": [{"type": "RLIMIT_NOFILE", "soft": 123, "hard": 456}], "oomScoreAdj": 500' \
		LINUX_EXTRA=', "devices": [{"path": "/dev/extra", "type": "c", "major": 1, "minor": 3, "fileMode": 432}], "sysctl": {"kernel.shmmax": "12345678"}' \
		bundle '"sh", "-c", "wc -c < /proc/kcore; echo x > /proc/sys/kernel/domainname || echo read-only; ls -ln /dev/extra; echo z > /dev/extra && echo extra works; cat /proc/sys/kernel/shmmax; ulimit -n; ulimit -Hn; cat /proc/self/oom_score_adj; mknod /dev/null2 c 1 3 && echo x 2>/dev/null >/dev/null2 || echo no devices beyond the given; mknod /null2 c 1 3 && echo x 2>/dev/null >/null2 || echo not on the root either"'
	oci run --bundle "$WORK/bundle" masked
	expect_status 0
	expect_out_has "0"
	expect_out_has "read-only"
	expect_out_has "crw-rw----    1 0        0           1,   3"
	expect_out_has "extra works"
	expect_out_has "12345678"
	expect_out_has "123"
	expect_out_has "456"
	expect_out_has "500"
	expect_out_has "no devices beyond the given"
	expect_out_has "not on the root either"
}

# cgroup_v1_host: this host's controllers are cgroup v1 hierarchies
# (memory, cpu, cpuset, pids and devices among them), and its unified
# hierarchy, if any, has none; else the test skips.
cgroup_v1_host() {
	local controller
	for controller in memory cpu cpuset pids devices; do
		if [ -z "$(v1_mount $controller)" ]; then
			skip_test "no cgroup v1 hierarchy of $controller here"
			return 1
		fi
	done
	if [ -s /sys/fs/cgroup/cgroup.controllers ]; then
		skip_test "cgroup v2 here: container-fs-oci uses it, not v1"
		return 1
	fi
}

# v1_mount CONTROLLER: where its v1 hierarchy is mounted.
v1_mount() {
	awk -v c="$1" '{
		for (i = 7; $i != "-"; i++) ;
		if ($(i + 1) != "cgroup") next
		n = split($(i + 3), o, ",")
		for (j = 1; j <= n; j++) if (o[j] == c) { print $5; exit }
	}' /proc/self/mountinfo
}

# v1_left PATH: the directories of PATH that exist in the cgroup v1
# hierarchies and the hybrid host's unified one.
v1_left() {
	awk '{ for (i = 7; $i != "-"; i++) ; if ($(i + 1) ~ /^cgroup2?$/) print $5 }' \
		/proc/self/mountinfo | while read -r m; do
		[ -e "$m$1" ] && echo "$m$1"
	done
}

test_oci_cgroup_v1_limits_read_back() {
	needs_root || return 0
	cgroup_v1_host || return 0
	local path=/cfs-test-${WORK##*.} memory cpu pid
	memory=$(v1_mount memory)$path cpu=$(v1_mount cpu)$path
	LINUX_EXTRA=", \"cgroupsPath\": \"$path\", \"resources\": {\"memory\": {\"limit\": 67108864, \"reservation\": 33554432, \"swappiness\": 20, \"disableOOMKiller\": true}, \"cpu\": {\"shares\": 512, \"quota\": 20000, \"period\": 50000, \"cpus\": \"0\", \"mems\": \"0\"}, \"pids\": {\"limit\": 42}, \"devices\": [{\"allow\": false, \"access\": \"rwm\"}, {\"allow\": true, \"type\": \"c\", \"major\": 10, \"minor\": 229, \"access\": \"rw\"}]}" \
		bundle '"sleep", "60"'
	oci create --bundle "$WORK/bundle" --pid-file "$WORK/pid" lim
	expect_status 0
	pid=$(cat "$WORK/pid")
	expect_true "memory limit $(cat "$memory/memory.limit_in_bytes")" [ "$(cat "$memory/memory.limit_in_bytes")" = 67108864 ]
	expect_true "reservation $(cat "$memory/memory.soft_limit_in_bytes")" [ "$(cat "$memory/memory.soft_limit_in_bytes")" = 33554432 ]
	expect_true "swappiness" [ "$(cat "$memory/memory.swappiness")" = 20 ]
	expect_true "OOM killer on" grep -qx "oom_kill_disable 1" "$memory/memory.oom_control"
	expect_true "shares" [ "$(cat "$cpu/cpu.shares")" = 512 ]
	expect_true "quota" [ "$(cat "$cpu/cpu.cfs_quota_us")" = 20000 ]
	expect_true "period" [ "$(cat "$cpu/cpu.cfs_period_us")" = 50000 ]
	expect_true "cpus" [ "$(cat "$(v1_mount cpuset)$path/cpuset.cpus")" = 0 ]
	expect_true "pids.max" [ "$(cat "$(v1_mount pids)$path/pids.max")" = 42 ]
	# The rules in the order given, then the defaults (/dev/null, ...).
	expect_true "devices.list: $(head -3 "$(v1_mount devices)$path/devices.list")" \
		[ "$(head -2 "$(v1_mount devices)$path/devices.list" | tr '\n' ' ')" = "c 10:229 rw c *:* m " ]
	grep -qx "c 1:3 rwm" "$(v1_mount devices)$path/devices.list" || flunk "/dev/null not allowed"
	# In that cgroup in every hierarchy; exec joins them too.
	local lines
	lines=$(grep -v '^0::' "/proc/$pid/cgroup" | grep -cv ":$path\$")
	expect_true "not in $path: $(cat "/proc/$pid/cgroup")" [ "$lines" = 0 ]
	oci exec lim cat /proc/self/cgroup
	expect_status 0
	expect_out_has ":memory:$path"
	expect_out_has ":pids:$path"
	oci delete --force lim
	expect_status 0
	expect_true "cgroups left: $(v1_left "$path")" [ -z "$(v1_left "$path")" ]
}

test_oci_cgroup_v1_bad_value_leaves_nothing() {
	needs_root || return 0
	cgroup_v1_host || return 0
	local path=/cfs-test-${WORK##*.}
	# pids is written before cpuset's cpus, which the kernel refuses.
	LINUX_EXTRA=", \"cgroupsPath\": \"$path/a/b\", \"resources\": {\"pids\": {\"limit\": 42}, \"cpu\": {\"cpus\": \"4000000\"}}" \
		bundle '"true"'
	oci create --bundle "$WORK/bundle" bad
	expect_status 1
	grep -q "^container-fs-oci: cgroup: linux.resources.cpu.cpus: " "$WORK/err" || flunk "$(cat "$WORK/err")"
	expect_true "cgroups left: $(v1_left "$path")" [ -z "$(v1_left "$path")" ]
	expect_true "state left: $(ls "$WORK/state")" [ -z "$(ls "$WORK/state")" ]
	# A field v1 has no file for, refused before anything is made.
	LINUX_EXTRA=", \"cgroupsPath\": \"$path\", \"resources\": {\"unified\": {\"memory.max\": \"1000000\"}}" \
		bundle '"true"'
	oci run --bundle "$WORK/bundle" bad
	expect_status 1
	grep -q "linux.resources.unified.memory.max: a cgroup v2 file" "$WORK/err" || flunk "$(cat "$WORK/err")"
	expect_true "cgroups left: $(v1_left "$path")" [ -z "$(v1_left "$path")" ]
}

test_oci_cgroup_v1_relative_path() {
	needs_root || return 0
	cgroup_v1_host || return 0
	local name=cfs-test-${WORK##*.}
	LINUX_EXTRA=", \"cgroupsPath\": \"$name/inner\", \"resources\": {\"pids\": {\"limit\": 7}}" \
		bundle '"sleep", "60"'
	oci create --bundle "$WORK/bundle" --pid-file "$WORK/pid" rel
	expect_status 0
	grep -q ":pids:/container-fs/$name/inner\$" "/proc/$(cat "$WORK/pid")/cgroup" ||
		flunk "not under /container-fs: $(cat "/proc/$(cat "$WORK/pid")/cgroup")"
	expect_true "pids.max" [ "$(cat "$(v1_mount pids)/container-fs/$name/inner/pids.max")" = 7 ]
	oci delete --force rel
	expect_status 0
	# The parents made under /container-fs go too.
	expect_true "cgroups left: $(v1_left "/container-fs/$name")" [ -z "$(v1_left "/container-fs/$name")" ]
}

# The container's cgroup namespace is rooted at its own cgroup.
test_oci_cgroup_namespace_at_its_cgroup() {
	needs_root || return 0
	cgroup_v1_host || return 0
	local path=/cfs-test-${WORK##*.}
	NAMESPACES_EXTRA=', {"type": "cgroup"}' \
		LINUX_EXTRA=", \"cgroupsPath\": \"$path\", \"resources\": {\"pids\": {\"limit\": 42}}" \
		bundle '"cat", "/proc/self/cgroup"'
	oci run --bundle "$WORK/bundle" ns
	expect_status 0
	expect_out_has ":pids:/"
	expect_true "not rooted at its cgroup: $(cat "$WORK/out")" [ -z "$(grep -v ':/$' "$WORK/out")" ]
	expect_true "cgroups left: $(v1_left "$path")" [ -z "$(v1_left "$path")" ]
}

# A "cgroup" mount on a v1 host shows the container's own cgroup in
# each hierarchy, read-only, as runc shows it: with the container's
# cgroup namespace (new mounts rooted there) and without (binds of its
# cgroup's directories). Compared with runc on the same bundle.
test_oci_cgroup_v1_mount_as_runc_shows_it() {
	needs_root || return 0
	cgroup_v1_host || return 0
	local path=/cfs-test-${WORK##*.} extra
	for extra in '' ', {"type": "cgroup"}'; do
		MOUNTS_EXTRA=', {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]}' \
			NAMESPACES_EXTRA=$extra \
			LINUX_EXTRA=", \"cgroupsPath\": \"$path\", \"resources\": {\"memory\": {\"limit\": 67108864}, \"pids\": {\"limit\": 42}}" \
			bundle '"sh", "-c", "ls /sys/fs/cgroup; cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max; grep -c . /sys/fs/cgroup/pids/cgroup.procs; cat /proc/self/cgroup; grep \" /sys/fs/cgroup/\" /proc/self/mountinfo | cut -d\" \" -f4,5,6 | cut -d, -f1 | sort; echo 1 >/sys/fs/cgroup/pids/pids.max || echo refused"'
		oci run --bundle "$WORK/bundle" v1mount
		expect_status 0
		expect_out_has "67108864"
		expect_out_has "42"
		expect_out_has "refused"
		expect_true "memory not read-only: $(cat "$WORK/out")" grep -q "^[^ ]* /sys/fs/cgroup/memory ro\$" "$WORK/out"
		expect_true "cgroups left: $(v1_left "$path")" [ -z "$(v1_left "$path")" ]
		command -v runc >/dev/null || continue
		cp "$WORK/out" "$WORK/ours"
		runc --root "$WORK/runc" run --bundle "$WORK/bundle" v1mount </dev/null >"$WORK/theirs" 2>/dev/null
		expect_true "not as runc shows it${extra:+ (cgroup namespace)}: $(diff "$WORK/theirs" "$WORK/ours")" \
			cmp -s "$WORK/theirs" "$WORK/ours"
	done
}

# Co-mounted controllers ("net_cls,net_prio", free on these hosts:
# mounted here as one hierarchy, in a mount namespace of the test's
# own) are also shown by each controller's name, as symlinks.
test_oci_cgroup_v1_co_mounted_controllers_linked() {
	needs_root || return 0
	cgroup_v1_host || return 0
	if ! grep -Eq '^net_cls[[:space:]]+0[[:space:]]' /proc/cgroups ||
		! grep -Eq '^net_prio[[:space:]]+0[[:space:]]' /proc/cgroups; then
		skip_test "net_cls and net_prio are not both free here"
		return 0
	fi
	local path=/cfs-test-${WORK##*.}
	MOUNTS_EXTRA=', {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["ro"]}' \
		LINUX_EXTRA=", \"cgroupsPath\": \"$path\"" \
		bundle '"sh", "-c", "ls -l /sys/fs/cgroup | grep net_; ls /sys/fs/cgroup/net_cls/ | grep classid"'
	mkdir -p "$WORK/hierarchy/net_cls,net_prio"
	unshare -m --propagation private sh -c '
		mount -t cgroup -o net_cls,net_prio cgroup "$1/hierarchy/net_cls,net_prio" || exit 99
		"$2" --root "$1/state" run --bundle "$1/bundle" co
		status=$?
		ls "$1/hierarchy/net_cls,net_prio$3" >/dev/null 2>&1 && status=98
		umount "$1/hierarchy/net_cls,net_prio"
		# The hierarchy goes at an unmount once no cgroup in it is
		# still dying: the host is left as it was.
		for i in $(seq 50); do
			sleep 0.1
			grep -Eq "^net_cls[[:space:]]+0[[:space:]]" /proc/cgroups && break
			mount -t cgroup -o net_cls,net_prio cgroup "$1/hierarchy/net_cls,net_prio" &&
				umount "$1/hierarchy/net_cls,net_prio"
		done
		exit $status' _ "$WORK" "$OCI" "$path" </dev/null >"$WORK/out" 2>"$WORK/err"
	status=$?
	[ "$status" != 99 ] || {
		skip_test "cannot mount net_cls,net_prio here: $(cat "$WORK/err")"
		return 0
	}
	expect_status 0
	expect_out_has "net_cls -> net_cls,net_prio"
	expect_out_has "net_prio -> net_cls,net_prio"
	expect_out_has "net_cls.classid"
	expect_true "net_cls,net_prio hierarchy left: $(grep net_ /proc/cgroups)" \
		grep -Eq '^net_cls[[:space:]]+0[[:space:]]' /proc/cgroups
}

# `runc spec`'s own config.json (ambient capabilities without an
# inheritable set, which the kernel cannot raise) runs, as with runc.
test_oci_runc_spec_config_runs() {
	needs_root || return 0
	command -v runc >/dev/null || {
		skip_test "no runc here"
		return 0
	}
	bundle '"true"'
	(cd "$WORK/bundle" && rm config.json && runc spec) || flunk "runc spec failed"
	sed -i 's/"terminal": true/"terminal": false/; s/^\(\t*\)"sh"$/\1"sh", "-c", "grep -E \\"^(Cap|NoNewPrivs)\\" \/proc\/self\/status; hostname; ls \/"/' "$WORK/bundle/config.json"
	oci run --bundle "$WORK/bundle" spec
	expect_status 0
	cp "$WORK/out" "$WORK/ours"
	runc --root "$WORK/runc" run --bundle "$WORK/bundle" spec </dev/null >"$WORK/theirs" 2>/dev/null
	expect_out_has "CapAmb:	0000000000000000"
	expect_out_has "NoNewPrivs:	1"
	expect_true "not as with runc: $(diff "$WORK/theirs" "$WORK/ours")" cmp -s "$WORK/theirs" "$WORK/ours"
}

test_oci_read_only_root_and_volumes() {
	needs_root || return 0
	mkdir -p "$WORK/volume"
	echo hosted >"$WORK/volume/file"
	MOUNTS_EXTRA=", {\"destination\": \"/data\", \"source\": \"$WORK/volume\", \"options\": [\"rbind\", \"ro\"]}, {\"destination\": \"/scratch\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"size=1m\"]}" \
		bundle '"sh", "-c", "cat /data/file; touch /data/x || echo volume read-only; touch /x || echo root read-only; touch /scratch/y && echo tmpfs writable"'
	sed -i 's/"path": "rootfs"/"path": "rootfs", "readonly": true/' "$WORK/bundle/config.json"
	oci run --bundle "$WORK/bundle" readonly
	expect_status 0
	expect_out_has "hosted"
	expect_out_has "volume read-only"
	expect_out_has "root read-only"
	expect_out_has "tmpfs writable"
}

test_oci_console_socket() {
	needs_root || return 0
	"$HELPERS/usr/bin/probe" console-socket "$WORK/console.sock" >"$WORK/console" 2>&1 &
	local listener=$!
	local i
	for i in $(seq 50); do [ -S "$WORK/console.sock" ] && break; sleep 0.1; done
	TERMINAL=true bundle '"sh", "-c", "tty; echo on the terminal"'
	oci run --console-socket "$WORK/console.sock" --bundle "$WORK/bundle" termed
	expect_status 0
	wait "$listener"
	grep -q "got a terminal: /dev/pts/0" "$WORK/console" || flunk "console: $(cat "$WORK/console")"
	grep -q "on the terminal" "$WORK/console" || flunk "console: $(cat "$WORK/console")"
	TERMINAL=true bundle '"true"'
	oci create --bundle "$WORK/bundle" notermsocket
	expect_status 1
	grep -q "needs --console-socket" "$WORK/err" || flunk "$(cat "$WORK/err")"
}

test_oci_features_spec_version() {
	oci features
	expect_status 0
	expect_out_has '"ociVersionMax":"1.2.0"'
	expect_out_has '"CAP_SYS_ADMIN"'
	expect_out_has '"SCMP_CMP_MASKED_EQ"'
	mkdir "$WORK/new"
	oci spec --bundle "$WORK/new"
	expect_status 0
	grep -q '"ociVersion"' "$WORK/new/config.json" || flunk "no config.json"
	oci spec --bundle "$WORK/new" # never over one that exists
	expect_status 1
	oci --version
	expect_out_has "container-fs-oci version"
}

# A podman image of the busybox rootfs, built offline (FROM scratch).
podman_image() {
	PODMAN_IMAGE=localhost/container-fs-oci-test
	podman image exists "$PODMAN_IMAGE" && return 0
	mkdir -p "$WORK/image" && cp -a "$BASE" "$WORK/image/rootfs" &&
		printf 'FROM scratch\nADD rootfs /\nCMD ["sh"]\n' >"$WORK/image/Containerfile" &&
		podman build -q -t "$PODMAN_IMAGE" "$WORK/image" >/dev/null
}

# pm run OPTION... : podman run with container-fs-oci and the image; the
# ulimits are what these machines' root may set (it lacks
# CAP_SYS_RESOURCE). Then the command.
pm() {
	local options=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		options+=("$1")
		shift
	done
	shift
	podman --runtime "$OCI" "${options[@]}" --ulimit nofile=1024:1024 \
		--ulimit nproc=1024:1024 "$PODMAN_IMAGE" "$@"
}

needs_podman() {
	needs_root || return 1
	command -v podman >/dev/null || { skip_test "podman is not installed"; return 1; }
	podman_image || { flunk "cannot build the test image"; return 1; }
}

test_oci_podman_run() {
	needs_podman || return 0
	pm run --rm -- sh -c 'echo from podman; exit 4' </dev/null >"$WORK/out" 2>"$WORK/err"
	status=$?
	expect_status 4
	expect_out "from podman"
	mkdir -p "$WORK/volume" && echo host >"$WORK/volume/f"
	pm run --rm --network none -v "$WORK/volume:/v" --user 1000:1000 -- sh -c 'cat /v/f; id -u; ls /sys/class/net' </dev/null >"$WORK/out" 2>&1
	expect_out "$(printf 'host\n1000\nlo')"
	# --read-only: podman's /tmp, /run and --tmpfs are "tmpcopyup" tmpfs
	pm run --rm --read-only --tmpfs /scratch -- sh -c 'touch /x 2>/dev/null || echo read-only; touch /tmp/y /scratch/z && stat -c %a /tmp' </dev/null >"$WORK/out" 2>&1
	expect_out "$(printf 'read-only\n1777')"
}

test_oci_podman_terminal() {
	needs_podman || return 0
	# (podman attaches to the terminal while the container starts: what
	# is written before may not reach the screen, with runc too)
	printf '%s\n' "podman --runtime $OCI run -it --rm --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 $PODMAN_IMAGE sh -c 'sleep 0.5; tty; exit 9'; echo status=\$?" >"$WORK/it"
	script -qec "bash $WORK/it" /dev/null </dev/null >"$WORK/out" 2>&1
	expect_out_has "/dev/pts/0"
	expect_out_has "status=9"
}

test_oci_podman_detach_exec_stop_rm() {
	needs_podman || return 0
	local id
	id=$(pm run -d -- sleep 1000 </dev/null 2>"$WORK/err")
	expect_true "run -d: $(cat "$WORK/err")" [ -n "$id" ]
	podman --runtime "$OCI" exec "$id" sh -c 'echo exec; ps -o pid,args | grep -v ps' </dev/null >"$WORK/out" 2>&1
	expect_out_has "exec"
	expect_out_has "1 sleep 1000"
	# exec -it: a terminal of the exec'd process's own, through conmon's
	# console socket (exec --tty --console-socket).
	script -qec "podman --runtime $OCI exec -it $id sh -c 'tty; exit 5'; echo status=\$?" /dev/null </dev/null >"$WORK/out" 2>&1
	expect_out_has "/dev/pts/"
	expect_out_has "status=5"
	local start=$SECONDS
	podman --runtime "$OCI" stop -t 1 "$id" >/dev/null 2>&1
	expect_true "stop took $((SECONDS - start)) s" [ $((SECONDS - start)) -lt 10 ]
	podman ps -a --format '{{.ID}} {{.Status}}' | grep -q "^${id:0:12} Exited (137)" ||
		flunk "not stopped by SIGKILL: $(podman ps -a | grep "${id:0:12}")"
	podman --runtime "$OCI" rm "$id" >/dev/null 2>&1
	! podman container exists "$id" || flunk "not removed"
}

# A containerd of the test's own, on a socket in $WORK.
start_containerd() {
	cat >"$WORK/containerd.toml" <<EOF
version = 2
root = "$WORK/containerd/root"
state = "$WORK/containerd/state"
[grpc]
  address = "$WORK/containerd.sock"
[ttrpc]
  address = "$WORK/containerd.sock.ttrpc"
[plugins."io.containerd.grpc.v1.cri"]
  disable_tcp_service = true
EOF
	containerd --config "$WORK/containerd.toml" >"$WORK/containerd.log" 2>&1 &
	CONTAINERD_PID=$!
	trap 'kill $CONTAINERD_PID 2>/dev/null; wait $CONTAINERD_PID 2>/dev/null' EXIT
	local i
	for i in $(seq 50); do
		ctr --address "$WORK/containerd.sock" version >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

test_oci_containerd() {
	needs_podman || return 0
	command -v containerd >/dev/null || { skip_test "containerd is not installed"; return 0; }
	start_containerd || { flunk "containerd did not start: $(tail -3 "$WORK/containerd.log")"; return 0; }
	# A namespace of the test's own: containerd puts its containers'
	# cgroups under /NAMESPACE, which is removed at the end.
	local ns=cfs-${WORK##*.}
	local c="ctr --address $WORK/containerd.sock --namespace $ns"
	podman save --format oci-archive -o "$WORK/image.tar" "$PODMAN_IMAGE" >/dev/null 2>&1
	$c images import --base-name "$PODMAN_IMAGE" "$WORK/image.tar" >/dev/null 2>&1 ||
		{ flunk "ctr images import failed"; return 0; }
	$c run --rm --runc-binary "$OCI" "$PODMAN_IMAGE:latest" plain sh -c 'echo from containerd; exit 2' </dev/null >"$WORK/out" 2>"$WORK/err"
	status=$?
	expect_status 2
	expect_out "from containerd"
	script -qec "$c run --rm -t --runc-binary $OCI $PODMAN_IMAGE:latest termed sh -c 'tty; exit 3'; echo status=\$?" /dev/null </dev/null >"$WORK/out" 2>&1
	expect_out_has "/dev/pts/0"
	expect_out_has "status=3"
	$c run -d --runc-binary "$OCI" "$PODMAN_IMAGE:latest" killed sleep 100 >/dev/null 2>&1
	$c task ls 2>&1 | grep -q "killed .*RUNNING" || flunk "not running: $($c task ls 2>&1)"
	$c task kill -s SIGKILL killed
	local i
	for i in $(seq 50); do
		$c task ls 2>&1 | grep -q "killed .*STOPPED" && break
		sleep 0.1
	done
	$c task ls 2>&1 | grep -q "killed .*STOPPED" || flunk "not stopped: $($c task ls 2>&1)"
	$c task delete killed >/dev/null 2>&1
	$c container delete killed >/dev/null 2>&1
	# Each container's cgroup went with it: only the namespace's is left.
	local left
	for left in $(v1_left "/$ns") /sys/fs/cgroup/"$ns"; do
		[ -d "$left" ] && { rmdir "$left" || flunk "cgroups left in $left"; }
	done
	kill $CONTAINERD_PID
	wait $CONTAINERD_PID 2>/dev/null
	trap - EXIT
	umount -R "$WORK/containerd" 2>/dev/null
}

# rootless_podman_both OPTIONS... -- SCRIPT: podman run as the user with
# runc, then with container-fs-oci, on the user's rootfs; out: ours,
# theirs: runc's, each with its exit status.
rootless_podman_both() {
	local opts=() runtime
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	for runtime in /usr/sbin/runc "$WORK/home/container-fs-oci"; do
		as_user podman --runtime "$runtime" run --rm --network host "${opts[@]}" \
			--rootfs "$USER_BASE" sh -c "$2" </dev/null 2>&1 | grep -v level=warning >"$WORK/theirs"
		echo "status ${PIPESTATUS[0]}" >>"$WORK/theirs"
		[ "$runtime" = /usr/sbin/runc ] || mv "$WORK/theirs" "$WORK/out"
		[ "$runtime" != /usr/sbin/runc ] || cp "$WORK/theirs" "$WORK/runc-out"
	done
	mv "$WORK/runc-out" "$WORK/theirs"
}

# Rootless podman calls the runtime as root of its own user namespace,
# with a bundle that asks for none, the host's /sys (and with --pid
# host /proc) bound, and its runtime directory in XDG_RUNTIME_DIR: the
# container stays in podman's namespace, as with runc.
test_oci_rootless_podman_as_with_runc() {
	has_subordinate_ids || {
		skip_test "no subordinate ids for $ROOTLESS_USER"
		return 0
	}
	command -v podman >/dev/null && [ -x /usr/sbin/runc ] || {
		skip_test "no podman or runc here"
		return 0
	}
	rootless_setup
	cp "$OCI" home/container-fs-oci
	[ "$ROOTLESS" = 1 ] || chown "$ROOTLESS_USER:" home/container-fs-oci
	local check='id -u; cat /proc/self/uid_map /proc/self/gid_map; grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status; ls /dev; touch /tmp/f && ls -ln /tmp/f; hostname'
	rootless_podman_both -- "$check"
	grep -q "^status 0" "$WORK/theirs" || {
		skip_test "rootless podman does not run here: $(head -3 "$WORK/theirs")"
		return 0
	}
	expect_true "not as with runc: $(diff "$WORK/theirs" "$WORK/out")" cmp -s "$WORK/theirs" "$WORK/out"
	expect_out_has "100000"
	for options in "--user 1000:1000 -w /tmp" "--read-only --tmpfs /scratch" "--pid host" "--network none" "--userns keep-id"; do
		# shellcheck disable=SC2086 # the options are words
		rootless_podman_both $options -- 'id -u; id -g; pwd; cat /proc/self/uid_map; touch /x 2>&1; ls /proc | grep -c "^[0-9]" | grep -q "^1$" && echo own-pids; ls /sys/class/net'
		expect_true "$options: not as with runc: $(diff "$WORK/theirs" "$WORK/out")" cmp -s "$WORK/theirs" "$WORK/out"
	done
}
