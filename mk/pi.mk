# Raspberry Pi stack (docker-compose.yml): included by the Makefile.
#   make setup && make up      first installation (docs/pi-install.md)
COMPOSE ?= docker compose
BACKUP_DIR ?= backups

.PHONY: setup up up-local down logs backup restore update

setup: ## Pi: generate every secret into .env and the MQTT password file
	bash scripts/pi-setup.sh

# Folders the stack bind-mounts, made by the invoking user before the engine (as root) would
# make them root's: `make backup` writes there as that user.
STACK_DIRS := $(BACKUP_DIR)

up: ## Pi: start the stack with the published control image (runs setup first when .env is missing)
	@test -f .env || bash scripts/pi-setup.sh
	@mkdir -p $(STACK_DIRS)
	$(COMPOSE) up -d
	$(COMPOSE) ps

up-local: ## Pi: build the control image here from these sources (tag `local`) and start it
	@test -f .env || bash scripts/pi-setup.sh
	@mkdir -p $(STACK_DIRS)
	CRYOPILOT_IMAGE_TAG=local $(COMPOSE) build control
	CRYOPILOT_IMAGE_TAG=local $(COMPOSE) up -d
	$(COMPOSE) ps

down: ## Pi: stop the stack (data volumes are kept)
	$(COMPOSE) down

logs: ## Pi: follow the logs of every service
	$(COMPOSE) logs -f --tail=200

# The control service's data is archived live (setpoints, users, audit, latched alarms, the
# outboxes still waiting for the broker or the database); a file that grew meanwhile is kept as
# read (tar's status 1). BACKUP_INFLUXDB=0 leaves InfluxDB out (a stack whose `influxdb`
# service is not InfluxDB 2, e.g. the stack test's local stand-in).
BACKUP_INFLUXDB ?= 1

backup: ## Pi: InfluxDB, the control service's data, .env and configs into ./backups/<timestamp>
	@set -eu; stamp=$$(date -u +%Y%m%dT%H%M%SZ); dir=$(BACKUP_DIR)/$$stamp; \
	mkdir -p $(BACKUP_DIR); printf '*\n' > $(BACKUP_DIR)/.gitignore; mkdir -m 700 $$dir; \
	if [ "$(BACKUP_INFLUXDB)" = 1 ]; then \
	  $(COMPOSE) exec -T influxdb sh -c "influx backup /backups/$$stamp/influxdb && chown -R $$(id -u):$$(id -g) /backups/$$stamp/influxdb"; \
	fi; \
	$(COMPOSE) exec -T control sh -c 'tar -C /data --warning=no-file-changed -czf - . || [ $$? -eq 1 ]' \
	  > $$dir/control-data.tar.gz; \
	tar -czf $$dir/config.tar.gz .env mosquitto/config/acl \
	  mosquitto/config/mosquitto.conf influxdb grafana $$(test -d certs/https && echo certs/https); \
	echo "backup in $$dir (contains secrets: keep it private, copy it off the Pi)"

restore: ## Pi: put a backup back: make restore BACKUP=backups/<timestamp>
	@set -eu; dir="$(BACKUP)"; test -n "$$dir" && test -f "$$dir/config.tar.gz" || \
	  { echo "usage: make restore BACKUP=$(BACKUP_DIR)/<timestamp>" >&2; exit 2; }; \
	tar -xzf $$dir/config.tar.gz; \
	bash scripts/pi-setup.sh; \
	mkdir -p $(STACK_DIRS); \
	$(COMPOSE) stop control; \
	$(COMPOSE) run --rm --no-deps -T --entrypoint sh control \
	  -c 'find /data -mindepth 1 -delete && tar -xzf - -C /data' < $$dir/control-data.tar.gz; \
	if [ "$(BACKUP_INFLUXDB)" = 1 ] && [ -d "$$dir/influxdb" ]; then \
	  $(COMPOSE) up -d influxdb; \
	  $(COMPOSE) exec -T influxdb influx restore --full /backups/$$(basename $$dir)/influxdb; \
	fi; \
	$(COMPOSE) up -d; \
	echo "restored $$dir"

update: ## Pi: pull the new version and images (the control image included), restart
	git pull --ff-only
	@mkdir -p $(STACK_DIRS)
	$(COMPOSE) pull
	$(COMPOSE) up -d
	docker image prune -f
