#!/usr/bin/env bash
# podman's Docker-compatible API for Testcontainers and docker-compose (root, no systemd):
#   podman-service.sh start   starts `podman system service --time=0` on $PODMAN_SOCKET unless
#                             something answers there already; prints the pid it started
#   podman-service.sh stop    stops the service this script started (its pid file)
# The service reads CONTAINERS_CONF (containers.conf beside this script by default): every
# container it creates shares the host's network.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$HERE/containers.conf}"
SOCKET="${PODMAN_SOCKET:-/run/podman/podman.sock}"
PIDFILE="${PODMAN_SERVICE_PIDFILE:-$(dirname "$SOCKET")/cryopilot-service.pid}"

answers() { curl -fsS --max-time 2 --unix-socket "$SOCKET" http://d/_ping >/dev/null 2>&1; }

case "${1:-}" in
  start)
    if answers; then
      echo "podman service: already answering on $SOCKET" >&2
      exit 0
    fi
    mkdir -p "$(dirname "$SOCKET")"
    rm -f "$SOCKET"
    setsid podman system service --time=0 "unix://$SOCKET" </dev/null >"$(dirname "$SOCKET")/cryopilot-service.log" 2>&1 &
    echo $! >"$PIDFILE"
    for _ in $(seq 100); do
      answers && {
        echo "podman service: pid $(cat "$PIDFILE") on $SOCKET" >&2
        exit 0
      }
      sleep 0.1
    done
    echo "podman service did not answer on $SOCKET:" >&2
    cat "$(dirname "$SOCKET")/cryopilot-service.log" >&2
    exit 1
    ;;
  stop)
    if [ -f "$PIDFILE" ]; then
      pid="$(cat "$PIDFILE")"
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      rm -f "$PIDFILE"
    fi
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
