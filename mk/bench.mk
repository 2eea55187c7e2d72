# Benchmarks against the bare MQTT→WebSocket relay and Node-RED (bench/, issues 6 and 13).
# Included by the Makefile. No benchmark runs in `make test` (speed is measured here, never
# asserted in tests); the harness's own self-tests (`node --test bench/test`) do.
#   make bench                  every scenario, both sample periods (~22 min on 2 cores):
#                               bench/results/<date>.{md,json,svg} + latest.*, README table
#   make bench-latency          one scenario (also: footprint, cpu, storage, reaction, startup,
#                               page); results in bench/results/tmp/
#   BENCH_QUICK=1 make bench    smoke run (~2 min, short windows; results in bench/results/tmp/)
#   BENCH_PERIODS=100 make ...  only some sample periods
#   make bench-check            type-check and self-test the harness (no benchmark)
BENCH_STAMP := bench/node_modules/.cryopilot-bench-installed
BENCH_SCENARIOS := latency footprint cpu storage reaction startup page

.PHONY: bench bench-install bench-check bench-readme $(addprefix bench-,$(BENCH_SCENARIOS))

# bench/ has its own lock file (Node-RED and the clients are not the service's dependencies).
$(BENCH_STAMP): bench/package.json bench/package-lock.json
	cd bench && npm install --no-audit --no-fund
	@touch $@

bench-install: $(BENCH_STAMP)

bench: build bench-install ## benchmarks vs bare relay and Node-RED (BENCH_QUICK=1: smoke run)
	node bench/run-bench.mjs
	@if [ "$${BENCH_QUICK:-}" != 1 ] && [ -z "$${BENCH_PERIODS:-}" ]; then node bench/update-readme.mjs; fi

$(addprefix bench-,$(BENCH_SCENARIOS)): bench-%: build bench-install
	node bench/run-bench.mjs --scenario $*

bench-readme: ## copy bench/results/latest.md's table into the README's Benchmarks section
	node bench/update-readme.mjs

bench-check: build bench-install ## type-check and self-test the benchmark harness
	npx tsc -p bench/tsconfig.json
	node --test bench/test/*.test.mjs
