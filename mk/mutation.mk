# Mutation testing of the safety core (issue 9): Stryker mutates services/control/src/{control,
# signals,alarms} and runs the unit specs next to that code against each mutant. Included by the
# Makefile; not part of `make test` (about 36 min here, see README "Mutation testing").
#   make mutation                         prints every surviving mutant, the score per file and
#                                         folder, and how long it took; reports in
#                                         test-artifacts/mutation/ (index.html, mutation.json)
#   STRYKER_CONCURRENCY=1 make mutation   one test process instead of two
#   MUTATION_CLOSED_LOOP=1 make mutation  also the closed-loop safety tests (hours)
#   STRYKER_ARGS=--incremental make mutation   reuse the results of the previous incremental
#                                         run for unchanged code and tests (minutes)
.PHONY: mutation

mutation: install ## mutation testing of control/, signals/, alarms/ (Stryker, ~36 min; not in `make test`)
	@start=$$(date +%s); \
	(cd services/control && npx stryker run stryker.config.mjs $(STRYKER_ARGS)); rc=$$?; \
	echo "make mutation: $$(( $$(date +%s) - start )) s; report: test-artifacts/mutation/index.html"; \
	exit $$rc
