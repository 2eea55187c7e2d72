#!/usr/bin/env bash
# Device identities on the central broker (docs/fleet.md, "Identity and revocation").
#   fleet-device.sh init <central-host>   central CA, server certificate, empty CRL and passwd
#   fleet-device.sh add <device> [--cert] a password (default) or a client certificate signed
#                                         by the central CA; prints the Pi's FLEET_* answers
#   fleet-device.sh user <fleet-reader|fleet-operator>  a password for a person's tool
#                                         (dashboards read; operators may send commands)
#   fleet-device.sh revoke <device>       removes its password and revokes its certificate
#                                         (CRL); then reload/restart the broker as printed
# CENTRAL_DIR (default: this folder) holds mosquitto/config/passwd, mosquitto/certs/ and
# devices/<device>/ (what to copy to the Pi; contains secrets). CENTRAL_URL overrides the URL
# printed for the Pi (default mqtts://<host from init>:8883, :8884 for certificates).
# MOSQUITTO_IMAGE runs mosquitto_passwd when the binary is not installed.
set -euo pipefail
CENTRAL_DIR="${CENTRAL_DIR:-$(cd "$(dirname "$0")" && pwd)}"
PASSWD="$CENTRAL_DIR/mosquitto/config/passwd"
CERTS="$CENTRAL_DIR/mosquitto/certs"
DEVICES="$CENTRAL_DIR/devices"
MOSQUITTO_IMAGE="${MOSQUITTO_IMAGE:-eclipse-mosquitto:2.0.22}"
BROKER_UID="${BROKER_UID:-1883}"
# Names the ACL gives to people, never to devices.
RESERVED=(fleet-reader fleet-operator)

usage() { sed -n '2,14p' "$0" >&2; exit 2; }

valid_device() { # the control service's own rule (config deviceId), minus the reserved names
  [[ "$1" =~ ^[A-Za-z0-9_-]{1,64}$ ]] || { echo "device id: letters, digits, - and _ only" >&2; exit 2; }
  for name in "${RESERVED[@]}"; do
    [ "$1" != "$name" ] || { echo "device id: '$1' is reserved" >&2; exit 2; }
  done
}

san() { # HOST → the server certificate's subjectAltName (an IP address or a DNS name)
  if [[ "$1" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]]; then echo "IP:$1"; else echo "DNS:$1"; fi
}

# OpenSSL's CA database (index.txt) is what lets `openssl ca` revoke and write the CRL.
ca_config() {
  cat <<CONF
[ca]
default_ca = fleet
[fleet]
dir = $CERTS/ca
database = \$dir/index.txt
new_certs_dir = \$dir/issued
serial = \$dir/serial
crlnumber = \$dir/crlnumber
certificate = $CERTS/ca.crt
private_key = $CERTS/ca/ca.key
default_md = sha256
default_days = 825
default_crl_days = 3650
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
[device]
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
[server]
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = $(san "$(cat "$CERTS/ca/host")")
CONF
}

openssl_ca() { # its chatter only when it fails
  local log
  log="$(openssl ca -batch -config <(ca_config) "$@" 2>&1)" || { echo "$log" >&2; return 1; }
}

hash_passwords() { # FILE with user:plaintext lines → hashed in place
  if command -v mosquitto_passwd >/dev/null; then
    mosquitto_passwd -U "$1"
  else
    docker run --rm --user "$(id -u):$(id -g)" -v "$(dirname "$1"):/work" "$MOSQUITTO_IMAGE" \
      mosquitto_passwd -U "/work/$(basename "$1")"
  fi
}

cmd_init() {
  local host="${1:?usage: init <central-host>}"
  [ ! -f "$CERTS/ca.crt" ] || { echo "already initialised ($CERTS/ca.crt)" >&2; exit 2; }
  mkdir -p "$CERTS/ca/issued" "$(dirname "$PASSWD")" "$DEVICES"
  chmod 700 "$CERTS/ca"
  : >"$CERTS/ca/index.txt"
  echo 1000 >"$CERTS/ca/serial"
  echo 1000 >"$CERTS/ca/crlnumber"
  echo "$host" >"$CERTS/ca/host"
  openssl req -x509 -newkey rsa:3072 -nodes -days 3650 -subj "/CN=CryoPilot fleet CA" \
    -keyout "$CERTS/ca/ca.key" -out "$CERTS/ca.crt" 2>/dev/null
  openssl req -newkey rsa:3072 -nodes -subj "/CN=$host" \
    -keyout "$CERTS/server.key" -out "$CERTS/server.csr" 2>/dev/null
  openssl_ca -extensions server -in "$CERTS/server.csr" -out "$CERTS/server.crt"
  rm -f "$CERTS/server.csr"
  openssl_ca -gencrl -out "$CERTS/crl.pem"
  : >"$PASSWD"
  chmod 600 "$PASSWD" "$CERTS/server.key"
  chmod 644 "$CERTS/ca.crt" "$CERTS/server.crt" "$CERTS/crl.pem"
  if [ "$(id -u)" = 0 ]; then chown "$BROKER_UID:$BROKER_UID" "$PASSWD" "$CERTS/server.key"; fi
  echo "central CA and server certificate for $host in $CERTS (keep $CERTS/ca/ private)"
}

cmd_add() {
  local device="${1:?usage: add <device> [--cert]}" mode="${2:-}" host dir url
  valid_device "$device"
  [ -f "$CERTS/ca.crt" ] || { echo "run '$0 init <central-host>' first" >&2; exit 2; }
  host="$(cat "$CERTS/ca/host")"
  dir="$DEVICES/$device"
  mkdir -p "$dir" && chmod 700 "$dir"
  cp "$CERTS/ca.crt" "$dir/ca.crt"
  echo "# Answers for the Pi '$device': put them in its .env, copy this folder's files to the"
  echo "# paths named here, then run 'make setup' there (docs/fleet.md)."
  if [ "$mode" = --cert ]; then
    url="${CENTRAL_URL:-mqtts://$host:8884}"
    openssl req -newkey rsa:3072 -nodes -subj "/CN=$device" \
      -keyout "$dir/device.key" -out "$dir/device.csr" 2>/dev/null
    openssl_ca -extensions device -in "$dir/device.csr" -out "$dir/device.crt"
    rm -f "$dir/device.csr"
    chmod 600 "$dir/device.key"
    printf 'FLEET_CENTRAL_URL=%s\nFLEET_CERT_FILE=%s\nFLEET_KEY_FILE=%s\nFLEET_PASSWORD=\n' \
      "$url" "$dir/device.crt" "$dir/device.key"
  else
    url="${CENTRAL_URL:-mqtts://$host:8883}"
    local password
    password="$(set_password "$device")"
    printf 'FLEET_CENTRAL_URL=%s\nFLEET_PASSWORD=%s\nFLEET_CERT_FILE=\nFLEET_KEY_FILE=\n' \
      "$url" "$password"
  fi
  printf 'FLEET_CA_FILE=%s\n# yes: central operators may send this device commands\nFLEET_ALLOW_COMMANDS=no\n' \
    "$dir/ca.crt"
  echo "# then reload the central broker: docker compose kill -s HUP mosquitto"
}

set_password() { # USER → a new random password, hashed into $PASSWD (replacing USER's line)
  local password plain
  password="$(openssl rand -hex 24)"
  # Hashed through a private temp file: the password never appears on a command line.
  plain="$(mktemp "$(dirname "$PASSWD")/.passwd.XXXXXX")"
  chmod 600 "$plain"
  printf '%s:%s\n' "$1" "$password" >"$plain"
  hash_passwords "$plain" >&2
  { grep -v "^$1:" "$PASSWD" || true; cat "$plain"; } >"$plain.all"
  rm -f "$plain"
  chmod 600 "$plain.all"
  if [ "$(id -u)" = 0 ]; then chown "$BROKER_UID:$BROKER_UID" "$plain.all"; fi
  mv "$plain.all" "$PASSWD"
  printf '%s' "$password"
}

cmd_user() {
  case "${1:-}" in
    fleet-reader | fleet-operator) ;;
    *) echo "usage: user fleet-reader|fleet-operator" >&2; exit 2 ;;
  esac
  [ -f "$PASSWD" ] || { echo "run '$0 init <central-host>' first" >&2; exit 2; }
  printf '%s password: %s\n' "$1" "$(set_password "$1")"
  echo "# then reload the central broker: docker compose kill -s HUP mosquitto"
}

cmd_revoke() {
  local device="${1:?usage: revoke <device>}" serial
  valid_device "$device"
  if grep -q "^$device:" "$PASSWD" 2>/dev/null; then
    # In place (same owner and mode): the broker re-reads it on SIGHUP.
    sed -i "/^$device:/d" "$PASSWD"
    echo "password of $device removed: docker compose kill -s HUP mosquitto" \
      "(Mosquitto re-checks connected clients on reload and drops it)"
  fi
  # Every valid certificate issued to this CN (index.txt: status, expiry, -, serial, file, DN).
  for serial in $(awk -F'\t' -v cn="/CN=$device" '$1 == "V" && $6 == cn { print $4 }' \
    "$CERTS/ca/index.txt" 2>/dev/null); do
    openssl_ca -revoke "$CERTS/ca/issued/$serial.pem"
    echo "certificate $serial of $device revoked"
  done
  openssl_ca -gencrl -out "$CERTS/crl.pem"
  chmod 644 "$CERTS/crl.pem"
  echo "CRL updated ($CERTS/crl.pem): docker compose restart mosquitto" \
    "(Mosquitto 2.0 reads crlfile when a listener starts)"
  rm -rf "${DEVICES:?}/$device"
}

case "${1:-}" in
  init) shift; cmd_init "$@" ;;
  add) shift; cmd_add "$@" ;;
  user) shift; cmd_user "$@" ;;
  revoke) shift; cmd_revoke "$@" ;;
  *) usage ;;
esac
