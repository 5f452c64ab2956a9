package workerapp

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/uber-go/tally/v4"
	"github.com/uber-go/tally/v4/prometheus"
	"go.temporal.io/sdk/client"
	sdktally "go.temporal.io/sdk/contrib/tally"

	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/workflows"
)

// metrics is the Prometheus side of the worker: the SDK's own metrics, the business counters
// the campaigns and sends emit through the SDK's metrics handler, and gauges read from
// visibility (open campaigns by stage, overdue tasks).
type metrics struct {
	handler client.MetricsHandler
	http    http.Handler
	scope   tally.Scope
	closer  io.Closer
}

func newMetrics() *metrics {
	reporter := prometheus.NewReporter(prometheus.Options{})
	scope, closer := tally.NewRootScope(tally.ScopeOptions{
		CachedReporter:  reporter,
		Separator:       prometheus.DefaultSeparator,
		SanitizeOptions: &sdktally.PrometheusSanitizeOptions,
	}, time.Second)
	scope = sdktally.NewPrometheusNamingScope(scope)
	return &metrics{handler: sdktally.NewMetricsHandler(scope), http: reporter.HTTPHandler(), scope: scope, closer: closer}
}

// watchVisibility updates the gauges every interval until ctx ends. Visibility is eventually
// consistent, so the gauges trail the campaigns by a second or so.
func (m *metrics) watchVisibility(ctx context.Context, c campaigns.API, every time.Duration, logger *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		m.readVisibility(ctx, c, logger)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (m *metrics) readVisibility(ctx context.Context, c campaigns.API, logger *slog.Logger) {
	count := func(f campaigns.Filter) (int64, bool) {
		f.Status = campaigns.Running
		n, err := c.Count(ctx, f)
		if err != nil {
			logger.Debug("visibility count failed", "error", err)
			return 0, false
		}
		return n, true
	}
	for _, stage := range []workflows.Stage{workflows.StageBackstory, workflows.StageExitInterview, workflows.StageDecision,
		workflows.StageRevisitEmail, workflows.StageWait, workflows.StageThankYouCall, workflows.StageCheckIns} {
		if n, ok := count(campaigns.Filter{Stage: stage}); ok {
			m.scope.Tagged(map[string]string{"stage": string(stage)}).Gauge("winback_campaigns_open").Update(float64(n))
		}
	}
	if n, ok := count(campaigns.Filter{HasOpenTask: true}); ok {
		m.scope.Gauge("winback_campaigns_with_open_task").Update(float64(n))
	}
	if n, ok := count(campaigns.Filter{TaskDueBefore: time.Now()}); ok {
		m.scope.Gauge("winback_campaigns_with_overdue_task").Update(float64(n))
	}
}
