#!/bin/sh
# Health check of the broker container: a real publish/subscribe round trip through the
# broker, with the broker's own authentication (user `healthcheck`, topic health/#).
set -eu
topic="health/$(hostname)/$$"
mosquitto_sub -h 127.0.0.1 -p "${MQTT_PORT:-1883}" -u healthcheck -P "$MQTT_HEALTHCHECK_PASSWORD" \
  -t "$topic" -C 1 -W 5 >/tmp/health.out &
sub=$!
sleep 0.5
mosquitto_pub -h 127.0.0.1 -p "${MQTT_PORT:-1883}" -u healthcheck -P "$MQTT_HEALTHCHECK_PASSWORD" \
  -t "$topic" -q 1 -m ok
wait "$sub"
test "$(cat /tmp/health.out)" = ok
