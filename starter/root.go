package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
)

// run is the whole CLI: it parses args, runs the command and returns the exit code. main only
// calls it, so tests run commands in-process with their own writers.
func run(args []string, stdout, stderr io.Writer) int {
	return newApp(os.Stdin, stdout, stderr).run(args)
}

// run executes one command line and maps its error to an exit code (see exitcode.go).
func (a *app) run(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	defer a.close()

	root := a.rootCommand()
	root.SetArgs(args)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetIn(a.stdin)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	code := exitCode(err)
	if !a.started {
		// Cobra refused the command line before any command ran: unknown command or flag,
		// wrong number of arguments, a missing required flag.
		code = exitBadInput
	}
	if msg := errorMessage(err); msg != "" {
		fmt.Fprintf(a.stderr, "Error: %s\n", msg)
	}
	if !a.started && cmd != nil {
		fmt.Fprintf(a.stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
	}
	return code
}

// rootCommand builds the command tree. Every command gets the global --output and --timeout.
func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "winback",
		Short: "Run customer win-back campaigns on Temporal",
		Long: `winback launches and drives customer win-back campaigns: one durable Temporal workflow per
customer that walks the playbook (backstory, exit interview, decision, revisit email, wait,
thank-you call, check-ins) until the customer is won back or the campaign closes.

It connects to Temporal like the worker: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_PROFILE
and the other TEMPORAL_* variables or a temporal.toml profile; the team, the playbook and the
task queue come from the same configuration.

Exit codes: 0 done, 1 failed (Temporal unreachable, campaign not found or already running),
2 bad usage or bad input (unknown flag, invalid rows, answers the campaign rejected).`,
		Example: `  winback setup
  winback launch --csv customers.csv --dry-run
  winback launch --csv customers.csv
  winback tasks --rep alice
  winback complete C-1042 exit-interview --as alice
  winback status C-1042 -o json
  winback report --from 2025-01-01`,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			switch outputs := cmd.Annotations[outputsAnnotation]; {
			case a.output == outputText, a.output == outputJSON:
			case a.output == outputCSV && strings.Contains(outputs, outputCSV):
			case outputs != "":
				return fmt.Errorf("--output %q: use %s", a.output, strings.ReplaceAll(outputs, ",", ", "))
			default:
				return fmt.Errorf("--output %q: use text or json", a.output)
			}
			if a.timeout <= 0 {
				return fmt.Errorf("--timeout %s: give a positive duration, e.g. 30s", a.timeout)
			}
			return nil
		},
	}
	root.PersistentFlags().StringVarP(&a.output, "output", "o", outputText, "output format: text or json (report: csv too)")
	root.PersistentFlags().DurationVar(&a.timeout, "timeout", 30*time.Second,
		"how long to wait for each call to Temporal (a query or update waits for the worker)")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return err })
	root.CompletionOptions.DisableDefaultCmd = true

	root.AddCommand(
		a.launchCommand(),
		a.statusCommand(),
		a.listCommand(),
		a.tasksCommand(),
		a.completeCommand(),
		a.reassignCommand(),
		a.offerCommand(),
		a.wonBackCommand(),
		a.optOutCommand(),
		a.optInCommand(),
		a.cancelCommand(),
		a.reportCommand(),
		a.setupCommand(),
		a.storeCommand(),
		a.indexCommand(),
		a.stripeCommand(),
	)
	return root
}

// action wraps a command's body: it records that cobra accepted the command line (so later
// errors keep their own exit code) and hands the body the command's context.
func (a *app) action(body func(ctx context.Context, cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		a.started = true
		return body(cmd.Context(), cmd, args)
	}
}

// args checks the positional arguments of a command: exactly the names given, in order.
func args(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, got []string) error {
		if len(got) == len(names) {
			for i, v := range got {
				if strings.TrimSpace(v) == "" {
					return fmt.Errorf("%s is empty", names[i])
				}
			}
			return nil
		}
		if len(got) < len(names) {
			return fmt.Errorf("missing %s (usage: %s)", strings.Join(names[len(got):], " "), cmd.UseLine())
		}
		return fmt.Errorf("too many arguments: %q (usage: %s)", got[len(names):], cmd.UseLine())
	}
}
