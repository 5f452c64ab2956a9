// Command winback is the command line of the win-back service: ops launch campaigns (one
// customer or a CSV), reps complete their tasks, managers reassign work, and anyone can read a
// campaign's status, list campaigns and pull the win-back report.
//
// It connects to Temporal the same way the worker does (config.Load and config.Dial: the
// TEMPORAL_* variables and temporal.toml profiles). Run `winback --help` for the commands.
package main

import (
	"os"

	// Embedded zone database: time zones in CSV files validate the same on every machine,
	// including minimal containers without /usr/share/zoneinfo.
	_ "time/tzdata"
)

// main runs the command line and exits with its code.
func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
