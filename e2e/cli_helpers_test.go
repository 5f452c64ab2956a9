package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/workflows"
)

// The CLI's JSON output, as a script reads it.
type (
	cliLaunchSummary struct {
		DryRun         bool
		Launched       int
		AlreadyRunning int
		Skipped        int
		Failed         int
		BadRows        []int
		Problems       []cliProblem
		Results        []cliLaunchResult
		WouldLaunch    []struct {
			Row   int
			Input workflows.CampaignInput
		}
	}
	cliProblem struct {
		Row     int
		Column  string
		Message string
	}
	cliLaunchResult struct {
		Row        int
		CustomerID string
		RunID      string
		Status     string
		Detail     string
	}
	cliCampaign struct {
		CustomerID string
		Status     string
		Stage      string
		Outcome    string
		Segment    string
	}
	cliTask struct {
		CustomerID string
		Overdue    bool
		Task       workflows.Task
	}
	cliTaskList struct {
		Total, Overdue, Page, Pages int
		Tasks                       []cliTask
	}
	cliReport struct {
		Totals struct {
			Campaigns, Open, Closed, WonBack, WalkedAway, OptedOut    int
			WinBackRate, MedianDaysToWinBack, ValueLost, ValueWonBack float64
		}
		ByOutcome                             map[string]int
		ByReason, ByScope, ByOffer, BySegment []cliReportGroup
		ByLaunchMonth, ByLostBy               []cliReportGroup
		Funnel                                []struct {
			Stage     string
			Campaigns int
		}
	}
	cliReportGroup struct {
		Key                        string
		Campaigns, Closed, WonBack int
		WinBackRate                float64
	}
)

// on returns the stack for a subtest: failures are reported on t.
func (s *stack) on(t *testing.T) *stack {
	c := *s
	c.t = t
	return &c
}

// run runs the CLI and returns what it printed and its exit code.
func (s *stack) run(args ...string) (stdout, stderr string, code int) {
	s.t.Helper()
	return testenv.Run(s.t, s.env, s.cli, args...)
}

// runJSON runs the CLI with -o json, fails the test unless it exits with want, and decodes
// its standard output into v.
func (s *stack) runJSON(v any, want int, args ...string) {
	s.t.Helper()
	out, errOut, code := s.run(append(args, "-o", "json")...)
	if code != want {
		s.t.Fatalf("winback %s -o json: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, want, out, errOut)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		s.t.Fatalf("winback %s -o json: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// campaigns lists, through `winback list -o json`, the campaigns of the customers whose IDs
// start with prefix, by customer ID.
func (s *stack) campaigns(prefix string, filters ...string) map[string]cliCampaign {
	s.t.Helper()
	var rows []cliCampaign
	s.runJSON(&rows, 0, append([]string{"list", "--limit", "0"}, filters...)...)
	out := map[string]cliCampaign{}
	for _, r := range rows {
		if strings.HasPrefix(r.CustomerID, prefix) {
			if _, twice := out[r.CustomerID]; twice {
				s.t.Errorf("customer %s is listed twice: launched twice?", r.CustomerID)
			}
			out[r.CustomerID] = r
		}
	}
	return out
}

// eventuallyListed polls `winback list` (visibility is eventually consistent) until the
// customers with prefix are exactly want, and returns them.
func (s *stack) eventuallyListed(prefix string, want []string, filters ...string) map[string]cliCampaign {
	s.t.Helper()
	var got map[string]cliCampaign
	deadline := time.Now().Add(20 * time.Second)
	for {
		got = s.campaigns(prefix, filters...)
		ids := sortedCustomers(got)
		if slices.Equal(ids, want) {
			return got
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("winback list %v: customers %v, want %v", filters, ids, want)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// latestRun describes a customer's campaign straight from Temporal (not visibility): its
// latest run's ID, or "" when the customer never had one.
func latestRun(t *testing.T, c client.Client, customer string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := c.DescribeWorkflowExecution(ctx, workflows.WorkflowID(customer), "")
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return ""
	}
	if err != nil {
		t.Fatalf("describe %s: %v", customer, err)
	}
	return resp.GetWorkflowExecutionInfo().GetExecution().GetRunId()
}

// noneStarted fails the test if any of the customers has a campaign.
func noneStarted(t *testing.T, c client.Client, customers ...string) {
	t.Helper()
	for _, id := range customers {
		if run := latestRun(t, c, id); run != "" {
			t.Errorf("customer %s has a campaign (run %s); want nothing started", id, run)
		}
	}
}

// writeTempFile writes content to a file named name in a fresh folder and returns its path.
func writeTempFile(t *testing.T, name string, content []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// csvHeader is every documented launch column, in order.
var csvHeader = []string{"customer_id", "name", "company", "email", "phone", "timezone", "account_value", "segment",
	"departed", "reason", "competitor", "competitor_offer", "notes", "rep", "manager"}

// customerRecord is a valid CSV record for a customer, with some columns changed.
func customerRecord(id string, change map[string]string) string {
	values := map[string]string{"customer_id": id, "name": "Ann Lee", "company": "Acme", "email": "ann@acme.example",
		"phone": "+12125550142", "timezone": "America/New_York", "account_value": "1200.50", "segment": "smb",
		"departed": time.Now().AddDate(0, 0, -30).Format("2006-01-02"), "reason": "competitor_price",
		"competitor": "Globex", "rep": "alice"}
	for k, v := range change {
		values[k] = v
	}
	fields := make([]string, len(csvHeader))
	for i, col := range csvHeader {
		fields[i] = values[col]
		if strings.ContainsAny(fields[i], ",\"\n") {
			fields[i] = `"` + strings.ReplaceAll(fields[i], `"`, `""`) + `"`
		}
	}
	return strings.Join(fields, ",")
}

// customersCSV is a customer file: the header, then the records.
func customersCSV(records ...string) []byte {
	return []byte(strings.Join(append([]string{strings.Join(csvHeader, ",")}, records...), "\n") + "\n")
}

func sortedCustomers[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
