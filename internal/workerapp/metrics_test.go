package workerapp

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/campaigns/campaignstest"
	"github.com/winback/winback/store"
	"github.com/winback/winback/workflows"
)

// Several workers export the visibility gauges, but only one counts (it holds the lease in the
// shared store): the others export 0, so Prometheus's sum across workers is the deployment's
// count, and visibility is asked once a round, not once a worker.
func TestOneWorkerOfManyExportsTheVisibilityCounts(t *testing.T) {
	st, err := store.Open(context.Background(), store.Options{URL: "sqlite:" + filepath.Join(t.TempDir(), "winback.db"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fake := campaignstest.New()
	for _, id := range []string{"a", "b", "c"} {
		fake.Put(campaignstest.Campaign{Status: workflows.CampaignStatus{CustomerID: id, Stage: workflows.StageBackstory}, Running: true})
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	open := func(m *metrics) string {
		rec := httptest.NewRecorder()
		m.http.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
		for _, line := range strings.Split(rec.Body.String(), "\n") {
			if strings.HasPrefix(line, `winback_campaigns_open{stage="backstory"}`) {
				return strings.Fields(line)[1]
			}
		}
		return "absent"
	}
	w1, w2 := newMetrics(), newMetrics()
	defer w1.closer.Close()
	defer w2.closer.Close()
	ctx := context.Background()
	if !w1.exportGauges(ctx, fake, st, "w1", time.Minute, quiet) {
		t.Fatal("the first worker did not take the lease")
	}
	if w2.exportGauges(ctx, fake, st, "w2", time.Minute, quiet) {
		t.Fatal("a second worker took a lease that is held")
	}
	countsBefore := len(fake.Filters())
	w1.exportGauges(ctx, fake, st, "w1", time.Minute, quiet) // the holder renews
	if n := len(fake.Filters()) - countsBefore; n == 0 {
		t.Error("the holder did not read visibility again")
	}
	time.Sleep(1100 * time.Millisecond) // the reporter's interval
	if got1, got2 := open(w1), open(w2); got1 != "3" || got2 != "0" {
		t.Errorf("backstory gauge: worker 1 %s, worker 2 %s; want 3 and 0", got1, got2)
	}
}
