#!/usr/bin/env bash
# Where Grafana's alerts go: e-mail (SMTP), ntfy (phone push) and/or a webhook.
#
# Sourced by scripts/pi-setup.sh (`make setup`), or run on its own (`make alerts`, which asks
# again even when destinations are set). It
#  1. takes the destinations from the environment (ALERT_EMAIL_TO + SMTP_*, ALERT_NTFY_URL,
#     ALERT_WEBHOOK_URL), else from .env, else asks (answers may be piped in); nothing is
#     asked when CI or CRYOPILOT_NONINTERACTIVE=1 is set;
#  2. writes them to .env, with ALERT_DESTINATIONS (`email,ntfy,webhook`, or `none`);
#  3. generates Grafana's contact point `cryopilot-oncall` (CONTACT_POINTS_FILE, by default
#     grafana/provisioning/alerting/contact-points.yaml, not in git) with one receiver per
#     destination; the values stay in .env and reach Grafana as ${VAR} through Compose;
#  4. says LOUDLY when no destination is set: the contact point then points at
#     http://alert-destination-not-set.invalid/…, which can never be delivered, so Grafana
#     shows the contact point failing instead of pretending alerts go somewhere.
# Send a test notification through Grafana with `make test-alert`.
set -euo pipefail

ALERTS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ENV_FILE="${ENV_FILE:-$ALERTS_ROOT/.env}"
CONTACT_POINTS_FILE="${CONTACT_POINTS_FILE:-$ALERTS_ROOT/grafana/provisioning/alerting/contact-points.yaml}"
NO_DESTINATION_URL='http://alert-destination-not-set.invalid/run-make-alerts'

# The variables this file owns in .env (values written single-quoted: Compose takes them
# literally, so a `$` or `&` in a URL or password survives).
ALERT_VARS=(ALERT_DESTINATIONS ALERT_EMAIL_TO ALERT_NTFY_URL ALERT_WEBHOOK_URL
  SMTP_ENABLED SMTP_HOST SMTP_USER SMTP_PASSWORD SMTP_FROM)

alerts_env_get() { # NAME → its value in $ENV_FILE, quotes removed (empty when unset)
  local line
  line="$(grep -E "^$1=" "$ENV_FILE" 2>/dev/null | tail -n 1 || true)"
  line="${line#*=}"
  if [[ "$line" == \'*\' && ${#line} -ge 2 ]]; then line="${line:1:${#line}-2}"; fi
  printf '%s' "$line"
}

alerts_env_set() { # NAME VALUE: replaces or appends NAME='VALUE' in $ENV_FILE
  local name="$1" value="$2" tmp
  if [[ "$value" == *"'"* || "$value" == *$'\n'* ]]; then
    echo "$name: a single quote or a line break cannot be stored in .env" >&2
    return 1
  fi
  tmp="$(mktemp "$ENV_FILE.XXXXXX")"
  chmod 600 "$tmp"
  NAME="$name" VALUE="$value" awk '
    BEGIN { line = ENVIRON["NAME"] "=\047" ENVIRON["VALUE"] "\047"; done = 0 }
    index($0, ENVIRON["NAME"] "=") == 1 { if (!done) print line; done = 1; next }
    { print }
    END { if (!done) print line }
  ' "$ENV_FILE" >"$tmp"
  mv "$tmp" "$ENV_FILE"
}

alerts_interactive() {
  [ -z "${CI:-}" ] && [ "${CRYOPILOT_NONINTERACTIVE:-0}" != 1 ]
}

# Prompts are shown on a terminal only (like `read -p`): piped answers are read silently.
alerts_say() { if [ -t 0 ]; then printf '%s' "$1" >&2; fi; }

alerts_ask() { # PROMPT → the answer on stdout ('' at end of input)
  local answer=''
  alerts_say "$1"
  IFS= read -r answer || true
  printf '%s' "$answer"
}

alerts_ask_secret() {
  local answer=''
  alerts_say "$1"
  if [ -t 0 ]; then
    IFS= read -rs answer || true
    echo >&2
  else
    IFS= read -r answer || true
  fi
  printf '%s' "$answer"
}

alerts_valid_url() { [[ "$1" =~ ^https?://[^[:space:]]+$ ]]; }
alerts_valid_emails() { [[ "$1" =~ ^[^[:space:]@,\;]+@[^[:space:]@,\;]+([,\;][[:space:]]*[^[:space:]@,\;]+@[^[:space:]@,\;]+)*$ ]]; }

# Asks until the answer passes CHECK (3 tries); empty input skips.
alerts_ask_valid() { # PROMPT CHECK WHAT
  local answer tries=0
  while [ $tries -lt 3 ]; do
    answer="$(alerts_ask "$1")"
    [ -z "$answer" ] && return 0
    if "$2" "$answer"; then
      printf '%s' "$answer"
      return 0
    fi
    echo "  not a valid $3: $answer" >&2
    tries=$((tries + 1))
  done
  return 0
}

alerts_prompt() {
  [ -t 0 ] && cat >&2 <<'EOF'

Where should Grafana send alerts (O2 low, fill timeout, sensor fault, no data)?
  1) e-mail   (needs an SMTP server you may use)
  2) ntfy     (push to phones: a topic URL such as https://ntfy.sh/<long-secret-topic>)
  3) webhook  (any URL accepting a JSON POST: chat, paging or building system)
Several at once: e.g. "1 2". Enter alone: none for now (`make alerts` asks again).
EOF
  local choice email url smtp_host smtp_user smtp_password smtp_from
  choice="$(alerts_ask 'destinations: ')"
  if [[ "$choice" == *1* ]]; then
    email="$(alerts_ask_valid '  e-mail recipients (comma separated): ' alerts_valid_emails 'address list')"
    if [ -n "$email" ]; then
      smtp_host="$(alerts_ask '  SMTP server host:port (e.g. smtp.example.org:587): ')"
      smtp_user="$(alerts_ask '  SMTP user (empty: none): ')"
      smtp_password="$(alerts_ask_secret '  SMTP password (empty: none): ')"
      smtp_from="$(alerts_ask "  sender address [cryopilot@$(hostname -s 2>/dev/null || echo pi)]: ")"
      ALERT_EMAIL_TO="$email"
      SMTP_HOST="${smtp_host:-$SMTP_HOST}"
      SMTP_USER="$smtp_user"
      SMTP_PASSWORD="$smtp_password"
      SMTP_FROM="${smtp_from:-cryopilot@$(hostname -s 2>/dev/null || echo pi)}"
    fi
  fi
  if [[ "$choice" == *2* ]]; then
    url="$(alerts_ask_valid '  ntfy topic URL: ' alerts_valid_url URL)"
    [ -n "$url" ] && ALERT_NTFY_URL="$url"
  fi
  if [[ "$choice" == *3* ]]; then
    url="$(alerts_ask_valid '  webhook URL: ' alerts_valid_url URL)"
    [ -n "$url" ] && ALERT_WEBHOOK_URL="$url"
  fi
  return 0
}

# The receivers of the contact point, one per destination (values come from the environment
# Compose gives Grafana: ${VAR} is expanded in contact point settings).
alerts_write_contact_points() { # DESTINATIONS (comma separated, or none)
  local destinations="$1" tmp
  tmp="$(mktemp "$CONTACT_POINTS_FILE.XXXXXX")"
  {
    cat <<'EOF'
# GENERATED by `make setup` / `make alerts` from ALERT_* in .env: do not edit (not in git).
# One contact point, `cryopilot-oncall` (policies.yaml routes every alert to it), with one
# receiver per destination. Receivers no longer wanted are deleted below. Values are
# written $VAR, not ${VAR}: Grafana expands ${VAR} and then the result again (a `$` in a URL
# would be lost).
apiVersion: 1

contactPoints:
  - orgId: 1
    name: cryopilot-oncall
    receivers:
EOF
    if [[ ",$destinations," == *,email,* ]]; then
      cat <<'EOF'
      - uid: cryopilot-email
        type: email
        settings:
          addresses: $ALERT_EMAIL_TO
          singleEmail: true
        disableResolveMessage: false
EOF
    fi
    if [[ ",$destinations," == *,ntfy,* ]]; then
      cat <<'EOF'
      # ntfy publishes the request body as the message; the headers set title and priority.
      - uid: cryopilot-ntfy
        type: webhook
        settings:
          url: $ALERT_NTFY_URL
          httpMethod: POST
          headers:
            Title: CryoPilot alert
            Priority: high
            Tags: warning
          payload:
            template: '{{ template "default.message" . }}'
        disableResolveMessage: false
EOF
    fi
    if [[ ",$destinations," == *,webhook,* ]]; then
      cat <<'EOF'
      - uid: cryopilot-webhook
        type: webhook
        settings:
          url: $ALERT_WEBHOOK_URL
          httpMethod: POST
        disableResolveMessage: false
EOF
    fi
    if [ "$destinations" = none ]; then
      cat <<EOF
      # NO ALERT DESTINATION IS SET: this address can never be reached (.invalid), so every
      # notification fails visibly in Grafana (Alerting > Contact points). Run \`make alerts\`.
      - uid: cryopilot-no-destination
        type: webhook
        settings:
          url: $NO_DESTINATION_URL
          httpMethod: POST
        disableResolveMessage: true
EOF
    fi
    echo
    echo 'deleteContactPoints:'
    local uid
    for uid in email ntfy webhook no-destination; do
      local name="$uid"
      [ "$uid" = no-destination ] && name=none
      if [[ ",$destinations," != *,$name,* ]]; then
        printf '  - orgId: 1\n    uid: cryopilot-%s\n' "$uid"
      fi
    done
  } >"$tmp"
  chmod 644 "$tmp"
  mv "$tmp" "$CONTACT_POINTS_FILE"
}

alerts_loud_warning() {
  cat <<'EOF'

  ############################################################################
  ##  WARNING: NO ALERT DESTINATION IS SET                                  ##
  ##  Grafana's alerts (O2 low, fill timeout, sensor fault, no data) reach  ##
  ##  NOBODY: its contact point is marked as failing on purpose.            ##
  ##  Set one: `make alerts` (e-mail, ntfy or webhook), then `make up` and  ##
  ##  `make test-alert`.                                                    ##
  ############################################################################

EOF
}

configure_alert_destinations() {
  local name
  # 1. The environment wins (scripted installs, CI); then .env.
  for name in "${ALERT_VARS[@]}"; do
    if [ -z "${!name:-}" ]; then
      printf -v "$name" '%s' "$(alerts_env_get "$name")"
    fi
  done
  : "${SMTP_HOST:=smtp.example.org:587}" "${SMTP_FROM:=cryopilot@example.org}"
  # Values of earlier versions that sent alerts nowhere are not destinations.
  [ "${ALERT_EMAIL_TO:-}" = root@localhost ] && ALERT_EMAIL_TO=''
  [[ "${ALERT_WEBHOOK_URL:-}" == http://localhost:9/* ]] && ALERT_WEBHOOK_URL=''

  local configured=''
  [ -n "${ALERT_EMAIL_TO:-}${ALERT_NTFY_URL:-}${ALERT_WEBHOOK_URL:-}" ] && configured=1
  # 2. Ask when nothing is set (or `make alerts`), unless non-interactive.
  if { [ -z "$configured" ] || [ "${ALERTS_RECONFIGURE:-0}" = 1 ]; } && alerts_interactive; then
    if [ "${ALERTS_RECONFIGURE:-0}" = 1 ]; then
      ALERT_EMAIL_TO='' ALERT_NTFY_URL='' ALERT_WEBHOOK_URL=''
    fi
    alerts_prompt
  fi

  local destinations=()
  if [ -n "${ALERT_EMAIL_TO:-}" ]; then
    alerts_valid_emails "$ALERT_EMAIL_TO" || {
      echo "ALERT_EMAIL_TO is not a list of e-mail addresses: $ALERT_EMAIL_TO" >&2
      return 1
    }
    destinations+=(email)
  fi
  for name in ALERT_NTFY_URL ALERT_WEBHOOK_URL; do
    if [ -n "${!name:-}" ]; then
      alerts_valid_url "${!name}" || {
        echo "$name is not an http(s) URL: ${!name}" >&2
        return 1
      }
    fi
  done
  [ -n "${ALERT_NTFY_URL:-}" ] && destinations+=(ntfy)
  [ -n "${ALERT_WEBHOOK_URL:-}" ] && destinations+=(webhook)
  if ((${#destinations[@]})); then
    ALERT_DESTINATIONS="$(
      IFS=,
      echo "${destinations[*]}"
    )"
  else
    ALERT_DESTINATIONS=none
  fi
  if [[ ",$ALERT_DESTINATIONS," == *,email,* ]]; then SMTP_ENABLED=true; else SMTP_ENABLED=false; fi

  for name in "${ALERT_VARS[@]}"; do
    alerts_env_set "$name" "${!name:-}"
  done
  alerts_write_contact_points "$ALERT_DESTINATIONS"
  if [ "$ALERT_DESTINATIONS" = none ]; then
    alerts_loud_warning
  else
    echo "alerts go to: $ALERT_DESTINATIONS (wrote $(basename "$CONTACT_POINTS_FILE"); check with \`make test-alert\`)"
  fi
}

# Run on its own (`make alerts`): ask again.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  [ -f "$ENV_FILE" ] || {
    echo "$ENV_FILE not found: run \`make setup\` first" >&2
    exit 1
  }
  ALERTS_RECONFIGURE="${ALERTS_RECONFIGURE:-1}" configure_alert_destinations
fi
