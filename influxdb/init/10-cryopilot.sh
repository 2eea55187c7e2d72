#!/bin/bash
# Runs once, right after the influxdb image's initial setup (DOCKER_INFLUXDB_INIT_MODE=setup
# created the org `cryopilot`, the bucket `cryopilot` with INFLUX_RETENTION and the operator
# token); the influx CLI is already configured with that token.
#  - bucket `cryopilot_long` (INFLUX_LONG_RETENTION) for 1-minute means, filled by a task;
#  - DBRP mappings so that InfluxQL (Grafana, and portable to InfluxDB 1.8 and 3) sees
#    database `cryopilot` with retention policies `autogen` (raw) and `long` (1-minute means);
#  - the v1-compatibility user `grafana`, read-only on both buckets;
#  - a WRITE-ONLY token for the control service (bucket `cryopilot` only), handed over in the
#    file INFLUX_WRITE_TOKEN_FILE on a volume the control service mounts read-only (a token's
#    value cannot be chosen in InfluxDB 2: it exists only once created, so it travels in a
#    file, never through .env). The control service re-reads the file until it exists.
# On failure the image's entrypoint wipes the half-initialised data and the next start runs
# this again (influxdata-docker influxdb/2.9/entrypoint.sh `cleanup_influxd`).
set -euo pipefail
: "${GRAFANA_INFLUX_PASSWORD:?GRAFANA_INFLUX_PASSWORD is required (make setup)}"
org="${DOCKER_INFLUXDB_INIT_ORG}"
raw_id="${DOCKER_INFLUXDB_INIT_BUCKET_ID}"

long_id="$(influx bucket create --org "$org" --name cryopilot_long \
  --retention "${INFLUX_LONG_RETENTION:-1825d}" --hide-headers | awk '{print $1}')"

influx v1 dbrp create --org "$org" --db cryopilot --rp autogen --bucket-id "$raw_id" --default
influx v1 dbrp create --org "$org" --db cryopilot --rp long --bucket-id "$long_id"

influx v1 auth create --org "$org" --username grafana --password "$GRAFANA_INFLUX_PASSWORD" \
  --read-bucket "$raw_id" --read-bucket "$long_id" \
  --description "Grafana (InfluxQL, read-only)"

influx task create --org "$org" --file /etc/cryopilot/tasks/downsample-1m.flux

# The control service's token: write to bucket `cryopilot`, nothing else (influx-cli
# clients/auth: `--write-bucket <id>`; `--json` prints the created authorization, the only
# time its token is shown: InfluxDB 2.9 stores tokens hashed).
token_file="${INFLUX_WRITE_TOKEN_FILE:?INFLUX_WRITE_TOKEN_FILE is required}"
created="$(influx auth create --org "$org" --write-bucket "$raw_id" \
  --description "cryopilot control service (write-only, bucket cryopilot)" --json)"
token="$(printf '%s\n' "$created" | sed -n 's/^[[:space:]]*"token":[[:space:]]*"\([^"]*\)".*/\1/p')"
auth_id="$(printf '%s\n' "$created" | sed -n 's/^[[:space:]]*"id":[[:space:]]*"\([^"]*\)".*/\1/p')"
if [ -z "$token" ] || [ -z "$auth_id" ]; then
  echo "cryopilot: could not create the write-only token" >&2
  exit 1
fi
# Atomically (a reader never sees half a token), readable by the control service's user only
# (uid/gid 1000, the `node` user of its image; TOKEN_FILE_OWNER overrides).
mkdir -p "$(dirname "$token_file")"
tmp="$(mktemp "$token_file.XXXXXX")"
printf '%s\n' "$token" >"$tmp"
printf '%s\n' "$auth_id" >"$token_file.id"
chown "${TOKEN_FILE_OWNER:-1000:1000}" "$tmp" "$token_file.id" 2>/dev/null || true
chmod 0400 "$tmp"
chmod 0444 "$token_file.id"
mv -f "$tmp" "$token_file"

echo "cryopilot: bucket cryopilot_long, DBRP mappings, user grafana, the downsampling task and the write-only token ($token_file) created"
