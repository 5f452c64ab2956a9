package campaigns

import (
	"context"
	"log/slog"
	"time"

	"github.com/winback/winback/config"
)

// Dial connects to the Temporal of the configuration (config.Config.Dial: the TEMPORAL_*
// variables and temporal.toml profiles, the payload codec) and to its store
// (WINBACK_DATABASE_URL), and returns a Client of its campaigns, which owns both connections:
// Close it when done. callTimeout bounds each call (Options.CallTimeout).
func Dial(ctx context.Context, cfg *config.Config, logger *slog.Logger, callTimeout time.Duration) (*Client, error) {
	dc, err := cfg.Codec.DataConverter()
	if err != nil {
		return nil, err
	}
	st, err := cfg.OpenStore(ctx, logger)
	if err != nil {
		return nil, err
	}
	tc, err := cfg.Dial(ctx, logger)
	if err != nil {
		st.Close()
		return nil, err
	}
	c := New(tc, Options{Namespace: cfg.Temporal.ClientOptions.Namespace, TaskQueue: cfg.Temporal.TaskQueue,
		DataConverter: dc, CallTimeout: callTimeout, Store: st})
	c.closers = []func(){tc.Close, func() { st.Close() }}
	return c, nil
}

// Close closes the connections of a Client made by Dial; a Client made by New leaves its
// connections to its maker.
func (c *Client) Close() {
	for _, close := range c.closers {
		close()
	}
	c.closers = nil
}
