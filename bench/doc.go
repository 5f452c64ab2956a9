// Package bench is winback's benchmark suite. `make bench` runs TestBench, which measures
// winback side by side with bare Temporal, prints every figure and ratio, and writes
// BENCHMARKS.md at the top of the repository:
//
//	WINBACK_BENCH=1 go test -count=1 -timeout 60m -run '^TestBench$' -v ./bench
//
// Without WINBACK_BENCH the test skips, so `go test ./...` stays fast.
//
// What it measures, in this order (the two that start their own processes come first, so
// nothing else competes with them):
//
//  5. the wall time of the workflow tests under time skipping (`go test -run Test ./workflows`);
//  1. the batch launch rate from a CSV against bare StartWorkflow at the same concurrency
//     (e2e's BenchmarkLaunchFromCSV, run as it is, on its own dev server);
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
// default 10), WINBACK_BENCH_BARE (bare workflows for 3, default 200), WINBACK_BENCH_OUT
// (the report's path, default BENCHMARKS.md at the repository root).
package bench
