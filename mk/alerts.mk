# Where Grafana's alerts go (included by the Makefile).
#   make alerts       choose e-mail, ntfy and/or webhook (asks; writes .env and the contact point)
#   make test-alert   send a test notification through Grafana to every destination
.PHONY: alerts test-alert alert-destination-check

alerts: ## Pi: choose where Grafana's alerts go (e-mail, ntfy, webhook); then make up
	bash scripts/setup-alerts.sh

# The test runs where Node is: on the host if installed, else inside the control container
# (which has Node), the script piped in. Grafana's admin password and the destinations come
# from .env, through the environment, never a command line.
test-alert: ## Pi: send a test notification through Grafana to every alert destination
	@test -f .env || { echo ".env not found: run make setup" >&2; exit 1; }
	@set -a; . ./.env; set +a; \
	if command -v node >/dev/null; then \
	  GRAFANA_URL=$${GRAFANA_URL:-http://127.0.0.1:3000} node scripts/test-alert.mjs; \
	else \
	  $(COMPOSE) exec -T -e GRAFANA_URL=http://grafana:3000 -e GRAFANA_ADMIN_PASSWORD \
	    -e ALERT_DESTINATIONS control node --input-type=module - < scripts/test-alert.mjs; \
	fi

# Runs before `make up` (pi.mk): a contact point missing after an update is generated again
# from .env, and a stack without any alert destination is said out loud.
up up-local: alert-destination-check
alert-destination-check:
	@if [ -f .env ]; then \
	  if [ ! -f grafana/provisioning/alerting/contact-points.yaml ] || \
	     ! grep -q '^ALERT_DESTINATIONS=.\+' .env; then \
	    CRYOPILOT_NONINTERACTIVE=1 bash -c 'source scripts/setup-alerts.sh && configure_alert_destinations'; \
	  elif grep -q "^ALERT_DESTINATIONS='\?none'\?$$" .env; then \
	    bash -c 'source scripts/setup-alerts.sh && alerts_loud_warning'; \
	  fi; \
	fi
