// Command winback-worker runs the campaign workflows and their activities, plus one HTTP server
// for the rep inbox, the provider webhooks, the sandbox outbox, /metrics and /healthz.
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // campaigns compute in their customers' zones on any machine

	"github.com/winback/winback/config"
	"github.com/winback/winback/internal/workerapp"
)

func main() {
	cfg, err := config.Load()
	if err != nil {
		fmt.Fprintf(os.Stderr, "winback-worker: configuration: %v\n", err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := workerapp.Run(ctx, cfg, logger); err != nil && !errors.Is(err, context.Canceled) {
		logger.Error("winback-worker stopped", "error", err)
		os.Exit(1)
	}
}
