#!/usr/bin/env bash
# Starts a private Docker engine for the `docker` sandbox backend and its tests.
#
#   source scripts/start_dockerd.sh     # sets DOCKER_HOST in this shell when the engine answers
#   bash scripts/start_dockerd.sh       # prints `export DOCKER_HOST=...` (exit 1 if no engine)
#   bash scripts/stop_dockerd.sh        # stops it again (by the pid file)
#
# The engine gets its own data root, exec root, pid file and socket under
# $AUTOGRADER_DOCKERD_DIR (default /tmp/autograder-dockerd) and is started
# ONLY with --bridge=none --iptables=false --ip-forward=false --ip-masq=false,
# so it never touches the machine's iptables or ip_forward (the worker
# containers use network "none" anyway). docker.io is installed with apt when
# dockerd is missing and we are root; service starts stay denied by
# policy-rc.d, so the distribution's own dockerd (default flags) never runs.
#
# Safe to source from CI (`set -euo pipefail` shells): it never exits the
# caller's shell, and when the engine cannot start it prints why, leaves
# DOCKER_HOST unset and returns 0; the docker tests then skip with the reason.
# If DOCKER_HOST already points at an engine that answers, that one is used.

_agd_main() (
    set -u
    dir="${AUTOGRADER_DOCKERD_DIR:-/tmp/autograder-dockerd}"
    sock="$dir/docker.sock"
    log="$dir/dockerd.log"
    pidfile="$dir/dockerd.pid"

    ping() {  # does an engine answer on unix socket $1?
        [ -S "$1" ] || return 1
        if command -v curl >/dev/null 2>&1; then
            [ "$(curl -s -m 3 --unix-socket "$1" http://localhost/_ping 2>/dev/null)" = "OK" ]
        elif command -v docker >/dev/null 2>&1; then
            DOCKER_HOST="unix://$1" timeout 5 docker version >/dev/null 2>&1
        else
            return 1
        fi
    }

    if [ -n "${DOCKER_HOST:-}" ] && [ "${DOCKER_HOST#unix://}" != "$DOCKER_HOST" ] && ping "${DOCKER_HOST#unix://}"; then
        echo "== a Docker engine already answers at $DOCKER_HOST" >&2
        echo "$DOCKER_HOST"
        return 0
    fi
    if ping "$sock"; then
        echo "== the autograder's Docker engine is already running (unix://$sock)" >&2
        echo "unix://$sock"
        return 0
    fi
    if [ "$(uname -s)" != Linux ]; then
        echo "== no Docker engine: this script starts dockerd on Linux only" >&2
        return 1
    fi
    if [ "$(id -u)" != 0 ]; then
        echo "== no Docker engine: starting dockerd needs root (set DOCKER_HOST to an existing engine instead)" >&2
        return 1
    fi

    if ! command -v dockerd >/dev/null 2>&1; then
        if ! command -v apt-get >/dev/null 2>&1; then
            echo "== no Docker engine: dockerd is not installed and there is no apt-get to install it" >&2
            return 1
        fi
        echo "== installing docker.io (apt)" >&2
        # deny service starts while installing: the packaged dockerd would start with default
        # flags and change iptables and ip_forward on this machine
        made_policy=""
        if [ ! -e /usr/sbin/policy-rc.d ]; then
            printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && made_policy=1
        fi
        export DEBIAN_FRONTEND=noninteractive
        ok=1
        timeout 600 apt-get update -qq >"$dir.apt.log" 2>&1 || true
        timeout 900 apt-get install -y -qq docker.io >>"$dir.apt.log" 2>&1 || ok=""
        [ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
        if [ -z "$ok" ] || ! command -v dockerd >/dev/null 2>&1; then
            echo "== no Docker engine: apt-get install docker.io failed (see $dir.apt.log):" >&2
            tail -n 5 "$dir.apt.log" >&2 2>/dev/null
            return 1
        fi
    fi

    mkdir -p "$dir/data" "$dir/exec" || { echo "== no Docker engine: cannot create $dir" >&2; return 1; }
    chmod 700 "$dir"
    if [ -f "$pidfile" ]; then  # a previous engine of ours that no longer answers: stop it first
        old="$(cat "$pidfile" 2>/dev/null || true)"
        if [ -n "$old" ] && grep -qa -- "$dir/data" "/proc/$old/cmdline" 2>/dev/null; then
            echo "== stopping an unresponsive earlier dockerd (pid $old)" >&2
            kill "$old" 2>/dev/null || true
            for _ in $(seq 1 50); do kill -0 "$old" 2>/dev/null || break; sleep 0.2; done
            kill -9 "$old" 2>/dev/null || true
        fi
        rm -f "$pidfile"
    fi
    rm -f "$sock"

    echo "== starting dockerd (data root $dir/data, socket $sock, log $log)" >&2
    setsid nohup dockerd \
        --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$pidfile" \
        -H "unix://$sock" \
        --bridge=none --iptables=false --ip-forward=false --ip-masq=false \
        --log-level=warn \
        </dev/null >"$log" 2>&1 &
    pid=$!
    for _ in $(seq 1 120); do
        if ping "$sock"; then
            [ -s "$pidfile" ] || echo "$pid" > "$pidfile"
            chmod 600 "$sock" 2>/dev/null || true
            echo "== dockerd is up (pid $(cat "$pidfile"))" >&2
            echo "unix://$sock"
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "== no Docker engine: dockerd exited at start; last lines of $log:" >&2
            tail -n 15 "$log" >&2 2>/dev/null
            return 1
        fi
        sleep 0.5
    done
    echo "== no Docker engine: dockerd did not answer within 60 s; stopping it; last lines of $log:" >&2
    tail -n 15 "$log" >&2 2>/dev/null
    kill "$pid" 2>/dev/null || true
    return 1
)

if _agd_host="$(_agd_main)"; then
    export DOCKER_HOST="$_agd_host"
    echo "export DOCKER_HOST=$_agd_host"
    _agd_rc=0
else
    echo "== the docker backend's tests will be skipped" >&2
    _agd_rc=1
fi
unset -f _agd_main
unset _agd_host
# sourced: never fail the caller; executed: say whether an engine answers
if (return 0 2>/dev/null); then
    unset _agd_rc
    return 0
fi
exit "$_agd_rc"
