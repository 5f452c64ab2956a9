// Package bench is winback's benchmark suite. `make bench` runs TestBench, which measures
// winback side by side with bare Temporal, prints every figure and ratio, and writes
// BENCHMARKS.md at the top of the repository:
//
//	WINBACK_BENCH=1 go test -count=1 -timeout 60m -run '^TestBench$' -v ./bench
//
// Without WINBACK_BENCH the test skips, so `go test ./...` stays fast.
//
// What it measures, in this order (those that start their own processes come first, so
// nothing else competes with them), each group a subtest of its own (suite, launch, sends,
// lists, server):
//
//  5. the wall time of the workflow tests under time skipping (`go test -run Test ./workflows`);
//  1. the batch launch rate from a CSV against bare StartWorkflow at the same concurrency
//     (e2e's BenchmarkLaunchFromCSV, run as it is, on its own dev server);
//  7. right after it, the same launch on a real cluster (e2e's BenchmarkCSVLaunchOnCluster:
//     temporal-server on PostgreSQL), against the dev server's;
//  6. sends per second through activities.SendEmail with the ledger in each store backend
//     (SQLite, PostgreSQL) against the old JSON-lines file ledger, kept here as the baseline;
//  8. the p50/p95 of alice's first My tasks page, `winback tasks --rep alice`, the report page
//     and `winback report`, with 10,000 and then 50,000 open campaigns in the store's task
//     index (half of them alice's), and the ratio between the two (lists);
//
// then, on one dev server started here:
//
//  2. CompleteTask Update latency against a bare Update on a trivial workflow, interleaved;
//  3. history events, workflow tasks and server CPU seconds per full campaign against a bare
//     workflow with one activity;
//  4. the real worker binary's RSS with many open campaigns waiting on timers, and the
//     server's database bytes per open campaign.
//
// Knobs: WINBACK_BENCH_OPEN (open campaigns for 4, default 10000), WINBACK_BENCH_UPDATES
// (timed updates per side for 2, default 250), WINBACK_BENCH_CAMPAIGNS (full campaigns for 3,
// default 10), WINBACK_BENCH_BARE (bare workflows for 3, default 200), WINBACK_BENCH_SENDS
// (timed sends per backend and concurrency level for 6, default 2000), WINBACK_BENCH_LAUNCH
// (campaigns per side for 1 and 7, read by e2e's benchmarks, default 2000), WINBACK_BENCH_OUT
// (the report's path, default BENCHMARKS.md at the repository root), WINBACK_BENCH_LISTS (open
// campaigns for 8, default 10000,50000), WINBACK_BENCH_LISTS_RUNS (timed runs of each measure at
// each size, default 50), WINBACK_BENCH_LISTS_REAL (real campaigns running meanwhile, default 500).
//
// One group alone, at a small size (prints its figures; BENCHMARKS.md is written only by a
// run of every group):
//
//	WINBACK_BENCH=1 WINBACK_BENCH_SENDS=200 go test -count=1 -run 'TestBench/sends' -v ./bench
//	WINBACK_BENCH=1 WINBACK_BENCH_LAUNCH=200 go test -count=1 -run 'TestBench/launch' -v ./bench
//	WINBACK_BENCH=1 WINBACK_BENCH_LISTS=1000,5000 go test -count=1 -run 'TestBench/lists' -v ./bench
package bench
