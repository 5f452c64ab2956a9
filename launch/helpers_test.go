package launch

import (
	"strings"
	"time"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/config"
	"github.com/winback/winback/workflows"
)

// testNow is the launch time of the tests: 2026-03-10 15:00 UTC.
var testNow = time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)

// testTeam is the example team (config/team.example.yaml): reps alice and bob, manager maria.
var testTeam = must(config.ReadTeam("../config/team.example.yaml"))

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// testValidator validates as a launch at testNow with the test team, the default playbook
// and the embedded templates, signed "winback" (the default WINBACK_FROM_NAME).
func testValidator() Validator {
	return Validator{Region: "US", Now: testNow, Owners: testTeam.Owners, Playbook: workflows.DefaultPlaybook(),
		SMS: &activities.SMSFit{OurCompany: "winback"}}
}

// goodRecord is a valid CSV record, in the documented column order, for a customer ID.
func goodRecord(id string) string {
	return strings.Join([]string{id, "Ann Lee", "Acme", "ann@acme.example", "+12125550142", "America/New_York",
		"1200.50", "smb", "2026-03-01", "competitor_price", "Globex", "20% off", "", "alice", ""}, ",")
}

// goodRow is a valid customer row.
func goodRow() CustomerRow {
	return CustomerRow{Row: 2, CustomerID: "C-1", Name: "Ann Lee", Company: "Acme", Email: "ann@acme.example",
		Phone: "+12125550142", TimeZone: "America/New_York", AccountValue: "1200.50", Segment: "smb",
		Departed: "2026-03-01", Reason: "competitor_price", Competitor: "Globex", CompetitorOffer: "20% off", Rep: "alice"}
}
