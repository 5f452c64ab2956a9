package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/winback/winback/config"
)

// app is what every command shares: the streams, the global flags, and the configuration and
// Temporal client, loaded once and only by the commands that need them.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer

	// Global flags.
	output  string
	timeout time.Duration

	// started is set when a command body runs: an error before it is a usage error.
	started bool

	// loadConfig and dial are config.Load and Config.Dial; tests replace them.
	loadConfig func() (*config.Config, error)
	dial       func(ctx context.Context, cfg *config.Config, logger *slog.Logger) (client.Client, error)
	now        func() time.Time

	cfg *config.Config
	c   client.Client
}

// newApp returns an app that reads the real configuration and dials the real Temporal.
func newApp(stdin io.Reader, stdout, stderr io.Writer) *app {
	return &app{
		stdin:      stdin,
		stdout:     stdout,
		stderr:     stderr,
		output:     outputText,
		timeout:    30 * time.Second,
		loadConfig: config.Load,
		dial: func(ctx context.Context, cfg *config.Config, logger *slog.Logger) (client.Client, error) {
			return cfg.Dial(ctx, logger)
		},
		now: time.Now,
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

// client dials Temporal once, with the worker's configuration.
func (a *app) client(ctx context.Context) (client.Client, error) {
	if a.c != nil {
		return a.c, nil
	}
	cfg, err := a.config()
	if err != nil {
		return nil, err
	}
	dialCtx, cancel := context.WithTimeout(ctx, a.timeout)
	defer cancel()
	c, err := a.dial(dialCtx, cfg, a.logger(cfg))
	if err != nil {
		return nil, fmt.Errorf("%w; is the server running, and are TEMPORAL_ADDRESS and TEMPORAL_PROFILE right?", err)
	}
	a.c = c
	return c, nil
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

// close closes the Temporal client if a command dialed it.
func (a *app) close() {
	if a.c != nil {
		a.c.Close()
		a.c = nil
	}
}

// call bounds one call to Temporal by --timeout.
func (a *app) call(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, a.timeout)
}

// namespace is the Temporal namespace the configuration points at.
func namespace(cfg *config.Config) string {
	return orDefault(cfg.Temporal.ClientOptions.Namespace, client.DefaultNamespace)
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
