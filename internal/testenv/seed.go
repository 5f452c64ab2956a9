package testenv

import (
	"context"
	"fmt"
	"time"

	"github.com/winback/winback/store"
)

// Seed describes campaign records to file straight into a store's task index, as the campaigns
// would through SyncCampaign: for tests and benchmarks of the lists and the report at a size
// no dev server launches in a test's time.
type Seed struct {
	Prefix string // of the customer IDs: Prefix + "000042"
	// Open campaigns each have one open rep task (backstory, exit interview, thank-you call or
	// check-in call, in turn), due within three days; one in ten is overdue by hours.
	Open int
	// Closed campaigns are history for the report, launched over the past year: won back (from
	// none of the bad fits to six in ten of those we let down), or walked away, declined,
	// expired, opted out or cancelled, in turn.
	Closed int
	// Rep owns every other open campaign (half of them); Others share the rest in turn. All
	// are Manager's.
	Rep     string
	Others  []string
	Manager string
	Now     time.Time
	// HoldoutEvery, when above 0, holds out every HoldoutEvery-th of the Closed customers
	// (no task, no decision, no offer): one in twenty came back on their own (won back); the
	// others are still away, their campaign open until its horizon, over a year after launch.
	HoldoutEvery int
	// Offers files the decision's offer of each closed campaign that made one, with what became
	// of it: fulfilled when the customer came back (a foot in the door as its own outcome,
	// worth a quarter of the account), declined otherwise.
	Offers bool
}

// seedBatch is how many records go in one transaction.
const seedBatch = 500

var (
	seedReasons  = []string{"competitor_price", "let_down", "no_longer_needed", "outgrew", "bad_fit", "other"}
	seedSegments = []string{"enterprise", "mid-market", "smb"}
	seedKinds    = []struct{ id, kind, stage, title string }{
		{"backstory", "backstory", "backstory", "Backstory: what happened from our side, the landmines, our strengths and weaknesses"},
		{"exit-interview", "exit_interview", "exit_interview", `Exit interview: ask "Why are you leaving us?" and "What would we need to do to keep you as a customer?"`},
		{"thank-you-call-1", "thank_you_call", "thank_you_call", "Thank-you call (attempt 1 of 3): thank them and point out what we changed"},
		{"check-in-call-3", "check_in_call", "check_ins", "Check-in call 3: see how they are doing"},
	}
	seedOutcomes  = []string{"walked_away", "declined", "expired", "opted_out", "cancelled", "declined", "walked_away"}
	seedWinShare  = []int{5, 6, 1, 2, 0, 3} // in tenths, by seedReasons
	seedOffers    = []string{"apology", "beat_offer", "value_numbers", "incentive", "foot_in_door"}
	seedLastStage = map[string]string{"won_back": "check_ins", "walked_away": "decision", "declined": "thank_you_call",
		"expired": "check_ins", "opted_out": "wait", "cancelled": "exit_interview", "foot_in_door": "check_ins"}
)

// SeedIndex files the seed's records into st, a few hundred per transaction, and returns how
// many open tasks it gave Rep.
func SeedIndex(ctx context.Context, st *store.Store, s Seed) (repTasks int, err error) {
	var batch []store.CampaignRecord
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		_, err := st.SyncCampaigns(ctx, batch)
		batch = batch[:0]
		return err
	}
	people := append([]string{s.Rep}, s.Others...)
	for i := range s.Open + s.Closed {
		id := fmt.Sprintf("%s%06d", s.Prefix, i)
		rec := store.CampaignRecord{WorkflowID: "winback:" + id, CampaignID: "seed-" + id, Seq: 1, CustomerID: id,
			Segment: seedSegments[i%len(seedSegments)], AccountValue: float64(2000 + (i*7919)%98000), Manager: s.Manager}
		if i < s.Open {
			rep := s.Rep
			if i%2 == 1 && len(s.Others) > 0 {
				rep = s.Others[(i/2)%len(s.Others)]
			}
			if rep == s.Rep {
				repTasks++
			}
			k := seedKinds[(i/2)%len(seedKinds)]
			due := s.Now.Add(time.Duration(i%72)*time.Hour + time.Duration(i%60)*time.Minute)
			if i%20 == 4 || i%20 == 7 {
				due = s.Now.Add(-time.Duration(1+i%24) * time.Hour)
			}
			rec.Rep, rec.LostBy, rec.Stage = rep, rep, k.stage
			rec.Launched = s.Now.Add(-time.Duration(1+i%60) * 24 * time.Hour)
			rec.Reason = seedReasons[i%len(seedReasons)]
			rec.Tasks = []store.TaskRecord{{ID: k.id, Kind: k.kind, Title: k.title, Assignee: rep,
				Created: s.Now.Add(-time.Hour), Due: due, Status: store.TaskOpen}}
		} else {
			j := i - s.Open
			lost := people[j%len(people)]
			rec.LostBy, rec.Rep = lost, lost
			if j%9 == 4 { // "is it me?": the account moved, the loss did not
				rec.Rep = people[(j+1)%len(people)]
			}
			rec.Launched = s.Now.Add(-time.Duration(30+j%335) * 24 * time.Hour)
			// Some reasons are won back more often than others, as in life.
			if r, k := j%len(seedReasons), j/len(seedReasons); k%10 < seedWinShare[r] {
				rec.Outcome = "won_back"
			} else {
				rec.Outcome = seedOutcomes[k%len(seedOutcomes)]
			}
			rec.Closed = rec.Launched.Add(time.Duration(2+j%40) * 24 * time.Hour)
			rec.Stage = "closed"
			rec.Reason, rec.Scope = seedReasons[j%len(seedReasons)], []string{"specific", "systemic"}[j%2]
			yes, no := true, false
			switch rec.Outcome {
			case "won_back", "declined":
				rec.Pursue, rec.DecidedBy, rec.Offer = &yes, s.Manager, seedOffers[j%len(seedOffers)]
			case "walked_away":
				rec.Pursue, rec.DecidedBy = &no, "policy"
				rec.Rationale = "account value below the policy's threshold"
				if j%3 == 0 {
					rec.DecidedBy, rec.Rationale = s.Manager, "a bad fit for what we build"
				}
			case "opted_out":
				rec.OptedOut = []string{"email", "sms"}
			}
			if s.Offers && rec.Offer != "" {
				o := store.OfferRecord{ID: "offer-1", Kind: rec.Offer, Status: "declined", Made: rec.Launched.AddDate(0, 0, 1),
					Answered: rec.Launched.AddDate(0, 0, 2)}
				if rec.Outcome == "won_back" {
					o.Status, o.Fulfilled = "fulfilled", rec.Closed
					if o.Kind == "foot_in_door" {
						rec.Outcome, rec.FootInDoorValue = "foot_in_door", rec.AccountValue/4
					}
				}
				rec.Offers = []store.OfferRecord{o}
			}
			rec.Tasks = []store.TaskRecord{{ID: "backstory", Kind: "backstory", Title: seedKinds[0].title, Assignee: lost,
				Created: rec.Launched, Due: rec.Launched.Add(24 * time.Hour), Status: "done", CompletedBy: lost, Completed: rec.Launched.Add(time.Hour)}}
			if s.HoldoutEvery > 0 && j%s.HoldoutEvery == 0 {
				// Held out: no task, no decision, no offer; back on their own one time in twenty,
				// the others away until the horizon (a year and more after the launch).
				rec.Holdout, rec.Tasks, rec.Offers, rec.FootInDoorValue = true, nil, nil, 0
				rec.Pursue, rec.DecidedBy, rec.Offer, rec.Rationale, rec.OptedOut, rec.Scope = nil, "", "", "", nil, ""
				rec.Stage, rec.Outcome, rec.Closed = "", "", time.Time{}
				if (j/s.HoldoutEvery)%20 == 0 {
					rec.Stage, rec.Outcome, rec.Closed = "closed", "won_back", rec.Launched.Add(time.Duration(20+j%60)*24*time.Hour)
				}
			} else {
				// The stage it was in before it closed, for the funnel: a record of its own, as
				// the campaign sends one at every stage.
				before := rec
				before.Seq, before.Stage, before.Outcome, before.Closed = 0, seedLastStage[rec.Outcome], "", time.Time{}
				batch = append(batch, before)
			}
		}
		batch = append(batch, rec)
		if len(batch) >= seedBatch {
			if err := flush(); err != nil {
				return repTasks, err
			}
		}
	}
	return repTasks, flush()
}
