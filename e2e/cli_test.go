package e2e

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/workflows"
)

// TestCLI runs the winback CLI as a process against the dev server with the worker running,
// the way ops use it: launching from CSV files good and bad, reading campaigns back as JSON,
// and the report over campaigns driven to known outcomes. One stack serves every subtest; each
// uses its own customer IDs. The report runs first, while its campaigns are the only ones.
func TestCLI(t *testing.T) {
	s := startStack(t)
	c := s.server.Client(t)

	t.Run("report matches what happened to the campaigns", func(t *testing.T) {
		s := s.on(t)
		began := time.Now()
		file := writeTempFile(t, "report.csv", customersCSV(
			customerRecord("rpt-won-1", map[string]string{"segment": "enterprise", "account_value": "48000"}),
			customerRecord("rpt-won-2", map[string]string{"segment": "smb", "rep": "bob"}),
			customerRecord("rpt-cancel", map[string]string{"segment": "smb"}),
			customerRecord("rpt-walk", map[string]string{"segment": "enterprise", "rep": "bob", "account_value": "75000"}),
			customerRecord("rpt-open", map[string]string{"segment": "mid-market"}),
		))
		var launched cliLaunchSummary
		s.runJSON(&launched, 0, "launch", "--csv", file)
		if launched.Launched != 5 || launched.Failed != 0 || len(launched.Problems) != 0 {
			t.Fatalf("launch: %+v, want 5 launched", launched)
		}

		// Bob's open tasks: the backstory of his two campaigns, soonest due first, not overdue.
		t.Run("bob's tasks from the task index", func(t *testing.T) {
			s := s.on(t)
			s.eventually("bob's two backstory tasks in winback tasks", 20*time.Second, func() bool {
				var l cliTaskList
				s.runJSON(&l, 0, "tasks", "--rep", "bob")
				var got []string
				for _, o := range l.Tasks {
					if o.Task.Assignee != "bob" || o.Task.Status != workflows.TaskOpen || o.Overdue || o.Task.Due.Before(began) {
						t.Errorf("tasks --rep bob: %+v, want bob's open task, not overdue", o)
					}
					got = append(got, o.CustomerID+"/"+o.Task.ID)
				}
				slices.Sort(got)
				return slices.Equal(got, []string{"rpt-walk/backstory", "rpt-won-2/backstory"}) && l.Total == 2 && l.Overdue == 0
			})
		})
		s.eventually("rpt-open's backstory", 20*time.Second, func() bool { return s.taskOpen("rpt-open", "backstory") })
		st := s.status("rpt-open")
		if st.Stage != workflows.StageBackstory || st.Rep != "alice" || st.Manager != "maria" || len(st.Tasks) != 1 ||
			st.Tasks[0].ID != "backstory" || st.Tasks[0].Status != workflows.TaskOpen {
			t.Errorf("status rpt-open: %+v, want the backstory open for alice, manager maria", st)
		}

		// Two come back, one is cancelled, the manager walks away from one, one stays open.
		s.winback(0, "won-back", "rpt-won-1", "--note", "signed the renewal")
		var sig struct{ CustomerID, Signal string }
		s.runJSON(&sig, 0, "won-back", "rpt-won-2")
		if sig.CustomerID != "rpt-won-2" || sig.Signal != workflows.SignalCustomerReturned {
			t.Errorf("won-back -o json: %+v", sig)
		}
		s.winback(0, "cancel", "rpt-cancel", "--reason", "duplicate account")
		s.eventually("rpt-walk's backstory", 20*time.Second, func() bool { return s.taskOpen("rpt-walk", "backstory") })
		s.winback(0, "complete", "rpt-walk", "backstory", "--as", "bob", "--our-side", "They wanted features we do not build")
		s.eventually("rpt-walk's exit interview", 20*time.Second, func() bool { return s.taskOpen("rpt-walk", "exit-interview") })
		s.winback(0, "complete", "rpt-walk", "exit-interview", "--as", "bob", "--why-leaving", "wrong tool for them",
			"--what-would-keep-you", "a product we do not make", "--reason", "bad_fit", "--scope", "systemic")
		s.eventually("rpt-walk's decision", 20*time.Second, func() bool { return s.taskOpen("rpt-walk", "decision") })
		var done workflows.CompleteTaskResult
		s.runJSON(&done, 0, "complete", "rpt-walk", "decision", "--as", "maria", "--walk-away", "--rationale", "not a fit for what we build")
		if done.TaskID != "decision" || done.Next == "" {
			t.Errorf("complete -o json: %+v, want the task and what happens next", done)
		}
		for customer, want := range map[string]workflows.Outcome{"rpt-won-1": workflows.OutcomeWonBack,
			"rpt-won-2": workflows.OutcomeWonBack, "rpt-cancel": workflows.OutcomeCancelled, "rpt-walk": workflows.OutcomeWalkedAway} {
			s.eventually(customer+" to close", 20*time.Second, func() bool { return s.status(customer).Stage == workflows.StageClosed })
			if got := s.status(customer).Outcome; got != want {
				t.Errorf("%s closed as %s, want %s", customer, got, want)
			}
		}

		// Exit codes: 1 for a campaign that is closed or does not exist, 2 for bad input.
		for _, tc := range []struct {
			args []string
			code int
			says string
		}{
			{[]string{"won-back", "rpt-won-1"}, 1, "has closed"},
			{[]string{"status", "rpt-nobody"}, 1, "has no campaign"},
			{[]string{"complete", "rpt-open", "backstory", "--as", "alice", "--our-side", ""}, 2, "the campaign refused"},
			{[]string{"list", "--outcome", "lost"}, 2, "use one of won_back"},
			{[]string{"report", "--from", "2026-13-01"}, 2, "YYYY-MM-DD"},
		} {
			out, errOut, code := s.run(tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.says) {
				t.Errorf("winback %s: exit %d, stderr %q; want exit %d saying %q\n%s", strings.Join(tc.args, " "), code, errOut, tc.code, tc.says, out)
			}
		}

		// The report counts exactly that, once the campaigns' last records are in the store.
		t.Run("the report from the store", func(t *testing.T) {
			s := s.on(t)
			var r cliReport
			deadline := time.Now().Add(30 * time.Second)
			for {
				s.runJSON(&r, 0, "report")
				if r.Totals.Campaigns == 5 && r.Totals.Closed == 4 && maps.Equal(nonZero(r.ByOutcome), map[string]int{"won_back": 2, "cancelled": 1, "walked_away": 1}) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("report: %+v\nwant 5 campaigns: 2 won back, 1 cancelled, 1 walked away, 1 open", r)
				}
				time.Sleep(250 * time.Millisecond)
			}
			if tot := r.Totals; tot.Open != 1 || tot.WonBack != 2 || tot.WinBackRate != 0.5 || tot.WalkedAway != 1 {
				t.Errorf("report: %+v; want 1 open, 2 won back, rate 0.5 (2 of 4 closed), 1 walked away", tot)
			}
			if elapsed := time.Since(began).Hours() / 24; r.Totals.MedianDaysToWinBack <= 0 || r.Totals.MedianDaysToWinBack > elapsed {
				t.Errorf("median days to win back = %v, want more than 0 and at most the %v days since launch", r.Totals.MedianDaysToWinBack, elapsed)
			}
			// rpt-won-1 (48,000, alice's) came back; rpt-won-2 (bob's) at the CSV's default value.
			if g := reportGroupOf(r.ByLostBy, "bob"); g.Campaigns != 2 || g.WonBack != 1 {
				t.Errorf("lost by bob: %+v, want rpt-won-2 and rpt-walk, one won back", g)
			}
			if r.Totals.ValueWonBack < 48000 || r.Totals.ValueLost < r.Totals.ValueWonBack+75000 {
				t.Errorf("value: %+v", r.Totals)
			}
			wantSegments := []cliReportGroup{
				{Key: "enterprise", Campaigns: 2, Closed: 2, WonBack: 1, WinBackRate: 0.5},
				{Key: "smb", Campaigns: 2, Closed: 2, WonBack: 1, WinBackRate: 0.5},
				{Key: "mid-market", Campaigns: 1},
			}
			if !slices.Equal(r.BySegment, wantSegments) {
				t.Errorf("by segment: %+v\nwant %+v", r.BySegment, wantSegments)
			}
			// Only the exit interview sets the reason and scope: rpt-walk's.
			if g := reportGroupOf(r.ByReason, "bad_fit"); g != (cliReportGroup{Key: "bad_fit", Campaigns: 1, Closed: 1}) {
				t.Errorf("by reason, bad_fit: %+v, want 1 campaign, closed, not won back", g)
			}
			if g := reportGroupOf(r.ByScope, "systemic"); g != (cliReportGroup{Key: "systemic", Campaigns: 1, Closed: 1}) {
				t.Errorf("by scope, systemic: %+v, want 1 campaign, closed, not won back", g)
			}
			text := s.winback(0, "report")
			for _, line := range []string{"Campaigns:      5 (open 1, closed 4)", "Win-back rate:  50.0% (2 won back of 4 closed)",
				"not a fit for what we build"} {
				if !strings.Contains(text, line) {
					t.Errorf("report text lacks %q:\n%s", line, text)
				}
			}
		})
		var empty cliReport
		s.runJSON(&empty, 0, "report", "--from", "2020-01-01", "--to", "2020-12-31")
		if empty.Totals.Campaigns != 0 {
			t.Errorf("report over 2020: %+v, want no campaigns", empty)
		}

		// list agrees, filter by filter.
		s.eventuallyListed("rpt-", []string{"rpt-won-1", "rpt-won-2"}, "--outcome", "won_back")
		s.eventuallyListed("rpt-", []string{"rpt-open"}, "--open")
		closed := s.eventuallyListed("rpt-", []string{"rpt-cancel", "rpt-walk", "rpt-won-1", "rpt-won-2"}, "--closed")
		if r := closed["rpt-walk"]; r.Outcome != "walked_away" || r.Stage != "closed" || r.Status != "completed" || r.Segment != "enterprise" {
			t.Errorf("list --closed, rpt-walk: %+v", r)
		}
	})

	t.Run("a CSV with bad rows launches only its good rows, once", func(t *testing.T) {
		s := s.on(t)
		soon := time.Now().AddDate(0, 0, 3).Format("2006-01-02")
		longCompany := strings.Repeat("Consolidated Widgets ", 10) + "Inc"
		records := []string{
			customerRecord("csv-good-1", nil), // row 2
			customerRecord("csv-bad-email", map[string]string{"email": "ann.acme.example"}),
			customerRecord("csv-good-2", map[string]string{"phone": "(415) 555-0199", "timezone": "Europe/London", "rep": "bob"}),
			customerRecord("csv-bad-phone", map[string]string{"phone": "+1555"}), // row 5
			customerRecord("csv-bad-zone", map[string]string{"timezone": "Mars/Olympus"}),
			customerRecord("csv-bad-reason", map[string]string{"reason": "cheaper"}),
			customerRecord("csv-bad-value", map[string]string{"account_value": "lots"}),
			customerRecord("csv-bad-negative", map[string]string{"account_value": "-5"}),
			customerRecord("csv-bad-missing", map[string]string{"name": ""}), // row 10
			customerRecord("csv-bad-future", map[string]string{"departed": soon}),
			customerRecord("csv-dup", nil),
			customerRecord("csv-dup", map[string]string{"email": "other@acme.example"}),
			customerRecord("csv-bad-rep", map[string]string{"rep": "zed"}),
			customerRecord("csv-bad-sms", map[string]string{"company": longCompany}), // row 15
			"csv-bad-fields,Ann Lee,Acme",
			customerRecord("csv-good-3", map[string]string{"phone": "", "reason": "", "departed": "", "competitor": ""}),
		}
		file := writeTempFile(t, "customers.csv", customersCSV(records...))
		good := []string{"csv-good-1", "csv-good-2", "csv-good-3"}
		bad := []string{"csv-bad-email", "csv-bad-phone", "csv-bad-zone", "csv-bad-reason", "csv-bad-value", "csv-bad-negative",
			"csv-bad-missing", "csv-bad-future", "csv-dup", "csv-bad-rep", "csv-bad-sms", "csv-bad-fields"}
		// Each bad row: its column ("" for a row that is not even CSV) and what the message says.
		wantProblems := map[int]cliProblem{
			3:  {Column: "email", Message: `"ann.acme.example" is not an email address`},
			5:  {Column: "phone", Message: `"+1555" is not a valid E.164 number`},
			6:  {Column: "timezone", Message: `"Mars/Olympus" is not an IANA time zone`},
			7:  {Column: "reason", Message: `"cheaper" is not a reason`},
			8:  {Column: "account_value", Message: `"lots" is not a number`},
			9:  {Column: "account_value", Message: `"-5" is negative`},
			10: {Column: "name", Message: "is required"},
			11: {Column: "departed", Message: fmt.Sprintf("%q is in the future", soon)},
			12: {Column: "customer_id", Message: `"csv-dup" appears on rows 12, 13`},
			13: {Column: "customer_id", Message: `"csv-dup" appears on rows 12, 13`},
			14: {Column: "rep", Message: `unknown rep "zed"`},
			15: {Column: "company", Message: "SMS segments"},
			16: {Message: "has 3 fields but the header has 15 columns"},
		}
		checkProblems := func(what string, problems []cliProblem, badRows []int) {
			t.Helper()
			if want := slices.Sorted(maps.Keys(wantProblems)); !slices.Equal(badRows, want) {
				t.Errorf("%s: bad rows %v, want %v", what, badRows, want)
			}
			for row, want := range wantProblems {
				if !slices.ContainsFunc(problems, func(p cliProblem) bool {
					return p.Row == row && p.Column == want.Column && strings.Contains(p.Message, want.Message)
				}) {
					t.Errorf("%s: no problem on row %d, column %q saying %q; problems: %+v", what, row, want.Column, want.Message, problems)
				}
			}
		}

		// A dry run says what would launch and starts nothing.
		var dry cliLaunchSummary
		s.runJSON(&dry, 2, "launch", "--csv", file, "--dry-run")
		checkProblems("--dry-run -o json", dry.Problems, dry.BadRows)
		var would []string
		for _, l := range dry.WouldLaunch {
			would = append(would, fmt.Sprintf("%d:%s:%s", l.Row, l.Input.Customer.ID, l.Input.Customer.Phone))
		}
		if want := []string{"2:csv-good-1:+12125550142", "4:csv-good-2:+14155550199", "17:csv-good-3:"}; !dry.DryRun || !slices.Equal(would, want) {
			t.Errorf("--dry-run would launch %v, want %v (phones in E.164)", would, want)
		}
		out, _, code := s.run("launch", "--csv", file, "--dry-run")
		if code != 2 || !strings.Contains(out, "Dry run: would launch 3 campaigns") || !strings.Contains(out, "(13 bad rows skipped); nothing started") {
			t.Errorf("--dry-run: exit %d\n%s", code, out)
		}
		// --strict starts nothing when any row is bad.
		if _, errOut, code := s.run("launch", "--csv", file, "--strict"); code != 2 || !strings.Contains(errOut, "--strict: nothing launched, 13 of 16 rows are bad") {
			t.Errorf("--strict: exit %d\n%s", code, errOut)
		}
		noneStarted(t, c, append(good, bad...)...)

		// The launch: every bad row on stderr with its row and column, the good ones started.
		out, errOut, code := s.run("launch", "--csv", file)
		if code != 2 || !strings.Contains(out, "Launched 3, already running 0, skipped 13, failed 0.") {
			t.Errorf("launch: exit %d, want 2 (bad rows)\n%s%s", code, out, errOut)
		}
		for row, want := range wantProblems {
			line := fmt.Sprintf("row %d: %s", row, want.Message)
			if want.Column != "" {
				line = fmt.Sprintf("row %d, column %s: ", row, want.Column)
			}
			if !strings.Contains(errOut, line) {
				t.Errorf("stderr lacks %q:\n%s", line, errOut)
			}
		}
		listed := s.eventuallyListed("csv-", good)
		runs := map[string]string{}
		for _, id := range good {
			if listed[id].Status != "running" {
				t.Errorf("%s is %s, want running", id, listed[id].Status)
			}
			runs[id] = latestRun(t, c, id)
		}
		noneStarted(t, c, bad...)

		// The same file again launches nothing: the good rows are already running.
		var again cliLaunchSummary
		s.runJSON(&again, 2, "launch", "--csv", file)
		checkProblems("rerun -o json", again.Problems, again.BadRows)
		if again.Launched != 0 || again.AlreadyRunning != 3 || again.Skipped != 13 || again.Failed != 0 {
			t.Errorf("rerun: launched %d, already running %d, skipped %d, failed %d; want 0, 3, 13, 0",
				again.Launched, again.AlreadyRunning, again.Skipped, again.Failed)
		}

		// Fixed (only the good rows left), the file exits 0. A campaign that closed is skipped,
		// not relaunched; nothing ever started twice.
		s.winback(0, "cancel", "csv-good-3", "--reason", "launched by mistake")
		s.eventually("csv-good-3 to close", 20*time.Second, func() bool { return s.status("csv-good-3").Stage == workflows.StageClosed })
		fixed := writeTempFile(t, "fixed.csv", customersCSV(records[0], records[2], records[len(records)-1]))
		var rerun cliLaunchSummary
		s.runJSON(&rerun, 0, "launch", "--csv", fixed)
		statuses := map[string]string{}
		for _, r := range rerun.Results {
			statuses[r.CustomerID] = r.Status + " " + r.Detail
		}
		wantStatuses := map[string]string{"csv-good-1": "already_running ", "csv-good-2": "already_running ",
			"csv-good-3": "skipped_closed closed as cancelled on " + time.Now().Format("2006-01-02")}
		if rerun.Launched != 0 || rerun.AlreadyRunning != 2 || rerun.Skipped != 1 || !maps.Equal(statuses, wantStatuses) {
			t.Errorf("fixed file: %+v\nwant 2 already running and csv-good-3 skipped as closed, %v", rerun, wantStatuses)
		}
		for _, id := range good {
			if run := latestRun(t, c, id); run != runs[id] {
				t.Errorf("%s: latest run %s, want the first launch's %s: launched twice", id, run, runs[id])
			}
		}
	})

	t.Run("a bad file launches nothing", func(t *testing.T) {
		s := s.on(t)
		ok := customerRecord("file-ok", nil)
		latin1 := strings.Replace(customerRecord("file-latin1", nil), "Ann Lee", "Tom\xe1s Ortega", 1)
		for _, tc := range []struct {
			name, path string
			says       []string
		}{
			{"empty", writeTempFile(t, "empty.csv", nil), []string{"the file is empty", "customer_id,name"}},
			{"wrong header", writeTempFile(t, "header.csv", []byte("cust_id,name,email,timezone,account_value,rep\n"+
				"file-ok,Ann Lee,ann@acme.example,UTC,10,alice\n")), []string{`unknown column "cust_id"`, "missing required column customer_id"}},
			{"Windows-1252, not UTF-8", writeTempFile(t, "latin1.csv", customersCSV(ok, latin1)),
				[]string{"row 3, column name is not UTF-8", `save it as "CSV UTF-8"`}},
			{"UTF-16", writeTempFile(t, "utf16.csv", utf16LE(string(customersCSV(ok)))), []string{"UTF-16", `save it as "CSV UTF-8"`}},
			{"no such file", t.TempDir() + "/missing.csv", []string{"cannot read", "no such file"}},
			{"a folder", t.TempDir(), []string{"is a directory"}},
		} {
			out, errOut, code := s.run("launch", "--csv", tc.path)
			if code != 2 {
				t.Errorf("%s: exit %d, want 2\n%s%s", tc.name, code, out, errOut)
			}
			for _, want := range tc.says {
				if !strings.Contains(errOut, want) {
					t.Errorf("%s: stderr %q lacks %q", tc.name, errOut, want)
				}
			}
		}
		noneStarted(t, c, "file-ok", "file-latin1")
	})
}

// group finds a report group by key.
func reportGroupOf(groups []cliReportGroup, key string) cliReportGroup {
	for _, g := range groups {
		if g.Key == key {
			return g
		}
	}
	return cliReportGroup{}
}

// utf16LE encodes ASCII text as UTF-16 little-endian with its byte order mark, as a
// spreadsheet's "Unicode text" does.
func utf16LE(s string) []byte {
	out := []byte{0xFF, 0xFE}
	for _, r := range s {
		out = append(out, byte(r), byte(r>>8))
	}
	return out
}

// nonZero is a count by key without the keys counted zero times (the report lists every outcome).
func nonZero(m map[string]int) map[string]int {
	out := map[string]int{}
	for k, n := range m {
		if n != 0 {
			out[k] = n
		}
	}
	return out
}
