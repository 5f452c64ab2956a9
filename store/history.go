package store

import (
	"context"
	"time"
)

// CustomerHistory is what the store knows of a customer's other campaigns: what a manager is
// shown when deciding whether, and with what, to win the customer back.
type CustomerHistory struct {
	// Campaigns counts the customer's other campaigns, any time, held out or not.
	Campaigns int
	// WonBackWithIncentive counts those that closed won_back since the time asked about and
	// whose customer accepted an incentive (the offer accepted, or fulfilled): "bought back
	// twice in 12 months" (seed 002).
	WonBackWithIncentive int
}

// CustomerHistory reads the history of customerID, leaving out the campaign excludeCampaignID
// (the one asking). A zero since counts every win back with an incentive, however old.
func (s *Store) CustomerHistory(ctx context.Context, customerID, excludeCampaignID string, since time.Time) (CustomerHistory, error) {
	var h CustomerHistory
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN r.outcome = 'won_back' AND r.closed_ms >= $3
			AND EXISTS (SELECT 1 FROM campaign_offers o WHERE o.campaign_id = r.campaign_id AND o.kind = $4
				AND o.status IN ($5, $6)) THEN 1 ELSE 0 END), 0)
		FROM campaign_records r WHERE r.customer_id = $1 AND r.campaign_id <> $2`,
		customerID, excludeCampaignID, msz(since), offerIncentive, offerAccepted, offerFulfilled).Scan(&h.Campaigns, &h.WonBackWithIncentive)
	if err != nil {
		return CustomerHistory{}, s.fail("read the history of customer "+customerID, err)
	}
	return h, nil
}
