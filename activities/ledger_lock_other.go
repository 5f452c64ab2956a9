//go:build !unix

package activities

import "os"

// lockFile does nothing where flock is not available: run one worker per ledger file.
func lockFile(*os.File) error { return nil }
