#!/usr/bin/env bash
# A write-only token on the central InfluxDB's `cryopilot` bucket for one Pi's replication
# (docs/fleet.md, "Telemetry"): run on the central host, next to compose.yml.
#   ./influx-token.sh <device>   prints FLEET_INFLUX_TOKEN=… and FLEET_INFLUX_ORG_ID=… for the Pi
# One token per device, so that revoking a device is `influx auth delete` of its token alone
# (`influx auth list --json | grep <device>` finds it).
set -euo pipefail
cd "$(dirname "$0")"
device="${1:?usage: influx-token.sh <device>}"
[[ "$device" =~ ^[A-Za-z0-9_-]{1,64}$ ]] || { echo "device id: letters, digits, - and _ only" >&2; exit 2; }
COMPOSE="${COMPOSE:-docker compose}"
bucket_id="$($COMPOSE exec -T influxdb influx bucket list --org cryopilot --name cryopilot \
  --hide-headers | awk '{print $1}')"
token="$($COMPOSE exec -T influxdb influx auth create --org cryopilot --write-bucket "$bucket_id" \
  --description "replication from $device" --json | sed -n 's/^ *"token": "\([^"]*\)".*/\1/p')"
org_id="$($COMPOSE exec -T influxdb influx org list --name cryopilot --hide-headers | awk '{print $1}')"
echo "FLEET_INFLUX_TOKEN=$token"
echo "FLEET_INFLUX_ORG_ID=$org_id"
