#!/usr/bin/env bash
# HTTPS for the operator page on the Pi (sourced by scripts/pi-setup.sh; needs openssl).
#
# `make setup` makes, once, in $HTTPS_DIR (certs/https beside .env):
#   ca.crt      a local certificate authority for this Pi only: install it in the browsers
#               and phones that open the page (docs/pi-install.md, "HTTPS");
#   server.crt  the service's certificate, signed by that CA, for the Pi's host names
#               (<hostname>, <hostname>.local, localhost), its current addresses and
#               HTTPS_HOSTNAMES from .env;
#   server.key  its private key, 0640, group HTTPS_KEY_GID (the installing user's group,
#               which Compose adds to the service's non-root user).
# The CA's private key is deleted as soon as it has signed: nobody, not even someone with root
# on the Pi, can use it to sign a certificate for another site that those browsers would
# trust. A renewal (30 days before expiry, or `rm certs/https/server.*`) makes a new CA.
# Your own certificate: put it in server.crt/server.key (same names, key 0640) and it is kept.
HTTPS_DIR="${HTTPS_DIR:-$(dirname "$ENV_FILE")/certs/https}"
# Certificates for browsers: 825 days at most (what Apple platforms accept), EC P-256.
HTTPS_CERT_DAYS=825
HTTPS_RENEW_BEFORE_S=$((30 * 86400))
HTTPS_CA_NAME="CryoPilot local CA"

# Every name and address the page may be opened with, as a subjectAltName list.
https_subject_alt_names() {
  local host names=() ip
  host="$(hostname -s)"
  names+=("DNS:$host" "DNS:$host.local" "DNS:localhost" "IP:127.0.0.1" "IP:::1")
  for ip in $(hostname -I 2>/dev/null); do
    case "$ip" in
      *:*) case "$ip" in fe80:*) ;; *) names+=("IP:$ip") ;; esac ;; # no link-local IPv6
      *) names+=("IP:$ip") ;;
    esac
  done
  for extra in $(value_of HTTPS_HOSTNAMES | tr ',' ' '); do
    if [[ "$extra" =~ ^[0-9.]+$ || "$extra" == *:* ]]; then names+=("IP:$extra"); else names+=("DNS:$extra"); fi
  done
  local IFS=,
  echo "${names[*]}"
}

# Whether server.crt is one `make setup` made (renewed by it) rather than the user's own.
https_certificate_is_ours() {
  openssl x509 -in "$HTTPS_DIR/server.crt" -noout -issuer 2>/dev/null | grep -q "$HTTPS_CA_NAME"
}

https_make_certificate() {
  local work san
  work="$(mktemp -d "$HTTPS_DIR/.new.XXXXXX")"
  san="$(https_subject_alt_names)"
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$work/ca.key" -out "$work/ca.crt" -days "$HTTPS_CERT_DAYS" \
    -subj "/CN=$HTTPS_CA_NAME ($(hostname -s), $(date -u +%Y-%m-%d))" \
    -addext 'basicConstraints=critical,CA:TRUE,pathlen:0' \
    -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$work/server.key" -out "$work/server.csr" -subj "/CN=$(hostname -s)" 2>/dev/null
  printf '%s\n' "subjectAltName=$san" 'basicConstraints=critical,CA:FALSE' \
    'keyUsage=critical,digitalSignature' 'extendedKeyUsage=serverAuth' >"$work/ext"
  openssl x509 -req -in "$work/server.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days "$HTTPS_CERT_DAYS" \
    -extfile "$work/ext" -out "$work/server.crt" 2>/dev/null
  rm -f "$work/ca.key" "$work/server.csr" "$work/ext"
  mv -f "$work/server.key" "$HTTPS_DIR/server.key"
  mv -f "$work/server.crt" "$HTTPS_DIR/server.crt"
  mv -f "$work/ca.crt" "$HTTPS_DIR/ca.crt"
  rmdir "$work"
  echo "HTTPS: new certificate for ${san//,/ }"
  echo "HTTPS: install $HTTPS_DIR/ca.crt in the browsers that open the page (docs/pi-install.md)"
}

# Makes (or renews) the certificate unless a valid one is there, then sets its ownership.
ensure_https_certificate() {
  local owner_uid="${SUDO_UID:-$(id -u)}" owner_gid="${SUDO_GID:-$(id -g)}"
  if ! command -v openssl >/dev/null; then
    echo "HTTPS: openssl not found: sudo apt install openssl, then make setup again" >&2
    return 1
  fi
  mkdir -p "$HTTPS_DIR"
  chmod 755 "$HTTPS_DIR"
  if [ -s "$HTTPS_DIR/server.crt" ] && [ -s "$HTTPS_DIR/server.key" ]; then
    if openssl x509 -in "$HTTPS_DIR/server.crt" -noout -checkend "$HTTPS_RENEW_BEFORE_S" >/dev/null; then
      echo "HTTPS: keeping $HTTPS_DIR/server.crt"
    elif https_certificate_is_ours; then
      echo "HTTPS: the certificate expires within 30 days: renewing it (with a new CA)"
      https_make_certificate
    else
      echo "HTTPS: warning: your certificate $HTTPS_DIR/server.crt expires within 30 days" >&2
    fi
  else
    https_make_certificate
  fi
  # The service runs as a non-root user with this group added (docker-compose.yml).
  [ -n "$(value_of HTTPS_KEY_GID)" ] || set_value HTTPS_KEY_GID "$owner_gid"
  local key_gid
  key_gid="$(value_of HTTPS_KEY_GID)"
  if [ "$(id -u)" = 0 ]; then
    chown "$owner_uid:$key_gid" "$HTTPS_DIR" "$HTTPS_DIR/server.key" "$HTTPS_DIR/server.crt"
    [ -f "$HTTPS_DIR/ca.crt" ] && chown "$owner_uid:$key_gid" "$HTTPS_DIR/ca.crt"
  elif [ "$(stat -c %g "$HTTPS_DIR/server.key")" != "$key_gid" ]; then
    chgrp "$key_gid" "$HTTPS_DIR/server.key" || {
      echo "HTTPS: $HTTPS_DIR/server.key must belong to group $key_gid: run 'sudo make setup'" >&2
      return 1
    }
  fi
  chmod 640 "$HTTPS_DIR/server.key"
  chmod 644 "$HTTPS_DIR/server.crt"
  [ ! -f "$HTTPS_DIR/ca.crt" ] || chmod 644 "$HTTPS_DIR/ca.crt"
}
