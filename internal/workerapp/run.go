// Package workerapp is the winback worker process: the Temporal worker running the campaigns
// and their activities, and the one HTTP server for the rep inbox, the provider webhooks, the
// sandbox outbox, the codec endpoint, /metrics and /healthz. The winback-worker command runs
// it; tests run it in-process with Run.
package workerapp

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
	"golang.org/x/sync/errgroup"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/billing"
	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/codec"
	"github.com/winback/winback/config"
	"github.com/winback/winback/inbox"
	"github.com/winback/winback/sandbox"
	"github.com/winback/winback/store"
	"github.com/winback/winback/webhooks"
	"github.com/winback/winback/workflows"
)

// Run connects to Temporal, starts the worker and the HTTP server, and returns when ctx ends
// (Ctrl-C: nil) or either of them fails.
func Run(ctx context.Context, cfg *config.Config, logger *slog.Logger) error {
	logger.Info("Starting winback-worker", "config", cfg)
	// The store first: a database that is unreachable or newer than this build stops the
	// worker before it takes any work.
	st, err := cfg.OpenStore(ctx, logger)
	if err != nil {
		return err
	}
	defer st.Close()
	logger.Info("Store open", "store", st.Where(), "kind", st.Kind())

	m := newMetrics()
	defer m.closer.Close()
	cfg.Temporal.ClientOptions.MetricsHandler = m.handler
	c, err := cfg.Dial(ctx, logger)
	if err != nil {
		return fmt.Errorf("connect to Temporal: %w", err)
	}
	defer c.Close()

	// Stripe, when configured (nil otherwise): the activities make coupons with it, and the
	// Stripe webhooks read subscriptions with it.
	bc, err := newBilling(cfg.Billing, logger)
	if err != nil {
		return fmt.Errorf("billing: %w", err)
	}
	acts, err := activities.New(activityOptions(cfg, st, bc, logger))
	if err != nil {
		return fmt.Errorf("activities: %w", err)
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", healthz(c, st))
	// With codec keys, payloads are encrypted (Dial installed the codec) and the Temporal UI
	// decodes them through this endpoint, for people who hold its token.
	pc, err := cfg.Codec.PayloadCodec()
	if err != nil {
		return fmt.Errorf("codec: %w", err)
	}
	if pc != nil {
		if err := cfg.Codec.RequireToken(); err != nil {
			return err
		}
		mux.Handle("/codec/", codec.Handler(pc, cfg.Codec.Token, cfg.Codec.CORSOrigins))
	}
	mux.Handle("GET /metrics", m.http)
	var outbox func(string) []inbox.OutboxMessage
	if cfg.SendGrid.Sandbox || cfg.Twilio.Sandbox || cfg.Billing.MockURL != "" {
		sb, err := sandbox.New(sandbox.Options{DataFile: filepath.Join(cfg.DataDir, "outbox.jsonl"), Logger: logger,
			StripeMockURL: cfg.Billing.MockURL})
		if err != nil {
			return fmt.Errorf("sandbox: %w", err)
		}
		defer sb.Close()
		sb.Register(mux)
		outbox = inboxOutbox(sb)
	}
	dc, err := cfg.Codec.DataConverter()
	if err != nil {
		return fmt.Errorf("codec: %w", err)
	}
	// The inbox, the webhooks and the gauges reach campaigns through one client; a page or a
	// webhook waits at most callTimeout for each call.
	cc := campaigns.New(c, campaigns.Options{Namespace: cfg.Temporal.ClientOptions.Namespace,
		TaskQueue: cfg.Temporal.TaskQueue, DataConverter: dc, CallTimeout: callTimeout, Store: st})
	ib, err := inbox.New(inbox.Options{
		Client: cc, Namespace: cfg.Temporal.ClientOptions.Namespace, Team: cfg.Team, Secret: cfg.InboxSecret,
		SecureCookies: strings.HasPrefix(cfg.PublicURL, "https://"), Outbox: outbox,
		TemporalUIURL: cfg.TemporalUIURL, PhoneRegion: cfg.PhoneRegion, Logger: logger,
		Billing: billingProblems(cfg.Billing, st),
	})
	if err != nil {
		return fmt.Errorf("inbox: %w", err)
	}
	ib.Register(mux)

	// A Stripe cancellation is checked and launched as a CSV row is.
	stripeRows, err := stripeLaunch(ctx, cfg, st)
	if err != nil {
		return fmt.Errorf("billing: %w", err)
	}
	wh, err := webhooks.New(webhooks.Options{
		Client: cc, PublicURL: cfg.PublicURL,
		TwilioAuthToken:   cfg.Twilio.AuthToken,
		SendGridPublicKey: cfg.SendGrid.WebhookPublicKey,
		LinkSecret:        cfg.LinkSecret,
		Store:             st,
		Help:              helpReply(st, cc, cfg.Team, acts),
		Checkout:          checkout(bc),
		Logger:            logger,
		Stripe:            stripeClient(bc),
		Billing:           cfg.Billing,
		Launch:            stripeRows,
	})
	if err != nil {
		return fmt.Errorf("webhooks: %w", err)
	}
	wh.Register(mux)

	worker.SetStickyWorkflowCacheSize(cfg.WorkflowCacheSize)
	w := worker.New(c, cfg.Temporal.TaskQueue, worker.Options{})
	w.RegisterWorkflowWithOptions(workflows.WinBackCampaign, workflow.RegisterOptions{Name: workflows.WorkflowType})
	w.RegisterActivity(acts)

	listener, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("WINBACK_HTTP_ADDR %s: %w", cfg.HTTPAddr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}

	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		if err := srv.Serve(listener); !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("HTTP server: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		if err := w.Start(); err != nil {
			return fmt.Errorf("temporal worker: %w", err)
		}
		logger.Info("winback-worker ready",
			"taskQueue", cfg.Temporal.TaskQueue,
			"inbox", cfg.PublicURL+"/inbox", "outbox", cfg.PublicURL+"/outbox", "health", cfg.PublicURL+"/healthz", "metrics", cfg.PublicURL+"/metrics")
		<-ctx.Done()
		w.Stop()
		return nil
	})
	holder := workerIdentity()
	g.Go(func() error {
		m.watchVisibility(ctx, cc, st, holder, 15*time.Second, logger)
		return nil
	})
	g.Go(func() error {
		prune(ctx, st, holder, time.Hour, logger)
		return nil
	})
	g.Go(func() error {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return srv.Shutdown(shutdown)
	})
	return g.Wait()
}

// ledgerRetention is how long a settled send is kept in the ledger: longer than any campaign
// runs (the default playbook expires after 400 days), so no retry or reset of a live campaign
// can need one that is gone.
const ledgerRetention = 2 * 365 * 24 * time.Hour

// prune forgets, once an interval, what the store no longer needs (handled event IDs past
// their retention, settled sends past ledgerRetention). One worker of many does it: the one
// holding the lease.
func prune(ctx context.Context, st *store.Store, holder string, every time.Duration, logger *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if held, err := st.TryLease(ctx, "prune", holder, 2*every); err == nil && held {
			if r, err := st.Prune(ctx, ledgerRetention); err != nil {
				logger.Warn("store: prune failed; it runs again later", "error", err)
			} else if r.InboundEvents+r.Sends > 0 {
				logger.Info("store: pruned", "inboundEvents", r.InboundEvents, "sends", r.Sends)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// helpReply answers a customer's HELP text with the help template, signed by the rep of the
// campaign their number reaches when there is one (the store's contact index, then its status).
func helpReply(st *store.Store, cc campaigns.API, team config.Team, acts *activities.Activities) func(context.Context, string) (string, error) {
	return func(ctx context.Context, phone string) (string, error) {
		var name, email string
		if ids, err := st.CampaignsOf(ctx, phone, string(workflows.ChannelSMS)); err == nil && len(ids) > 0 {
			if id, ok := workflows.CustomerID(ids[0]); ok {
				if s, err := cc.Status(ctx, id); err == nil {
					name = s.Rep
					if p, ok := team.Person(s.Rep); ok {
						name, email = p.Name, p.Email
					}
				}
			}
		}
		return acts.HelpReply(name, email)
	}
}

// workerIdentity names this worker process in the store's leases: host, pid and a random part.
func workerIdentity() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s/%d/%x", host, os.Getpid(), b)
}

// callTimeout bounds each call the inbox, the webhooks and the gauges make to a campaign.
const callTimeout = 10 * time.Second

// activityOptions hands the activities what they need from config, and nothing else.
func activityOptions(cfg *config.Config, st activities.Store, bc *billing.Client, logger *slog.Logger) activities.Options {
	key := cfg.SendGrid.APIKey
	if cfg.SendGrid.Sandbox {
		key = "sandbox" // the sandbox wants a bearer key, like SendGrid; any value will do
	}
	return activities.Options{
		SendGridAPIKey: key, SendGridBaseURL: cfg.SendGrid.BaseURL,
		FromEmail: cfg.SendGrid.FromEmail, FromName: cfg.SendGrid.FromName, SendGridTemplateID: cfg.SendGrid.TemplateID, SendGridEmailActivity: cfg.SendGrid.EmailActivity,
		TwilioAccountSID: cfg.Twilio.AccountSID, TwilioAuthToken: cfg.Twilio.AuthToken, TwilioBaseURL: cfg.Twilio.BaseURL,
		TwilioFrom: cfg.Twilio.From, TwilioMessagingServiceSID: cfg.Twilio.MessagingServiceSID,
		PublicURL: cfg.PublicURL, LinkSecret: cfg.LinkSecret,
		Store: st,
		Team: func(id string) (activities.PersonResult, bool) {
			p, ok := cfg.Team.Person(id)
			return activities.PersonResult{ID: p.ID, Name: p.Name, Email: p.Email, TimeZone: p.TimeZone, Calendar: p.Calendar}, ok
		},
		TemplatesDir: cfg.TemplatesDir,
		Billing:      coupons(bc),
		Logger:       logger,
	}
}

// healthz answers 200 while Temporal and the store answer, 503 otherwise.
func healthz(c client.Client, st *store.Store) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if _, err := c.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
			http.Error(w, "temporal unreachable: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		if err := st.Ping(ctx); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	}
}

// inboxOutbox shows the sandbox's messages on the inbox's outbox page.
func inboxOutbox(sb *sandbox.Sandbox) func(string) []inbox.OutboxMessage {
	return func(workflowID string) []inbox.OutboxMessage {
		var out []inbox.OutboxMessage
		for _, m := range sb.Messages(workflowID) {
			out = append(out, inbox.OutboxMessage{WorkflowID: m.WorkflowID, Step: m.Step, Provider: m.Provider,
				To: m.To, Subject: m.Subject, Text: m.Text, At: m.At})
		}
		return out
	}
}
