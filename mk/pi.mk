# Raspberry Pi stack (docker-compose.yml): included by the Makefile.
#   make setup && make up      first installation (docs/pi-install.md)
COMPOSE ?= docker compose
BACKUP_DIR ?= backups

.PHONY: setup up down logs backup update

setup: ## Pi: generate every secret into .env and the MQTT password file
	bash scripts/pi-setup.sh

up: ## Pi: build and start the stack (runs setup first when .env is missing)
	@test -f .env || bash scripts/pi-setup.sh
	$(COMPOSE) up -d --build
	$(COMPOSE) ps

down: ## Pi: stop the stack (data volumes are kept)
	$(COMPOSE) down

logs: ## Pi: follow the logs of every service
	$(COMPOSE) logs -f --tail=200

backup: ## Pi: InfluxDB backup + .env and configs into ./backups/<timestamp>
	@set -eu; stamp=$$(date -u +%Y%m%dT%H%M%SZ); mkdir -p $(BACKUP_DIR)/$$stamp; \
	printf '*\n' > $(BACKUP_DIR)/.gitignore; chmod 700 $(BACKUP_DIR)/$$stamp; \
	$(COMPOSE) exec -T influxdb influx backup /backups/$$stamp/influxdb; \
	tar -czf $(BACKUP_DIR)/$$stamp/config.tar.gz .env mosquitto/config/acl \
	  mosquitto/config/mosquitto.conf influxdb grafana; \
	echo "backup in $(BACKUP_DIR)/$$stamp (contains secrets: keep it private, copy it off the Pi)"

update: ## Pi: pull the new version and images, rebuild, restart
	git pull --ff-only
	$(COMPOSE) pull --ignore-buildable
	$(COMPOSE) up -d --build
	docker image prune -f
