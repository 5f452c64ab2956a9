package main

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"

	"github.com/winback/winback/workflows"
)

// attributePlan is what setup will do with each search attribute.
type attributePlan struct {
	Add       map[string]enums.IndexedValueType `json:"add"`
	Present   []string                          `json:"present"`   // already there with the right type
	Conflicts []string                          `json:"conflicts"` // the name exists with another type
}

// planAttributes compares the attributes we need with those the namespace has (custom and
// system) and decides what to add. It is pure, so the rules are tested without a server.
func planAttributes(want, existing map[string]enums.IndexedValueType) attributePlan {
	p := attributePlan{Add: map[string]enums.IndexedValueType{}}
	for _, name := range slices.Sorted(maps.Keys(want)) {
		have, ok := existing[name]
		switch {
		case !ok:
			p.Add[name] = want[name]
		case have == want[name]:
			p.Present = append(p.Present, name)
		default:
			p.Conflicts = append(p.Conflicts, fmt.Sprintf("%s is %s, but winback needs %s", name, typeName(have), typeName(want[name])))
		}
	}
	return p
}

// typeName is an indexed value type as the Temporal CLI spells it: Keyword, Datetime, Double.
func typeName(t enums.IndexedValueType) string { return t.String() }

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
			cfg, err := a.config()
			if err != nil {
				return err
			}
			c, err := a.client(ctx)
			if err != nil {
				return err
			}
			ns := namespace(cfg)
			callCtx, cancel := a.call(ctx)
			defer cancel()
			resp, err := c.OperatorService().ListSearchAttributes(callCtx, &operatorservice.ListSearchAttributesRequest{Namespace: ns})
			if err != nil {
				return fmt.Errorf("list the search attributes of namespace %s: %w", ns, err)
			}
			existing := maps.Clone(resp.GetCustomAttributes())
			if existing == nil {
				existing = map[string]enums.IndexedValueType{}
			}
			maps.Copy(existing, resp.GetSystemAttributes())
			plan := planAttributes(workflows.SearchAttributeTypes, existing)
			if len(plan.Conflicts) > 0 {
				return fmt.Errorf("namespace %s: nothing added, %s", ns, strings.Join(plan.Conflicts, "; "))
			}
			if len(plan.Add) > 0 {
				_, err = c.OperatorService().AddSearchAttributes(callCtx, &operatorservice.AddSearchAttributesRequest{
					Namespace: ns, SearchAttributes: plan.Add,
				})
				if err != nil {
					return fmt.Errorf("add search attributes to namespace %s: %w (on Temporal Cloud, use tcld or the Cloud UI)", ns, err)
				}
			}
			if a.json() {
				return writeJSON(a.stdout, map[string]any{"namespace": ns, "added": plan.Add, "present": nonNil(plan.Present)})
			}
			for _, name := range slices.Sorted(maps.Keys(plan.Add)) {
				fmt.Fprintf(a.stdout, "added    %s (%s)\n", name, typeName(plan.Add[name]))
			}
			for _, name := range plan.Present {
				fmt.Fprintf(a.stdout, "present  %s\n", name)
			}
			fmt.Fprintf(a.stdout, "Namespace %s has the %d winback search attributes.\n", ns, len(workflows.SearchAttributeTypes))
			return nil
		}),
	}
}
