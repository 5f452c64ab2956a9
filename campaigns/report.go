package campaigns

import (
	"context"
	"fmt"
	"time"

	"github.com/winback/winback/report"
	"github.com/winback/winback/store"
)

// ReportFilter says which campaigns the win-back report counts: those launched in [From, To).
// A zero From is since ever, a zero To until now.
type ReportFilter struct {
	From, To time.Time
}

// Report reads the win-back report from the store's campaign records (Options.Store): money,
// time and counts by reason, scope, offer, segment, launch month and the rep who lost the
// customer; what each kind of offer did; and the lift over the customers held out, with its
// 95% interval. It reads each record of the range once, and no campaign.
func (c *Client) Report(ctx context.Context, f ReportFilter) (report.Report, error) {
	if c.o.Store == nil {
		return report.Report{}, ErrNoStore
	}
	facts, err := c.o.Store.ReportFacts(ctx, store.ReportQuery{From: f.From, To: f.To})
	if err != nil {
		return report.Report{}, fmt.Errorf("read the campaign records: %w", err)
	}
	return report.Build(facts, f.From, f.To), nil
}
