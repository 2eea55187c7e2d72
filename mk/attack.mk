# Attack run against the service on loopback (attack/, issue 16). Included by the Makefile;
# never part of `make test` (it takes minutes and loads both cores).
#   make attack          every suite against fresh services on 127.0.0.0/8 (~3 min on 2 cores):
#                        attack/results/<date>.{md,json} + latest.*; exits 1 on a crash or a
#                        forbidden state change
#   make attack-readme   copy attack/results/latest.md's table into the README (between
#                        <!-- attack:start --> and <!-- attack:end -->)
#   make attack-check    type-check, lint and self-test the harness (no attack)
#   node attack/run-attack.mjs --suite http-fuzz,takeover   some suites (results/tmp/)
.PHONY: attack attack-readme attack-check

attack: build ## bounded loopback attack run: fuzz, auth matrix, takeover, floods, disk full
	node attack/run-attack.mjs

attack-readme: ## copy attack/results/latest.md's table into the README's attack section
	node attack/update-readme.mjs

attack-check: install ## type-check, lint and self-test the attack harness
	npx tsc -p attack/tsconfig.json
	npx eslint --max-warnings=0 attack
	node --test attack/test/
