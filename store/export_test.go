package store

import "context"

// ExecForTest runs a statement, for tests that set up what only another version would write.
func (s *Store) ExecForTest(ctx context.Context, stmt string) error {
	_, err := s.db.ExecContext(ctx, stmt)
	return err
}
