# Fleet: many Pis, one central site (docs/fleet.md). Included by the Makefile.
#   make fleet-bridge       Pi: (re)write the bridge to the central broker from FLEET_* in .env
#   make fleet-replication  Pi: replicate the local InfluxDB bucket to the central InfluxDB 2
#   make fleet-load         this machine: 50 and 500 simulated devices through a bridge
.PHONY: fleet-bridge fleet-replication fleet-load

fleet-bridge: ## Pi: write mosquitto/config/conf.d/fleet-bridge.conf from FLEET_* in .env
	bash scripts/fleet/pi-bridge.sh
	@echo "restart the broker to apply: $(COMPOSE) restart mosquitto"

fleet-replication: ## Pi: InfluxDB edge replication to the central InfluxDB 2 (FLEET_INFLUX_* in env)
	bash scripts/fleet/influx-replication.sh

# FLEET_LOAD_DEVICES (default "50 500"), FLEET_LOAD_SECONDS (default 60): bench/fleet/README.md.
fleet-load: bench-install ## measure: simulated devices → edge brokers → central broker + VictoriaMetrics
	node bench/fleet/run-fleet-load.mjs
