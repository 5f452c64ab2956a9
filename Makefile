# winback: `make run` brings up the whole stack on this machine; `make test` is what CI runs.
GO            ?= go
TEMPORAL      := $(GO) tool -modfile=tools/go.mod temporal
WORKFLOWCHECK := $(GO) tool -modfile=tools/workflowcheck.mod workflowcheck
STRIPE_MOCK   := $(GO) tool -modfile=tools/stripe-mock.mod stripe-mock
PRISM         := .tools/prism/node_modules/.bin/prism

.PHONY: run run-stripe cluster build test fault cluster-fault screenshots lint workflowcheck prism temporal stripe-mock stripe-mock-run bench clean

## run: dev server with UI, worker, inbox and sandbox providers; Ctrl-C stops it all
run: build temporal
	scripts/run.sh

## run-stripe: like run, with billing on against Stripe's official mock (stripe-mock, built from
## tools/stripe-mock.mod) for the walkthrough "From a Stripe cancellation"
run-stripe: build temporal
	WINBACK_STRIPE=mock scripts/run.sh

## cluster: like run, but on a real Temporal server 1.29.1 on PostgreSQL (Debian's postgresql)
## with 3 workers, kept in .data/cluster; no Web UI. Ctrl-C stops it all
cluster: build temporal
	scripts/cluster.sh

## build: the worker and the CLI into bin/
build:
	$(GO) build -o bin/winback-worker ./worker
	$(GO) build -o bin/winback ./starter

## test: lint, determinism check, unit, scenario, replay, contract and integration tests; ends
## with a summary of every skipped test and why (under CI=true a skip fails the run). The
## benchmarks (make bench) and the history recorder are not part of it.
test: lint temporal prism stripe-mock
	$(GO) run ./internal/testsummary -- $(GO) test -json -count=1 -timeout 45m -skip '^(TestBench|TestRecordHistories)$$' ./...

## fault: a few hundred campaigns through worker kills, a server restart and provider storms
fault: temporal
	WINBACK_LOG_LEVEL=error $(GO) test -count=1 -timeout 20m -run TestFaultsLoseNothingAndDuplicateNothing -v ./e2e

## cluster-fault: the fault test on a real cluster: a few hundred campaigns on 3 workers sharing the
## PostgreSQL store, through worker kills, a worker stopped for good, a PostgreSQL restart and
## provider storms (about four minutes)
cluster-fault: temporal
	$(GO) test -count=1 -timeout 20m -run TestClusterFaultsLoseNothingAndDuplicateNothing -v ./e2e

## screenshots: the browser tests, saving the README's screenshots into docs/screenshots
screenshots: temporal
	WINBACK_SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(GO) test -count=1 -run 'TestInboxInABrowser|TestInboxReportInABrowser|TestTemporalUIShowsCampaignsToOps' ./e2e

## bench: winback side by side with bare Temporal on one dev server, and against itself on
## other stores and a real cluster; prints the figures and writes BENCHMARKS.md (about 10 minutes)
bench: temporal
	WINBACK_BENCH=1 $(GO) test -count=1 -timeout 60m -run '^TestBench$$' -v ./bench

## lint: gofmt, go vet and workflowcheck
lint: workflowcheck
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

workflowcheck:
	$(WORKFLOWCHECK) ./workflows/...

## temporal: build the pinned Temporal CLI (about two minutes the first time, cached after),
## and the server and SQL tool of the cluster tests and `make cluster` (seconds after the CLI)
temporal:
	$(TEMPORAL) --version
	$(GO) tool -modfile=tools/go.mod -n server >/dev/null
	$(GO) tool -modfile=tools/go.mod -n sql >/dev/null

## stripe-mock: build Stripe's official mock (v0.203.0, pinned in tools/stripe-mock.mod; about 30 s
## the first time, cached after). The billing tests start it themselves on free ports
stripe-mock:
	$(GO) tool -modfile=tools/stripe-mock.mod -n stripe-mock >/dev/null

## stripe-mock-run: serve stripe-mock on 127.0.0.1:12111 for the walkthrough; Ctrl-C stops it
stripe-mock-run:
	$(STRIPE_MOCK) -http-addr 127.0.0.1:12111 -https-addr 127.0.0.1:12112

## prism: the spec-checking SendGrid/Twilio mock used by the contract tests
prism: $(PRISM)
$(PRISM):
	npm install --prefix .tools/prism --no-audit --no-fund --ignore-scripts @stoplight/prism-cli@5.14.2

clean:
	rm -rf bin .tools
