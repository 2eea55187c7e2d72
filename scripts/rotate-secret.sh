#!/usr/bin/env bash
# `make rotate-secret NAME=<secret> [DRY_RUN=1]`: gives a secret a new value in the RUNNING
# stack (through the service's own CLI) and in .env, in that order, so that .env never holds
# a value the service does not know.
#
# Why: InfluxDB and Grafana read their DOCKER_INFLUXDB_INIT_* / GF_SECURITY_ADMIN_PASSWORD
# values only when their data volume is empty (first start), and the control service reads
# ADMIN_PASSWORD only while it has no users: editing .env later silently changes nothing
# there (and breaks whatever else reads the new value, e.g. Grafana's datasource password).
#
#   INFLUXDB_ADMIN_PASSWORD    influx user password (user admin)
#   INFLUXDB_ADMIN_TOKEN       a new operator token (a token's value cannot be chosen in
#                              InfluxDB 2); the influx CLI config in the container is switched
#                              to it and the old "admin's Token" is deleted
#   GRAFANA_INFLUX_PASSWORD    influx v1 auth set-password (user grafana), then Grafana is
#                              recreated so its provisioned datasource gets the new password
#   GRAFANA_ADMIN_PASSWORD     grafana cli admin reset-admin-password --password-from-stdin
#   ADMIN_PASSWORD             the operator page's `admin` user (users CLI, --password-stdin)
#   MQTT_PASSWORD, MQTT_READONLY_PASSWORD, MQTT_HEALTHCHECK_PASSWORD
#                              .env, then `make setup` rewrites Mosquitto's passwd, SIGHUP,
#                              and the clients are recreated with the new value
#   INFLUX_WRITE_TOKEN         the control service's write-only token (not in .env): a new one
#                              is written to the shared token file (the service re-reads it),
#                              then the old one is deleted; also creates it on a stack set up
#                              before the token existed
#
# DRY_RUN=1 prints the steps and commands (secrets shown as <new secret>) and changes nothing.
# New values are 48 random hex characters, like `make setup`'s. Secrets travel on stdin; the
# influx CLI only takes them as arguments (visible to processes on the Pi while it runs).
# ENV_FILE and COMPOSE override the .env path and the Compose command (tests).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ENV_FILE="${ENV_FILE:-$ROOT/.env}"
read -ra COMPOSE_CMD <<<"${COMPOSE:-docker compose}"
DRY_RUN="${DRY_RUN:-0}"
NAME="${1:-}"
exec 3>&1 # what a dry run shows goes here, also from inside $(…)

SECRETS=(INFLUXDB_ADMIN_PASSWORD INFLUXDB_ADMIN_TOKEN GRAFANA_INFLUX_PASSWORD
  GRAFANA_ADMIN_PASSWORD ADMIN_PASSWORD MQTT_PASSWORD MQTT_READONLY_PASSWORD
  MQTT_HEALTHCHECK_PASSWORD INFLUX_WRITE_TOKEN)
WRITE_TOKEN_DESCRIPTION='cryopilot control service (write-only, bucket cryopilot)'

usage() {
  echo "usage: make rotate-secret NAME=<secret> [DRY_RUN=1]" >&2
  echo "secrets: ${SECRETS[*]}" >&2
  exit 64
}
[[ " ${SECRETS[*]} " == *" $NAME "* ]] || usage
[ -f "$ENV_FILE" ] || {
  echo "$ENV_FILE not found: run make setup" >&2
  exit 1
}

random_secret() {
  if command -v openssl >/dev/null; then
    openssl rand -hex 24
  else
    od -An -tx1 -N24 /dev/urandom | tr -d ' \n'
  fi
}

env_get() { sed -n "s/^$1=//p" "$ENV_FILE" | tail -n 1; }

env_set() { # NAME VALUE (hex: no quoting needed); atomic, keeps the file's mode
  local tmp
  tmp="$(mktemp "$ENV_FILE.XXXXXX")"
  chmod 600 "$tmp"
  NAME="$1" VALUE="$2" awk '
    BEGIN { line = ENVIRON["NAME"] "=" ENVIRON["VALUE"]; done = 0 }
    index($0, ENVIRON["NAME"] "=") == 1 { if (!done) print line; done = 1; next }
    { print }
    END { if (!done) print line }
  ' "$ENV_FILE" >"$tmp"
  mv "$tmp" "$ENV_FILE"
}

NEW=''
mask() { # the text with the new secret hidden
  local text="$*"
  if [ -n "$NEW" ]; then text="${text//$NEW/<new secret>}"; fi
  printf '%s' "$text"
}

step=0
say() {
  step=$((step + 1))
  echo "$step. $*" >&3
}

# run [--stdin VALUE] COMMAND…: runs it (its output on stdout), or shows it on a dry run.
run() {
  local input='' piped=0
  if [ "$1" = --stdin ]; then
    input="$2"
    piped=1
    shift 2
  fi
  if [ "$DRY_RUN" = 1 ]; then
    local shown
    shown="$(printf '%q ' "$@")"
    shown="$(mask "${shown% }")"
    if [ $piped = 1 ]; then shown="printf '%s\\n' <new secret> | $shown"; fi
    echo "   $shown" >&3
    return 0
  fi
  if [ $piped = 1 ]; then printf '%s\n' "$input" | "$@"; else "$@"; fi
}

compose() { run "${COMPOSE_CMD[@]}" "$@"; }
compose_stdin() {
  local input="$1"
  shift
  run --stdin "$input" "${COMPOSE_CMD[@]}" "$@"
}

# The `"key": "value"` of influx-cli's --json output (tab-indented, one field a line).
json_field() { sed -n "s/^[[:space:]]*\"$1\":[[:space:]]*\"\\([^\"]*\\)\".*/\\1/p" | head -n 1; }

take_created_token() { # influx auth create --json output → NEW (the token) and new_id
  if [ "$DRY_RUN" = 1 ]; then
    NEW='<the token InfluxDB returns>' new_id='<its id>'
    return
  fi
  NEW="$(printf '%s\n' "$1" | json_field token)"
  new_id="$(printf '%s\n' "$1" | json_field id)"
  [ -n "$NEW" ] && [ -n "$new_id" ] || fail "InfluxDB returned no token"
}

fail() {
  echo "rotate-secret $NAME: $*; .env is unchanged" >&2
  exit 1
}

[ "$DRY_RUN" = 1 ] && echo "DRY RUN: nothing is changed. Rotating $NAME would:"

case "$NAME" in
  INFLUXDB_ADMIN_PASSWORD)
    NEW="$(random_secret)"
    say "set the InfluxDB user admin's password (influx user password)"
    compose_stdin "$NEW" exec -T influxdb sh -c \
      'IFS= read -r p && exec influx user password --name admin --password "$p"' >/dev/null ||
      fail "InfluxDB refused the new password"
    say "write it to $ENV_FILE"
    [ "$DRY_RUN" = 1 ] || env_set "$NAME" "$NEW"
    ;;

  GRAFANA_INFLUX_PASSWORD)
    NEW="$(random_secret)"
    say "set the password of InfluxDB's v1 user grafana (influx v1 auth set-password)"
    compose_stdin "$NEW" exec -T influxdb sh -c \
      'IFS= read -r p && exec influx v1 auth set-password --username grafana --password "$p"' \
      >/dev/null || fail "InfluxDB refused the new password"
    say "write it to $ENV_FILE"
    [ "$DRY_RUN" = 1 ] || env_set "$NAME" "$NEW"
    say "recreate Grafana: its provisioned datasource reads the password from its environment"
    compose up -d grafana
    ;;

  GRAFANA_ADMIN_PASSWORD)
    NEW="$(random_secret)"
    say "set Grafana's admin password (grafana cli admin reset-admin-password)"
    compose_stdin "$NEW" exec -T grafana grafana cli --homepath /usr/share/grafana \
      admin reset-admin-password --password-from-stdin >/dev/null ||
      fail "Grafana refused the new password"
    say "write it to $ENV_FILE"
    [ "$DRY_RUN" = 1 ] || env_set "$NAME" "$NEW"
    ;;

  ADMIN_PASSWORD)
    NEW="$(random_secret)"
    say "set the operator page's admin password (users CLI in the control container)"
    compose_stdin "$NEW" exec -T control node dist/auth/users-cli.js set-password admin \
      --password-stdin >/dev/null || fail "the control service refused the new password"
    say "write it to $ENV_FILE"
    [ "$DRY_RUN" = 1 ] || env_set "$NAME" "$NEW"
    ;;

  MQTT_PASSWORD | MQTT_READONLY_PASSWORD | MQTT_HEALTHCHECK_PASSWORD)
    NEW="$(random_secret)"
    old="$(env_get "$NAME")"
    say "write it to $ENV_FILE (Mosquitto's passwd is made from .env)"
    [ "$DRY_RUN" = 1 ] || env_set "$NAME" "$NEW"
    say "rewrite mosquitto/config/passwd (make setup)"
    if ! run env CRYOPILOT_NONINTERACTIVE=1 bash "$ROOT/scripts/pi-setup.sh" >/dev/null; then
      env_set "$NAME" "$old"
      fail "make setup failed"
    fi
    say "make Mosquitto re-read passwd (SIGHUP), then recreate its clients with the new value"
    compose kill -s HUP mosquitto
    compose up -d mosquitto control
    ;;

  INFLUXDB_ADMIN_TOKEN)
    say "create a new operator token (influx auth create --operator)"
    created="$(compose exec -T influxdb influx auth create --operator \
      --description "admin's Token" --json)" || fail "InfluxDB refused to create the token"
    take_created_token "$created"
    say "make the influx CLI in the container use it"
    compose_stdin "$NEW" exec -T influxdb sh -c \
      'IFS= read -r t && exec influx config set --config-name "${DOCKER_INFLUXDB_INIT_CLI_CONFIG_NAME:-default}" --token "$t"' \
      >/dev/null || fail "the influx CLI config could not be updated (the new token $new_id exists)"
    say "delete the previous operator token(s) (\"admin's Token\", all but $new_id)"
    listed="$(compose exec -T influxdb influx auth list --json)" || fail "influx auth list failed"
    old_ids="$(printf '%s\n' "$listed" | awk -v keep="$new_id" '
      /"id":/ { split($0, a, "\""); id = a[4] }
      /"description": "admin'\''s Token"/ { if (id != keep) print id }')"
    for id in $old_ids; do
      compose exec -T influxdb influx auth delete --id "$id" >/dev/null ||
        echo "could not delete the old operator token $id: delete it by hand" >&2
    done
    say "write it to $ENV_FILE"
    [ "$DRY_RUN" = 1 ] || env_set "$NAME" "$NEW"
    ;;

  INFLUX_WRITE_TOKEN)
    say "find the bucket cryopilot"
    bucket="$(compose exec -T influxdb influx bucket list --name cryopilot --hide-headers)" ||
      fail "influx bucket list failed"
    bucket_id="$(printf '%s\n' "$bucket" | awk 'NR == 1 { print $1 }')"
    [ "$DRY_RUN" = 1 ] && bucket_id='<bucket id>'
    [ -n "$bucket_id" ] || fail "InfluxDB has no bucket cryopilot"
    say "create a write-only token for it"
    created="$(compose exec -T influxdb influx auth create --org cryopilot \
      --write-bucket "$bucket_id" --description "$WRITE_TOKEN_DESCRIPTION" --json)" ||
      fail "InfluxDB refused to create the token"
    take_created_token "$created"
    say "replace the token file the control service reads (it re-reads it on change)"
    old_id="$(compose_stdin "$(printf '%s\n%s' "$NEW" "$new_id")" exec -T influxdb sh -c '
      set -e
      f="$INFLUX_WRITE_TOKEN_FILE"
      IFS= read -r token
      IFS= read -r id
      cat "$f.id" 2>/dev/null || true
      mkdir -p "$(dirname "$f")"
      t="$(mktemp "$f.XXXXXX")"
      printf "%s\n" "$token" >"$t"
      chown "${TOKEN_FILE_OWNER:-1000:1000}" "$t" 2>/dev/null || true
      chmod 0400 "$t"
      mv -f "$t" "$f"
      printf "%s\n" "$id" >"$f.id"
      chmod 0444 "$f.id"')" || fail "the token file could not be written (token $new_id exists)"
    [ "$DRY_RUN" = 1 ] && old_id='<previous id, from the .id file>'
    if [ -n "${old_id:-}" ] && [ "$old_id" != "$new_id" ]; then
      say "delete the previous write-only token $old_id"
      compose exec -T influxdb influx auth delete --id "$old_id" >/dev/null ||
        echo "could not delete the old write-only token $old_id: delete it by hand" >&2
    fi
    ;;
esac

if [ "$DRY_RUN" = 1 ]; then
  echo "(dry run: run again without DRY_RUN=1 to do it)"
else
  echo "rotated $NAME"
fi
