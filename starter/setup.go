package main

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/spf13/cobra"

	"github.com/winback/winback/workflows"
)

// setupCommand registers the WinBack* search attributes on the namespace.
func (a *app) setupCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "setup",
		Short: "Register the WinBack* search attributes on the namespace (safe to run twice)",
		Long: `Register the search attributes campaigns use (WinBackCustomerID, WinBackStage, WinBackOutcome,
WinBackReason, WinBackScope, WinBackAssignee, WinBackSegment, WinBackTaskDue,
WinBackAccountValue) on the configured namespace.

Safe to run twice: attributes that exist with the right type are left alone. If a name exists
with another type, nothing is added and setup fails (exit 1): remove or rename that attribute
first. Needs operator rights on the cluster; on Temporal Cloud, add them with tcld or the Cloud
UI instead.`,
		Example: `  winback setup
  TEMPORAL_ADDRESS=temporal.internal:7233 TEMPORAL_NAMESPACE=sales winback setup`,
		Args: cobra.NoArgs,
		RunE: a.action(func(ctx context.Context, _ *cobra.Command, _ []string) error {
			api, err := a.campaigns(ctx)
			if err != nil {
				return err
			}
			plan, err := api.SetUpSearchAttributes(ctx)
			if err != nil {
				return err
			}
			ns := plan.Namespace
			if a.json() {
				return writeJSON(a.stdout, map[string]any{"namespace": ns, "added": plan.Add, "present": nonNil(plan.Present)})
			}
			for _, name := range slices.Sorted(maps.Keys(plan.Add)) {
				fmt.Fprintf(a.stdout, "added    %s (%s)\n", name, plan.Add[name])
			}
			for _, name := range plan.Present {
				fmt.Fprintf(a.stdout, "present  %s\n", name)
			}
			fmt.Fprintf(a.stdout, "Namespace %s has the %d winback search attributes.\n", ns, len(workflows.SearchAttributeTypes))
			return nil
		}),
	}
}
