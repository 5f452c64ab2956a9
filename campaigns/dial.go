package campaigns

import (
	"context"
	"log/slog"
	"time"

	"github.com/winback/winback/config"
)

// Dial connects to the Temporal of the configuration (config.Config.Dial: the TEMPORAL_*
// variables and temporal.toml profiles, the payload codec) and returns a Client of its
// campaigns, which owns the connection: Close it when done. callTimeout bounds each call
// (Options.CallTimeout).
func Dial(ctx context.Context, cfg *config.Config, logger *slog.Logger, callTimeout time.Duration) (*Client, error) {
	dc, err := cfg.Codec.DataConverter()
	if err != nil {
		return nil, err
	}
	tc, err := cfg.Dial(ctx, logger)
	if err != nil {
		return nil, err
	}
	c := New(tc, Options{Namespace: cfg.Temporal.ClientOptions.Namespace, TaskQueue: cfg.Temporal.TaskQueue,
		DataConverter: dc, CallTimeout: callTimeout})
	c.owned = true
	return c, nil
}

// Close closes the Temporal connection of a Client made by Dial; a Client made by New leaves
// its connection to its maker.
func (c *Client) Close() {
	if c.owned {
		c.tc.Close()
	}
}
