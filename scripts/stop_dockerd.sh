#!/usr/bin/env bash
# Stops the Docker engine that scripts/start_dockerd.sh started, by its pid file.
#
#   bash scripts/stop_dockerd.sh           # stop it; images stay cached in the data root
#   bash scripts/stop_dockerd.sh --purge   # stop it and delete its data root too
#
# Only the process named in the pid file is signalled, and only when its
# command line names our data root: an engine started by anyone else is left
# alone. Always exits 0 (safe in a CI trap).

dir="${AUTOGRADER_DOCKERD_DIR:-/tmp/autograder-dockerd}"
pidfile="$dir/dockerd.pid"
purge=""
[ "${1:-}" = "--purge" ] && purge=1

pid=""
[ -f "$pidfile" ] && pid="$(cat "$pidfile" 2>/dev/null || true)"
if [ -z "$pid" ]; then
    echo "== no dockerd of ours to stop (no pid file at $pidfile)"
elif ! grep -qa -- "$dir/data" "/proc/$pid/cmdline" 2>/dev/null; then
    echo "== pid $pid from $pidfile is not our dockerd (gone already); nothing to stop"
    rm -f "$pidfile"
else
    echo "== stopping dockerd (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    # dockerd stops its containers (up to their stop timeout) and its containerd, then exits
    for _ in $(seq 1 150); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "== dockerd did not stop within 30 s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.5
    fi
    rm -f "$pidfile"
fi

if [ -n "$purge" ] && [ -d "$dir" ]; then
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        echo "== not purging $dir: dockerd is still running"
    else
        # leftover overlay/shm mounts of a killed engine would make rm fail; unmount ours only
        if [ -r /proc/self/mounts ]; then
            awk -v d="$dir/" 'index($2, d) == 1 {print $2}' /proc/self/mounts | sort -r | while read -r m; do
                umount -l "$m" 2>/dev/null || true
            done
        fi
        rm -rf "$dir" "$dir.apt.log" 2>/dev/null || true
        echo "== removed $dir"
    fi
fi
exit 0
