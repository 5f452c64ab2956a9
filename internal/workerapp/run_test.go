package workerapp_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/campaigns/campaignstest"
	"github.com/winback/winback/config"
	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/internal/workerapp"
	"github.com/winback/winback/workflows"
)

// The worker runs in-process: it serves its HTTP endpoints and runs a campaign started through
// the campaigns client, and stops cleanly when its context ends.
func TestRunServesAndRunsCampaignsInProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Temporal dev server")
	}
	server := testenv.StartDevServer(t, testenv.DevServerOptions{})
	addr := fmt.Sprintf("127.0.0.1:%d", testenv.FreePort(t))
	cfg := runWorker(t, map[string]string{
		"TEMPORAL_ADDRESS":   server.Address,
		"WINBACK_HTTP_ADDR":  addr,
		"WINBACK_TASK_QUEUE": "workerapp-test",
	})
	ctx := context.Background()

	get := func(path string) (int, string) {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	campaignstest.Eventually(t, 30*time.Second, "healthz", func() error {
		if code, body := get("/healthz"); code != http.StatusOK {
			return fmt.Errorf("%d %s", code, body)
		}
		return nil
	})

	api, err := campaigns.Dial(ctx, cfg, nil, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer api.Close()
	owners, err := cfg.Team.Owners("alice", "")
	if err != nil {
		t.Fatal(err)
	}
	in := workflows.CampaignInput{
		Customer:  workflows.Customer{ID: "wa-1", Name: "Dana Reyes", Email: "dana@acme.example", TimeZone: "UTC", AccountValue: 1000},
		Departure: workflows.Departure{Date: time.Now()},
		Owners:    owners, Playbook: cfg.Playbook,
	}
	if _, err := api.Start(ctx, in, campaigns.Relaunch); err != nil {
		t.Fatal(err)
	}
	campaignstest.Eventually(t, 30*time.Second, "the worker runs the campaign", func() error {
		st, err := api.Status(ctx, "wa-1")
		if err == nil && (len(st.Tasks) == 0 || st.Tasks[0].ID != "backstory") {
			err = fmt.Errorf("tasks %+v", st.Tasks)
		}
		return err
	})
	if code, body := get("/metrics"); code != http.StatusOK || !strings.Contains(body, "winback_tasks_opened") {
		t.Errorf("/metrics: %d, no winback_tasks_opened", code)
	}
	if code, _ := get("/inbox/signin"); code != http.StatusOK {
		t.Errorf("/inbox/signin: %d", code)
	}
}

// runWorker runs the worker in process, configured by env over a test's defaults (no Temporal
// profiles of the user's, a data folder of its own, the example team), until the test ends.
func runWorker(t *testing.T, env map[string]string) *config.Config {
	t.Helper()
	noProfiles := filepath.Join(t.TempDir(), "temporal.toml") // not the user's
	if err := os.WriteFile(noProfiles, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	all := map[string]string{
		"TEMPORAL_CONFIG_FILE": noProfiles,
		"WINBACK_DATA_DIR":     t.TempDir(),
		"WINBACK_TEAM":         filepath.Join(testenv.RepoRoot(), "config", "team.example.yaml"),
	}
	maps.Copy(all, env)
	cfg, err := config.LoadFrom(func(name string) (string, bool) { v, ok := all[name]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- workerapp.Run(ctx, cfg, slog.New(slog.DiscardHandler)) }()
	t.Cleanup(func() {
		stop()
		select {
		case err := <-done:
			if err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("Run did not return after its context ended")
		}
	})
	return cfg
}
