# CryoPilot — one entry point for developers, CI and the Pi.
#   make run    the embedded default: simulated HAT, page and API on http://localhost:8181
#   make test   everything CI checks: types, lint, format, all tests
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Native addons (i2c-bus, optional) build against the system's Node headers when present,
# so node-gyp never needs to download them.
ifneq ($(wildcard /usr/include/node/node.h),)
export npm_config_nodedir := /usr
endif

.PHONY: help install build run dev test test-only typecheck lint format clean

# Raspberry Pi stack targets (setup, up, down, logs, backup, update).
-include mk/*.mk

help:
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# `npm ci`: exactly the tree pinned in package-lock.json, which lists every platform's optional
# binaries (@swc/core, jest's resolver, esbuild…), so the same lock installs on x64 and the Pi.
# It never rewrites the lock file; a stale lock fails here instead of drifting.
INSTALL_STAMP := node_modules/.cryopilot-installed
$(INSTALL_STAMP): package.json package-lock.json packages/protocol/package.json services/control/package.json angular-ui/package.json
	npm ci --no-audit --no-fund
	@touch $@
install: $(INSTALL_STAMP) ## install the pinned dependencies

build: install ## compile the protocol package, the service and the operator page
	npm run build

# Memory settings as in the image (services/control/Dockerfile, which says why) and bench/.
SERVICE_NODE_FLAGS := --max-semi-space-size=2 --max-opt=1 --optimize-for-size --expose-gc --flush-baseline-code --bytecode-old-age=1
run: build ## start the embedded default (simulated HAT, port 8181)
	cd services/control && HARDWARE_DRIVER=$${HARDWARE_DRIVER:-simulated} DATA_DIR=$${DATA_DIR:-$(CURDIR)/data} \
	  MALLOC_MMAP_THRESHOLD_=131072 node $(SERVICE_NODE_FLAGS) dist/main.js

# bench-install: the bench harness's self-tests (bench/test) run too; it has its own lock file.
test: install bench-install ## type-check, lint, check formatting, run every test
	npm run build
	npm run typecheck
	npm run lint
	npm run format:check
	node scripts/run-tests.mjs

test-only: install bench-install ## run the tests only (pass ARGS=... to Jest)
	npm run build
	node scripts/run-tests.mjs $(ARGS)

typecheck: install
	npm run typecheck

lint: install
	npm run lint

format: install
	npm run format

clean:
	rm -rf node_modules packages/*/dist services/*/dist angular-ui/dist angular-ui/.angular test-artifacts
