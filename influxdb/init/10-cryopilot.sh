#!/bin/bash
# Runs once, right after the influxdb image's initial setup (DOCKER_INFLUXDB_INIT_MODE=setup
# created the org `cryopilot`, the bucket `cryopilot` with INFLUX_RETENTION and the operator
# token); the influx CLI is already configured with that token.
#  - bucket `cryopilot_long` (INFLUX_LONG_RETENTION) for 1-minute means, filled by a task;
#  - DBRP mappings so that InfluxQL (Grafana, and portable to InfluxDB 1.8 and 3) sees
#    database `cryopilot` with retention policies `autogen` (raw) and `long` (1-minute means);
#  - the v1-compatibility user `grafana`, read-only on both buckets.
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
echo "cryopilot: bucket cryopilot_long, DBRP mappings, user grafana and the downsampling task created"
