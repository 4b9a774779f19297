# bash completion for container-fs                       -*- shell-script -*-
# Installed by `make install` into share/bash-completion/completions.

_container_fs()
{
	local cur prev words cword
	_init_completion || return

	# "rm WRITEDIR...": directories.
	if ((cword > 1)) && [[ ${words[1]} == rm ]]; then
		_filedir -d
		return
	fi
	if ((cword == 1)) && [[ $cur != -* ]]; then
		_filedir -d
		COMPREPLY+=($(compgen -W 'rm' -- "$cur"))
		return
	fi

	# After "--" the words are COMMAND's: complete commands, then files.
	local i
	for ((i = 1; i < cword; i++)); do
		if [[ ${words[i]} == -- ]]; then
			if ((i + 1 == cword)); then
				COMPREPLY=($(compgen -c -- "$cur"))
			else
				_filedir
			fi
			return
		fi
	done

	# container-fs import SOURCE[:NAME] DEST
	if [[ ${words[1]-} == import ]]; then
		((cword > 1)) && _filedir
		return
	fi

	case $prev in
	-v | --volume | --env-file | --overlay-workdir | --image)
		_filedir
		return
		;;
	--tmpfs | -w | --workdir | --hostname | -e | --env | -u | --user | \
		--group-add | --entrypoint)
		return
		;;
	--network | --net)
		COMPREPLY=($(compgen -W 'host none' -- "$cur"))
		return
		;;
	--cap-add | --cap-drop)
		COMPREPLY=($(compgen -W 'ALL AUDIT_CONTROL AUDIT_READ
			AUDIT_WRITE BLOCK_SUSPEND BPF CHECKPOINT_RESTORE CHOWN
			DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID IPC_LOCK
			IPC_OWNER KILL LEASE LINUX_IMMUTABLE MAC_ADMIN
			MAC_OVERRIDE MKNOD NET_ADMIN NET_BIND_SERVICE
			NET_BROADCAST NET_RAW PERFMON SETFCAP SETGID SETPCAP SETUID
			SYSLOG SYS_ADMIN SYS_BOOT SYS_CHROOT SYS_MODULE SYS_NICE
			SYS_PACCT SYS_PTRACE SYS_RAWIO SYS_RESOURCE SYS_TIME
			SYS_TTY_CONFIG WAKE_ALARM' -- "${cur^^}"))
		return
		;;
	esac

	if [[ $cur == --seccomp=* ]]; then
		COMPREPLY=($(compgen -W 'unconfined default' -- "${cur#*=}"))
		return
	fi
	if [[ $cur == --read-only-tmpfs=* ]]; then
		COMPREPLY=($(compgen -W 'true false' -- "${cur#*=}"))
		return
	fi

	# Options only before the first directory.
	local seen_directory=
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-v | --volume | --tmpfs | -e | --env | --env-file | -w | \
			--workdir | -u | --user | --group-add | --hostname | \
			--network | --net | --overlay-workdir | --cap-add | \
			--cap-drop | --image | --entrypoint)
			((i++))
			;;
		-*) ;;
		*) seen_directory=1 ;;
		esac
	done
	if [[ -z $seen_directory && $cur == -* ]]; then
		COMPREPLY=($(compgen -W '-v --volume --tmpfs --rm --read-only
			--read-only-tmpfs= -e --env --env-file --env-host -w
			--workdir -u --user --group-add --hostname --network --net
			--init --overlay-workdir --legacy-mount --userns --no-userns
			--single-id
			--cap-add --cap-drop --allow-new-privs --seccomp=
			--unmask --privileged --image --entrypoint -h --help -V
			--version' -- "$cur"))
		[[ ${COMPREPLY-} == *= ]] && compopt -o nospace
		return
	fi
	# The verb, as the first word.
	if ((cword == 1)) && [[ $cur != -* ]]; then
		COMPREPLY=($(compgen -W 'import' -- "$cur"))
	fi
	_filedir -d
} &&
	complete -F _container_fs container-fs
