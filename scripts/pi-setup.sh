#!/usr/bin/env bash
# `make setup`: makes the Compose stack secure by default.
#  1. creates .env from .env.example when it does not exist;
#  2. fills every empty secret in .env with a new random value (existing values are kept, so
#     running it again changes nothing that works);
#  3. asks where alerts go and writes Grafana's contact point (scripts/setup-alerts.sh);
#  4. makes the operator page's HTTPS certificate and its local CA (scripts/https-cert.sh);
#  5. writes mosquitto/config/passwd (hashed) from the MQTT passwords in .env;
#  6. writes the fleet bridge to a central broker, or removes it (scripts/fleet/pi-bridge.sh,
#     docs/fleet.md; asked once, FLEET_* in .env);
#  7. gives every file the broker reads to the broker's user, and the rest to the installing
#     user (see "Ownership" below).
# No default password anywhere: a stack without `make setup` refuses to start (${VAR:?}).
#
# ENV_FILE, ENV_EXAMPLE, PASSWD_FILE, CONTACT_POINTS_FILE, CERTS_DIR, HTTPS_DIR and BACKUP_DIR
# override the paths (tests); BROKER_UID the broker's user id (1883 in the eclipse-mosquitto image).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ENV_FILE="${ENV_FILE:-$ROOT/.env}"
ENV_EXAMPLE="${ENV_EXAMPLE:-$ROOT/.env.example}"
PASSWD_FILE="${PASSWD_FILE:-$ROOT/mosquitto/config/passwd}"
CERTS_DIR="${CERTS_DIR:-$ROOT/mosquitto/certs}"
BACKUP_DIR="${BACKUP_DIR:-$ROOT/backups}"
BROKER_UID="${BROKER_UID:-1883}"
MOSQUITTO_IMAGE="${MOSQUITTO_IMAGE:-eclipse-mosquitto:2.0.22}"

# Every secret of the stack; each gets 48 random hex characters.
SECRETS=(
  ADMIN_PASSWORD
  MQTT_PASSWORD
  MQTT_READONLY_PASSWORD
  MQTT_HEALTHCHECK_PASSWORD
  INFLUXDB_ADMIN_PASSWORD
  INFLUXDB_ADMIN_TOKEN
  GRAFANA_INFLUX_PASSWORD
  GRAFANA_ADMIN_PASSWORD
)

random_secret() {
  if command -v openssl >/dev/null; then
    openssl rand -hex 24
  else
    od -An -tx1 -N24 /dev/urandom | tr -d ' \n'
  fi
}

value_of() { # NAME → its value in $ENV_FILE (empty when unset)
  sed -n "s/^$1=//p" "$ENV_FILE" | tail -n 1
}

set_value() { # NAME VALUE (VALUE is hex or a plain word: safe for sed)
  if grep -q "^$1=" "$ENV_FILE"; then
    sed -i "s|^$1=.*|$1=$2|" "$ENV_FILE"
  else
    printf '%s=%s\n' "$1" "$2" >>"$ENV_FILE"
  fi
}

host_i2c_gid() {
  stat -c %g /dev/i2c-1 2>/dev/null || getent group i2c 2>/dev/null | cut -d: -f3 || true
}

if [ ! -f "$ENV_FILE" ]; then
  cp "$ENV_EXAMPLE" "$ENV_FILE"
  echo "created $ENV_FILE from $(basename "$ENV_EXAMPLE")"
fi
chmod 600 "$ENV_FILE"

generated=0
for name in "${SECRETS[@]}"; do
  if [ -z "$(value_of "$name")" ]; then
    set_value "$name" "$(random_secret)"
    generated=$((generated + 1))
  fi
done
[ -n "$(value_of DEVICE_ID)" ] || set_value DEVICE_ID "$(hostname -s | tr -c 'A-Za-z0-9_\n-' '-')"
# The service's MQTT client id, unguessable: Mosquitto cannot tie a client id to a user, and
# a client connecting with the service's id would take its session (and its commands) over.
[ -n "$(value_of MQTT_CLIENT_ID)" ] ||
  set_value MQTT_CLIENT_ID "cryopilot-$(value_of DEVICE_ID)-$(random_secret | cut -c1-16)"
if [ -z "$(value_of I2C_GID)" ]; then
  gid="$(host_i2c_gid)"
  set_value I2C_GID "${gid:-998}"
fi
echo "$generated secret(s) generated in $ENV_FILE (existing values kept)"

# Where Grafana's alerts go (asked once; `make alerts` asks again): scripts/setup-alerts.sh.
# shellcheck source=scripts/setup-alerts.sh
source "$ROOT/scripts/setup-alerts.sh"
configure_alert_destinations

# The operator page over HTTPS (certs/https beside .env): scripts/https-cert.sh.
# shellcheck source=scripts/https-cert.sh
source "$ROOT/scripts/https-cert.sh"
ensure_https_certificate

if [ ! -w "$(dirname "$PASSWD_FILE")" ]; then
  # The broker's entrypoint made its config folder its own (uid 1883) at the first start.
  echo "$(dirname "$PASSWD_FILE") belongs to the broker: run 'sudo make setup'" >&2
  exit 1
fi
# Mosquitto password file: plaintext written to a private temp file, then hashed in place
# (mosquitto_passwd -U), so no password ever appears on a command line.
plain="$(mktemp "$(dirname "$PASSWD_FILE")/.passwd.XXXXXX")"
trap 'rm -f "$plain"' EXIT
chmod 600 "$plain"
{
  printf 'cryopilot:%s\n' "$(value_of MQTT_PASSWORD)"
  printf 'reader:%s\n' "$(value_of MQTT_READONLY_PASSWORD)"
  printf 'healthcheck:%s\n' "$(value_of MQTT_HEALTHCHECK_PASSWORD)"
} >"$plain"
if command -v mosquitto_passwd >/dev/null; then
  mosquitto_passwd -U "$plain"
elif command -v docker >/dev/null; then
  dir="$(cd "$(dirname "$plain")" && pwd)"
  docker run --rm --user "$(id -u):$(id -g)" -v "$dir:/work" "$MOSQUITTO_IMAGE" \
    mosquitto_passwd -U "/work/$(basename "$plain")"
else
  echo "neither mosquitto_passwd nor docker found: install docker (see docs/pi-install.md)" >&2
  exit 1
fi
mv "$plain" "$PASSWD_FILE"
trap - EXIT
echo "wrote $PASSWD_FILE (users cryopilot, reader, healthcheck)"

# The fleet bridge (mosquitto/config/conf.d/fleet-bridge.conf), or none: scripts/fleet/pi-bridge.sh.
# shellcheck source=scripts/fleet/pi-bridge.sh
source "$ROOT/scripts/fleet/pi-bridge.sh"
configure_fleet_bridge

# ---- Ownership (by construction, not by the broker's entrypoint) ----
# The broker starts as root and drops to uid $BROKER_UID before it reads passwd, acl and its
# TLS key — also when it re-reads them on SIGHUP. The image's entrypoint chowns /mosquitto only
# at container start (and not the read-only certs mount), so what `sudo make setup` writes must
# already be the broker's, or a password reset plus SIGHUP locks every client out
# ("Unable to open pwfile"). What the installing user reads (.env for `docker compose`,
# backups/ for `make backup`) goes back to that user (SUDO_UID under sudo).
owner_uid="${SUDO_UID:-$(id -u)}"
owner_gid="${SUDO_GID:-$(id -g)}"
mkdir -p "$BACKUP_DIR"
if [ "$(id -u)" = 0 ]; then
  chown "$BROKER_UID:$BROKER_UID" "$PASSWD_FILE"
  chmod 600 "$PASSWD_FILE"
  chown "$owner_uid:$owner_gid" "$ENV_FILE" "$BACKUP_DIR"
  if [ -f "$CERTS_DIR/server.key" ]; then
    chown "$BROKER_UID:$BROKER_UID" "$CERTS_DIR/server.key"
    chmod 600 "$CERTS_DIR/server.key"
    for crt in "$CERTS_DIR"/*.crt; do [ -f "$crt" ] && chmod 644 "$crt"; done
    chmod 755 "$CERTS_DIR"
    echo "TLS: $CERTS_DIR/server.key belongs to the broker (uid $BROKER_UID, 0600), certificates 0644"
  fi
else
  # Not root: only possible before the broker's first start (then the config folder is
  # still the user's); the entrypoint hands passwd to the broker when the container starts.
  if [ -f "$CERTS_DIR/server.key" ] && [ "$(stat -c %u "$CERTS_DIR/server.key")" != "$BROKER_UID" ]; then
    echo "TLS: $CERTS_DIR/server.key must belong to the broker (uid $BROKER_UID): run 'sudo make setup'" >&2
    exit 1
  fi
fi
if [ -f "$CERTS_DIR/ca.key" ]; then
  echo "warning: $CERTS_DIR/ca.key is the CA's private key: move it off the Pi" >&2
fi
