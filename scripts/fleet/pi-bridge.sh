#!/usr/bin/env bash
# The Pi's side of the fleet (docs/fleet.md): renders mosquitto/fleet/bridge.conf.template into
# mosquitto/config/conf.d/fleet-bridge.conf (BRIDGE_CONF) from a few answers, or removes it when
# the Pi is not part of a fleet. Run by `make setup` (scripts/pi-setup.sh), or alone:
# `make fleet-bridge`.
#
# Answers: from the environment, else from .env, else asked (when stdin is a terminal and
# neither CI nor CRYOPILOT_NONINTERACTIVE is set); written back to .env so the next `make setup`
# renders the same file.
#   FLEET_CENTRAL_URL      mqtts://central.example.org:8883 (empty: no bridge)
#   FLEET_ALLOW_COMMANDS   yes|no — may the central side send commands to this device? (required)
#   FLEET_PASSWORD         the device's central password (scripts/fleet/central-device.sh add)
#   FLEET_CERT_FILE/FLEET_KEY_FILE   or a client certificate and key (CN = DEVICE_ID)
#   FLEET_CA_FILE          the central CA certificate (required for mqtts://)
#   FLEET_SHARE_DISCOVERY  yes|no (default no): also send Home Assistant discovery centrally
# The bridge's topic is DEVICE_ID from .env — the very value the control service publishes
# under (docker-compose.yml passes it as DEVICE_ID), so the two cannot differ.
set -euo pipefail
FLEET_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ENV_FILE="${ENV_FILE:-$FLEET_ROOT/.env}"
BRIDGE_TEMPLATE="${BRIDGE_TEMPLATE:-$FLEET_ROOT/mosquitto/fleet/bridge.conf.template}"
BRIDGE_CONF="${BRIDGE_CONF:-$FLEET_ROOT/mosquitto/config/conf.d/fleet-bridge.conf}"
# Where the certificates are copied on the host, and where the broker sees them (the
# docker-compose.yml mount of mosquitto/certs).
FLEET_CERTS_DIR="${FLEET_CERTS_DIR:-$FLEET_ROOT/mosquitto/certs/fleet}"
FLEET_BROKER_CERTS_DIR="${FLEET_BROKER_CERTS_DIR:-/mosquitto/certs/fleet}"
BROKER_UID="${BROKER_UID:-1883}"

fleet_env_get() { # NAME → its value in $ENV_FILE (empty when unset)
  sed -n "s/^$1=//p" "$ENV_FILE" 2>/dev/null | tail -n 1
}

fleet_env_set() { # NAME VALUE (validated by the caller: no | or newline)
  if grep -q "^$1=" "$ENV_FILE"; then
    sed -i "s|^$1=.*|$1=$2|" "$ENV_FILE"
  else
    printf '%s=%s\n' "$1" "$2" >>"$ENV_FILE"
  fi
}

fleet_answer() { # NAME PROMPT → environment, else .env, else asked (empty when not asked)
  local name="$1" value
  if [ -n "${!name+x}" ]; then
    value="${!name}"
  elif grep -q "^$name=" "$ENV_FILE" 2>/dev/null; then
    value="$(fleet_env_get "$name")"
  elif [ -t 0 ] && [ -z "${CI:-}" ] && [ "${CRYOPILOT_NONINTERACTIVE:-0}" != 1 ]; then
    read -r -p "$2: " value
  else
    value=""
  fi
  if [[ "$value" == *"|"* || "$value" == *" "* ]]; then
    echo "$name: no spaces or | allowed" >&2
    exit 2
  fi
  fleet_env_set "$name" "$value"
  printf '%s' "$value"
}

install_cert() { # SOURCE NAME MODE → the path the broker sees
  mkdir -p "$FLEET_CERTS_DIR"
  [ -f "$1" ] || { echo "fleet: $1 not found" >&2; exit 2; }
  if [ "$(realpath "$1")" != "$(realpath -m "$FLEET_CERTS_DIR/$2")" ]; then
    cp "$1" "$FLEET_CERTS_DIR/$2"
  fi
  chmod "$3" "$FLEET_CERTS_DIR/$2"
  [ "$(id -u)" = 0 ] && chown "$BROKER_UID:$BROKER_UID" "$FLEET_CERTS_DIR/$2"
  printf '%s/%s' "$FLEET_BROKER_CERTS_DIR" "$2"
}

configure_fleet_bridge() {
  local url device allow password cert key ca discovery host port scheme flags=()
  url="$(fleet_answer FLEET_CENTRAL_URL 'Central broker URL for the fleet (mqtts://host:8883; empty: no fleet)')"
  if [ -z "$url" ]; then
    rm -f "$BRIDGE_CONF"
    echo "fleet: no central broker (FLEET_CENTRAL_URL empty): no bridge"
    return 0
  fi
  device="$(fleet_env_get DEVICE_ID)"
  [[ "$device" =~ ^[A-Za-z0-9_-]{1,64}$ ]] || { echo "fleet: DEVICE_ID '$device' invalid" >&2; exit 2; }
  [[ "$url" =~ ^(mqtts?)://([^:/]+):([0-9]+)/?$ ]] ||
    { echo "fleet: FLEET_CENTRAL_URL must be mqtts://host:port (or mqtt:// on a trusted LAN)" >&2; exit 2; }
  scheme="${BASH_REMATCH[1]}" host="${BASH_REMATCH[2]}" port="${BASH_REMATCH[3]}"
  allow="$(fleet_answer FLEET_ALLOW_COMMANDS 'May the central side send commands to this device? (yes/no)')"
  case "$allow" in
    yes) flags+=(commands) ;;
    no) ;;
    *) echo "fleet: FLEET_ALLOW_COMMANDS must be yes or no (an explicit answer)" >&2; exit 2 ;;
  esac
  discovery="$(fleet_answer FLEET_SHARE_DISCOVERY 'Send Home Assistant discovery to the central broker too? (yes/no)')"
  [ "$discovery" = yes ] && flags+=(discovery)
  password="$(fleet_answer FLEET_PASSWORD 'Device password on the central broker (empty: client certificate)')"
  cert="$(fleet_answer FLEET_CERT_FILE 'Client certificate file (empty: password)')"
  key="$(fleet_answer FLEET_KEY_FILE 'Client key file')"
  ca="$(fleet_answer FLEET_CA_FILE 'Central CA certificate file (for mqtts)')"
  if [ -n "$cert" ]; then
    [ -n "$key" ] || { echo "fleet: FLEET_KEY_FILE is required with FLEET_CERT_FILE" >&2; exit 2; }
    [ "$scheme" = mqtts ] || { echo "fleet: a client certificate needs mqtts://" >&2; exit 2; }
    flags+=(cert)
    cert="$(install_cert "$cert" device.crt 644)" key="$(install_cert "$key" device.key 600)"
  elif [[ "$password" =~ ^[A-Za-z0-9._-]{16,}$ ]]; then
    flags+=(password)
  else
    echo "fleet: FLEET_PASSWORD (16+ letters, digits, . _ -) or FLEET_CERT_FILE is required" >&2
    exit 2
  fi
  if [ "$scheme" = mqtts ]; then
    [ -n "$ca" ] || { echo "fleet: FLEET_CA_FILE is required for mqtts://" >&2; exit 2; }
    flags+=(tls)
    ca="$(install_cert "$ca" ca.crt 644)"
  else
    echo "warning: fleet bridge without TLS ($url): only on a trusted network" >&2
  fi
  render_bridge "$device" "$host" "$port" "$password" "$ca" "$cert" "$key" "${flags[@]}"
  echo "fleet: bridge cryopilot/$device/# → $host:$port (commands in: $allow) in $BRIDGE_CONF"
}

render_bridge() { # DEVICE HOST PORT PASSWORD CA CERT KEY FLAG...
  local device="$1" host="$2" port="$3" password="$4" ca="$5" cert="$6" key="$7" flag tmp
  shift 7
  local messages="${FLEET_QUEUE_MESSAGES:-50000}" bytes="${FLEET_QUEUE_BYTES:-67108864}"
  local keep='' # sed expressions that un-comment the flagged lines
  for flag in "$@"; do keep+="s/^#?$flag //;"; done
  mkdir -p "$(dirname "$BRIDGE_CONF")"
  tmp="$(mktemp "$(dirname "$BRIDGE_CONF")/.fleet-bridge.XXXXXX")"
  chmod 600 "$tmp"
  sed -e "$keep" -e '/^#?[a-z]* /d' \
    -e "s|@DEVICE_ID@|$device|g; s|@CENTRAL_HOST@|$host|g; s|@CENTRAL_PORT@|$port|g" \
    -e "s|@PASSWORD@|$password|g; s|@CA_FILE@|$ca|g; s|@CERT_FILE@|$cert|g; s|@KEY_FILE@|$key|g" \
    -e "s|@MAX_QUEUED_MESSAGES@|$messages|g; s|@MAX_QUEUED_BYTES@|$bytes|g" \
    -e "s|@QUEUE_HOURS@|$((messages / 8 / 3600))|g" \
    "$BRIDGE_TEMPLATE" >"$tmp"
  # The file holds the device's password: the broker's alone.
  [ "$(id -u)" = 0 ] && chown "$BROKER_UID:$BROKER_UID" "$tmp"
  mv "$tmp" "$BRIDGE_CONF"
}

# Run on its own (`make fleet-bridge`); sourced by pi-setup.sh, which calls the function.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  [ -f "$ENV_FILE" ] || { echo "no $ENV_FILE: run make setup first" >&2; exit 2; }
  configure_fleet_bridge
fi
