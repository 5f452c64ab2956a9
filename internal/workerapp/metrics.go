package workerapp

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"time"

	prom "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
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
	// A registry of its own (with the Go and process collectors the default one has), so that
	// a process may hold more than one worker: the in-process tests do.
	registry := prom.NewRegistry()
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reporter := prometheus.NewReporter(prometheus.Options{Registerer: registry, Gatherer: registry})
	scope, closer := tally.NewRootScope(tally.ScopeOptions{
		CachedReporter:  reporter,
		Separator:       prometheus.DefaultSeparator,
		SanitizeOptions: &sdktally.PrometheusSanitizeOptions,
	}, time.Second)
	scope = sdktally.NewPrometheusNamingScope(scope)
	return &metrics{handler: sdktally.NewMetricsHandler(scope), http: reporter.HTTPHandler(), scope: scope, closer: closer}
}

// Leaser is the store's lease (store.Store.TryLease): one worker of many holds it at a time.
type Leaser interface {
	TryLease(ctx context.Context, name, holder string, ttl time.Duration) (bool, error)
}

// gaugesLease is the lease of the worker that reads the visibility gauges for the deployment.
const gaugesLease = "visibility-gauges"

// watchVisibility updates the gauges every interval until ctx ends. Visibility is eventually
// consistent, so the gauges trail the campaigns by a second or so. Of several workers, only
// the one holding the lease reads visibility and exports the counts; the others export 0, so a
// sum across workers is the deployment's count and visibility is asked once, not once a worker.
func (m *metrics) watchVisibility(ctx context.Context, c campaigns.API, lease Leaser, holder string, every time.Duration, logger *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		m.exportGauges(ctx, c, lease, holder, 3*every, logger)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// exportGauges is one round of watchVisibility: the counts when holder has (or takes) the
// lease, zeros otherwise. It reports whether holder exported the counts.
func (m *metrics) exportGauges(ctx context.Context, c campaigns.API, lease Leaser, holder string, ttl time.Duration, logger *slog.Logger) bool {
	held, err := lease.TryLease(ctx, gaugesLease, holder, ttl)
	if err != nil {
		logger.Debug("gauges lease not taken: the store did not answer", "error", err)
	}
	if err != nil || !held {
		m.zeroGauges()
		return false
	}
	m.readVisibility(ctx, c, logger)
	return true
}

// openStages are the stages a running campaign can be in, as the gauges count them.
var openStages = []workflows.Stage{workflows.StageBackstory, workflows.StageExitInterview, workflows.StageDecision,
	workflows.StageRevisitEmail, workflows.StageWait, workflows.StageThankYouCall, workflows.StageCheckIns}

// zeroGauges exports 0 for every visibility gauge: another worker exports the counts.
func (m *metrics) zeroGauges() {
	for _, stage := range openStages {
		m.scope.Tagged(map[string]string{"stage": string(stage)}).Gauge("winback_campaigns_open").Update(0)
	}
	m.scope.Gauge("winback_campaigns_with_open_task").Update(0)
	m.scope.Gauge("winback_campaigns_with_overdue_task").Update(0)
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
	for _, stage := range openStages {
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
