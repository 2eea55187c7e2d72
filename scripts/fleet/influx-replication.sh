#!/usr/bin/env bash
# `make fleet-replication`: InfluxDB Edge Data Replication from this Pi's `cryopilot` bucket to
# the central InfluxDB 2 (docs/fleet.md, "Telemetry"). No forwarder of our own: InfluxDB queues
# every write on the Pi's disk and sends it on (`influx remote create`, `influx replication
# create`: https://docs.influxdata.com/influxdb/v2/write-data/replication/replicate-data/).
# Runs the influx CLI inside the Pi's `influxdb` container, with its operator token.
#
# Inputs (environment, else .env):
#   FLEET_INFLUX_URL     the central InfluxDB, e.g. https://central.example.org:8086
#   FLEET_INFLUX_TOKEN   a write-only token on the central bucket (deploy/central/influx-token.sh)
#   FLEET_INFLUX_ORG_ID  the central org's id (printed by the same script)
#   FLEET_INFLUX_BUCKET  the central bucket (default cryopilot)
#   FLEET_INFLUX_MAX_QUEUE_BYTES  the Pi's on-disk queue for a WAN outage (default 256 MiB:
#                        days of one device's telemetry; InfluxDB's own default is 64 MiB)
# Idempotent: an existing remote/replication named cryopilot-central is updated, not doubled.
# Only data written after the replication exists is sent (InfluxDB replicates incoming writes).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ENV_FILE="${ENV_FILE:-$ROOT/.env}"
COMPOSE="${COMPOSE:-docker compose}"
NAME=cryopilot-central

env_or_file() { # NAME → environment, else .env
  if [ -n "${!1:-}" ]; then printf '%s' "${!1}"; else sed -n "s/^$1=//p" "$ENV_FILE" | tail -n 1; fi
}
url="$(env_or_file FLEET_INFLUX_URL)"
token="$(env_or_file FLEET_INFLUX_TOKEN)"
org_id="$(env_or_file FLEET_INFLUX_ORG_ID)"
bucket="$(env_or_file FLEET_INFLUX_BUCKET)"
bucket="${bucket:-cryopilot}"
queue="$(env_or_file FLEET_INFLUX_MAX_QUEUE_BYTES)"
queue="${queue:-268435456}"
for v in url token org_id; do
  [ -n "${!v}" ] || { echo "fleet: FLEET_INFLUX_${v^^} is required (docs/fleet.md)" >&2; exit 2; }
done
[[ "$url" =~ ^https?://[^[:space:]]+$ ]] || { echo "fleet: FLEET_INFLUX_URL must be http(s)://…" >&2; exit 2; }
[[ "$url" == https://* ]] || echo "warning: replication without TLS ($url): only on a trusted network" >&2

influx() { $COMPOSE exec -T influxdb influx "$@"; }
local_bucket="$(influx bucket list --org cryopilot --name cryopilot --hide-headers | awk '{print $1}')"

remote_id="$(influx remote list --org cryopilot --name "$NAME" --hide-headers | awk '{print $1}')"
if [ -z "$remote_id" ]; then
  remote_id="$(influx remote create --org cryopilot --name "$NAME" --remote-url "$url" \
    --remote-api-token "$token" --remote-org-id "$org_id" --hide-headers | awk '{print $1}')"
else
  influx remote update --id "$remote_id" --remote-url "$url" --remote-api-token "$token" \
    --remote-org-id "$org_id" >/dev/null
fi

replication_id="$(influx replication list --org cryopilot --name "$NAME" --hide-headers | awk '{print $1}')"
if [ -z "$replication_id" ]; then
  # Never drop data on a non-retryable error (e.g. a revoked token): it stays queued (bounded by
  # the queue size) until the token is fixed, and `influx replication list` shows the error.
  influx replication create --org cryopilot --name "$NAME" --remote-id "$remote_id" \
    --local-bucket-id "$local_bucket" --remote-bucket "$bucket" \
    --max-queue-bytes "$queue" --no-drop-non-retryable-data >/dev/null
else
  influx replication update --id "$replication_id" --max-queue-bytes "$queue" >/dev/null
fi
influx replication list --org cryopilot --name "$NAME"
echo "fleet: bucket cryopilot replicates to $url (bucket $bucket)"
