/**
 * The loop supervisor's body: a bash script, run as its own small process (`bash -c`), so the
 * supervision costs no second V8 isolate (a worker thread cost ~10 MB of the service's memory;
 * bash holds ~3 MB, most of it the shared C library and its own binary).
 *
 * Protocol on its standard input (a pipe from the service): one byte per completed tick, "d"
 * to disarm before an orderly stop. Arguments: `$1` the limit in ms, `$2` the pid to kill,
 * then the safe-state command and its arguments, if any.
 *
 *   no byte for the limit (a blocked event loop, a bus call that never returns: nothing
 *   writes) → safe-state command, SIGKILL of the service, exit;
 *   end of input without "d" (the service died: a crash, a kill, the OOM killer) →
 *   safe-state command, exit: the valve goes safe without waiting for a restart;
 *   "d" → exit quietly.
 *
 * `read -t` waits the limit from the last byte, so the trip comes exactly `limit` after the
 * last completed tick. bash 3 (macOS) reads whole seconds only: the limit is rounded up there.
 * Each message goes straight to the service's standard error, as its own logs do; a closed
 * standard error must not end the supervisor (SIGPIPE ignored: the write just fails).
 */
export const LOOP_SUPERVISOR_SCRIPT = String.raw`
set -u
trap '' PIPE
limit_ms=$1 pid=$2
shift 2
if (( BASH_VERSINFO[0] >= 4 )); then
  printf -v limit_s '%d.%03d' $(( limit_ms / 1000 )) $(( limit_ms % 1000 ))
else
  limit_s=$(( (limit_ms + 999) / 1000 ))
fi
say() { printf '%s [LoopSupervisor] %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" >&2; }
safe_state() {
  if (( $# == 0 )); then
    say 'the simulated card lives in the service and stops with it'
  elif timeout 10 "$@" </dev/null >&2; then
    say 'valve driven to the safe state through a separate bus handle'
  else
    say "safe-state command failed (exit $?): the valve's own fail-safe and the card's watchdog remain"
  fi
}
while :; do
  IFS= read -r -n 1 -t "$limit_s" byte
  status=$?
  if (( status == 0 )); then
    [[ $byte == d ]] && exit 0
    continue
  fi
  if (( status > 128 )); then
    say "control loop stalled: no completed tick for $limit_ms ms (limit $limit_ms ms)"
    safe_state "$@"
    say "killing process $pid so that it is restarted (start-up makes the valve safe)"
    kill -KILL "$pid"
    exit 0
  fi
  say "the service (process $pid) ended without an orderly stop"
  safe_state "$@"
  exit 0
done
`;
