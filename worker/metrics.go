package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/uber-go/tally/v4"
	"github.com/uber-go/tally/v4/prometheus"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdktally "go.temporal.io/sdk/contrib/tally"

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
func (m *metrics) watchVisibility(ctx context.Context, c client.Client, namespace string, every time.Duration, logger *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		m.readVisibility(ctx, c, namespace, logger)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (m *metrics) readVisibility(ctx context.Context, c client.Client, namespace string, logger *slog.Logger) {
	running := fmt.Sprintf("WorkflowType = '%s' AND ExecutionStatus = 'Running'", workflows.WorkflowType)
	count := func(query string) (int64, bool) {
		resp, err := c.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Namespace: namespace, Query: query})
		if err != nil {
			logger.Debug("visibility count failed", "error", err)
			return 0, false
		}
		return resp.GetCount(), true
	}
	for _, stage := range []workflows.Stage{workflows.StageBackstory, workflows.StageExitInterview, workflows.StageDecision,
		workflows.StageRevisitEmail, workflows.StageWait, workflows.StageThankYouCall, workflows.StageCheckIns} {
		if n, ok := count(fmt.Sprintf("%s AND WinBackStage = '%s'", running, stage)); ok {
			m.scope.Tagged(map[string]string{"stage": string(stage)}).Gauge("winback_campaigns_open").Update(float64(n))
		}
	}
	if n, ok := count(running + " AND WinBackTaskDue IS NOT NULL"); ok {
		m.scope.Gauge("winback_campaigns_with_open_task").Update(float64(n))
	}
	overdue := fmt.Sprintf("%s AND WinBackTaskDue < '%s'", running, time.Now().UTC().Format(time.RFC3339))
	if n, ok := count(overdue); ok {
		m.scope.Gauge("winback_campaigns_with_overdue_task").Update(float64(n))
	}
}
