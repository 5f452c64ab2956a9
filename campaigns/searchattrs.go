package campaigns

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"

	"github.com/winback/winback/workflows"
)

// AttributePlan is what setting up the search attributes does with each of them.
type AttributePlan struct {
	Namespace string                            `json:"namespace"`
	Add       map[string]enums.IndexedValueType `json:"added"`
	Present   []string                          `json:"present"`   // already there with the right type
	Conflicts []string                          `json:"conflicts"` // the name exists with another type
}

// PlanAttributes compares the attributes campaigns need with those a namespace has (custom and
// system) and decides what to add. It is pure, so the rules are tested without a server.
func PlanAttributes(want, existing map[string]enums.IndexedValueType) AttributePlan {
	p := AttributePlan{Add: map[string]enums.IndexedValueType{}, Present: []string{}}
	for _, name := range slices.Sorted(maps.Keys(want)) {
		have, ok := existing[name]
		switch {
		case !ok:
			p.Add[name] = want[name]
		case have == want[name]:
			p.Present = append(p.Present, name)
		default:
			p.Conflicts = append(p.Conflicts, fmt.Sprintf("%s is %s, but winback needs %s", name, have, want[name]))
		}
	}
	return p
}

// SetUpSearchAttributes registers, on the namespace, the WinBack* search attributes it lacks
// (workflows.SearchAttributeTypes). It is safe to run twice. When a name exists with another
// type it adds nothing and fails, naming it. It needs operator rights on the cluster.
func (c *Client) SetUpSearchAttributes(ctx context.Context) (AttributePlan, error) {
	ns := c.o.Namespace
	callCtx, cancel := c.call(ctx)
	defer cancel()
	resp, err := c.tc.OperatorService().ListSearchAttributes(callCtx, &operatorservice.ListSearchAttributesRequest{Namespace: ns})
	if err != nil {
		return AttributePlan{Namespace: ns}, fmt.Errorf("list the search attributes of namespace %s: %w", ns, classify(err))
	}
	existing := maps.Clone(resp.GetCustomAttributes())
	if existing == nil {
		existing = map[string]enums.IndexedValueType{}
	}
	maps.Copy(existing, resp.GetSystemAttributes())
	plan := PlanAttributes(workflows.SearchAttributeTypes, existing)
	plan.Namespace = ns
	if len(plan.Conflicts) > 0 {
		return plan, fmt.Errorf("namespace %s: nothing added, %s", ns, strings.Join(plan.Conflicts, "; "))
	}
	if len(plan.Add) > 0 {
		_, err = c.tc.OperatorService().AddSearchAttributes(callCtx, &operatorservice.AddSearchAttributesRequest{
			Namespace: ns, SearchAttributes: plan.Add,
		})
		if err != nil {
			return plan, fmt.Errorf("add search attributes to namespace %s: %w (on Temporal Cloud, use tcld or the Cloud UI)", ns, err)
		}
	}
	return plan, nil
}
