package main

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/spf13/cobra"

	"github.com/winback/winback/store"
)

// storeCommand groups what ops do with the store itself.
func (a *app) storeCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "store",
		Short: "The store that outlives campaign runs: copy it to another backend",
		Long: `The store (WINBACK_DATABASE_URL, default an SQLite file in the data folder) keeps what outlives a
campaign run: the suppression list and its consent log, the send ledger, inbound dedupe, the
contact index and the deployment's secrets.`,
		Example: `  winback store copy --to postgres://winback:secret@db.internal:5432/winback`,
	}
	cmd.AddCommand(a.storeCopyCommand())
	return cmd
}

// storeCopyCommand copies the configured store into a new, empty one.
func (a *app) storeCopyCommand() *cobra.Command {
	var to string
	cmd := &cobra.Command{
		Use:   "copy --to URL",
		Short: "Copy the store into a new, empty one (from SQLite to PostgreSQL, say)",
		Long: `Copy everything the configured store holds (WINBACK_DATABASE_URL) into a new, empty store at
--to: the suppression list and its consent log, the contact index with the key of its hashes,
the secrets (links already sent stay good, a launch holds out the same customers), inbound
dedupe, the send ledger, and the task index with the campaign records and their offers. Stop the workers
first, then point them and the CLI at the new store. Values sealed with codec keys are sealed
again with the same keys (WINBACK_CODEC_KEYS).`,
		Example: `  winback store copy --to postgres://winback:secret@db.internal:5432/winback`,
		Args:    cobra.NoArgs,
		RunE: a.action(func(ctx context.Context, _ *cobra.Command, _ []string) error {
			if err := store.CheckURL(to); err != nil {
				return badInputf("--to %v", err)
			}
			cfg, err := a.config()
			if err != nil {
				return err
			}
			logger := a.logger(cfg)
			src, err := cfg.OpenStore(ctx, logger)
			if err != nil {
				return err
			}
			defer src.Close()
			codec, err := cfg.Codec.PayloadCodec()
			if err != nil {
				return err
			}
			dst, err := store.Open(ctx, store.Options{URL: to, Codec: codec, Logger: logger})
			if err != nil {
				return fmt.Errorf("--to: %w", err)
			}
			defer dst.Close()
			report, err := src.CopyTo(ctx, dst)
			if err != nil {
				return err
			}
			if a.json() {
				return writeJSON(a.stdout, map[string]any{"from": src.Where(), "to": dst.Where(), "copied": report})
			}
			fmt.Fprintf(a.stdout, "Copied %s into %s:\n", src.Where(), dst.Where())
			for _, table := range slices.Sorted(maps.Keys(report)) {
				fmt.Fprintf(a.stdout, "  %-15s %d\n", table, report[table])
			}
			fmt.Fprintf(a.stdout, "Now set WINBACK_DATABASE_URL to the new store for every worker and the CLI.\n")
			return nil
		}),
	}
	cmd.Flags().StringVar(&to, "to", "", "the new store's URL: postgres://... or sqlite:PATH (required)")
	_ = cmd.MarkFlagRequired("to")
	return cmd
}
