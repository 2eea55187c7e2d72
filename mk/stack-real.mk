# The real-stack checks (included by the Makefile): a running Compose stack with the real
# upstream images, in the GitHub workflow (job stack-real). Not part of `make test`; fails
# when the stack's addresses are not given (STACK_GRAFANA_URL, STACK_CONTROL_URL,
# STACK_INFLUX_URL, STACK_ENV_FILE, STACK_COMPOSE, STACK_WEBHOOK_PORT).
.PHONY: test-stack-real

test-stack-real: install ## checks against a running stack with the real images (CI: stack-real)
	npm run build -w @cryopilot/protocol
	npx jest --config services/control/jest.stack-real.config.js --runInBand --forceExit
