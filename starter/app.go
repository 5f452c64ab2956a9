package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/winback/winback/billing"
	"github.com/winback/winback/campaigns"
	"github.com/winback/winback/config"
)

// app is what every command shares: the streams, the global flags, and the configuration and
// campaigns client, loaded once and only by the commands that need them.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer

	// Global flags.
	output  string
	timeout time.Duration

	// started is set when a command body runs: an error before it is a usage error.
	started bool

	// loadConfig and connect are config.Load and campaigns.Dial; tests replace them.
	loadConfig func() (*config.Config, error)
	connect    func(ctx context.Context, cfg *config.Config, logger *slog.Logger, timeout time.Duration) (campaigns.API, func(), error)
	now        func() time.Time
	// stripe makes the Stripe client of the backfill (billing.New); tests replace it.
	stripe func(cfg config.Billing) (billing.Stripe, error)

	cfg        *config.Config
	api        campaigns.API
	disconnect func()
}

// newApp returns an app that reads the real configuration and reaches the real campaigns.
func newApp(stdin io.Reader, stdout, stderr io.Writer) *app {
	return &app{
		stdin:      stdin,
		stdout:     stdout,
		stderr:     stderr,
		output:     outputText,
		timeout:    30 * time.Second,
		loadConfig: config.Load,
		connect: func(ctx context.Context, cfg *config.Config, logger *slog.Logger, timeout time.Duration) (campaigns.API, func(), error) {
			c, err := campaigns.Dial(ctx, cfg, logger, timeout)
			if err != nil {
				return nil, nil, err
			}
			return c, c.Close, nil
		},
		now: time.Now,
		stripe: func(cfg config.Billing) (billing.Stripe, error) {
			c, err := billing.New(cfg)
			if err != nil {
				return nil, err
			}
			return c, nil
		},
	}
}

// config loads the configuration once (team, playbook, Temporal connection).
func (a *app) config() (*config.Config, error) {
	if a.cfg != nil {
		return a.cfg, nil
	}
	cfg, err := a.loadConfig()
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	a.cfg = cfg
	return cfg, nil
}

// campaigns dials Temporal once, with the worker's configuration, and returns the campaigns
// client every command goes through. Each of its calls waits at most --timeout.
func (a *app) campaigns(ctx context.Context) (campaigns.API, error) {
	if a.api != nil {
		return a.api, nil
	}
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	dialCtx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	api, disconnect, err := a.connect(dialCtx, cfg, a.logger(cfg), a.timeout)
	if err != nil {
		return nil, fmt.Errorf("%w; is the server running, and are TEMPORAL_ADDRESS and TEMPORAL_PROFILE right?", err)
	}
	a.api, a.disconnect = api, disconnect
	return api, nil
}

// logger is the SDK's logger for a CLI: warnings and errors only, on stderr, unless the
// configuration asks for debug.
func (a *app) logger(cfg *config.Config) *slog.Logger {
	level := max(cfg.LogLevel, slog.LevelWarn)
	if cfg.LogLevel < slog.LevelInfo {
		level = cfg.LogLevel
	}
	return slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: level}))
}

// close closes the connection to Temporal if a command made one.
func (a *app) close() {
	if a.disconnect != nil {
		a.disconnect()
	}
	a.api, a.disconnect = nil, nil
}

// orDefault returns s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// isTerminal reports whether f is an interactive terminal (a character device), for the
// progress bar and the interactive prompts.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	if !ok {
		return false
	}
	info, err := file.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
