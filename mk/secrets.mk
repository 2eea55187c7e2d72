# Secrets of the running stack (included by the Makefile).
#   make rotate-secret NAME=GRAFANA_ADMIN_PASSWORD [DRY_RUN=1]
# InfluxDB and Grafana read their passwords and tokens from .env only on their first start:
# editing .env afterwards changes nothing there. This changes the value inside the running
# service first, then in .env (scripts/rotate-secret.sh lists every NAME).
.PHONY: rotate-secret

rotate-secret: ## Pi: new value for a secret, in the running stack and in .env (NAME=…, DRY_RUN=1)
	@COMPOSE="$(COMPOSE)" DRY_RUN="$(DRY_RUN)" bash scripts/rotate-secret.sh $(NAME)
