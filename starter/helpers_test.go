package main

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/campaigns/campaignstest"
	"github.com/winback/winback/config"
	"github.com/winback/winback/launch"
	"github.com/winback/winback/workflows"
)

// testNow is the launch time of the tests: 2026-03-10 15:00 UTC.
var testNow = time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)

// testTeam is the example team (config/team.example.yaml): reps alice and bob, manager maria.
var testTeam = func() config.Team {
	team, err := config.ReadTeam("../config/team.example.yaml")
	if err != nil {
		panic(err)
	}
	return team
}()

// testConfig is the configuration the command tests run with.
func testConfig() *config.Config {
	return &config.Config{
		Temporal: config.Temporal{TaskQueue: "winback-test"},
		Playbook: workflows.DefaultPlaybook(),
		Team:     testTeam,
	}
}

// header is the CSV header of every documented column.
var header = strings.Join(launch.ColumnNames(), ",")

// goodRecord is a valid CSV record, in the documented column order, for a customer ID.
func goodRecord(id string) string {
	return strings.Join([]string{id, "Ann Lee", "Acme", "ann@acme.example", "+12125550142", "America/New_York",
		"1200.50", "smb", "2026-03-01", "competitor_price", "Globex", "20% off", "", "alice", ""}, ",")
}

// cli runs winback command lines against a fake of the campaigns client.
type cli struct {
	fake   *campaignstest.Fake
	dialed int
	// database is the store's URL (WINBACK_DATABASE_URL) for the commands that open it.
	database string
	// holdoutPercent is the configured playbook's holdoutPercent.
	holdoutPercent float64
	// billing is the Stripe configuration (off when zero).
	billing config.Billing
}

func newCLI() *cli { return &cli{fake: campaignstest.New()} }

// run runs one command line with stdin and returns its exit code, stdout and stderr.
func (c *cli) run(stdin string, args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	a := newApp(strings.NewReader(stdin), &out, &errOut)
	a.loadConfig = func() (*config.Config, error) {
		cfg := testConfig()
		cfg.Database = config.Database{URL: c.database, Origin: "WINBACK_DATABASE_URL"}
		cfg.Playbook.HoldoutPercent = c.holdoutPercent
		cfg.Billing = c.billing
		return cfg, nil
	}
	a.connect = func(context.Context, *config.Config, *slog.Logger, time.Duration) (campaigns.API, func(), error) {
		c.dialed++
		return c.fake, func() {}, nil
	}
	a.now = func() time.Time { return testNow }
	code := a.run(args)
	return code, out.String(), errOut.String()
}

// started is the inputs of the campaigns the fake started.
func (c *cli) started() []workflows.CampaignInput {
	var out []workflows.CampaignInput
	for _, s := range c.fake.Starts() {
		out = append(out, s.Input)
	}
	return out
}
