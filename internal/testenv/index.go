package testenv

import "testing"

// WorkflowWritesIndex says whether the campaign workflow of this build files its record in the
// store's task index (the SyncCampaign activity) as its tasks open, move and close. Until it
// does, task lists and the report over real campaigns are empty, and the tests of them skip
// (RequireIndexWrites), saying why; under CI=true a skip fails the run. Set it to true in the
// change that makes the workflow call SyncCampaign (issue 15).
const WorkflowWritesIndex = false

// RequireIndexWrites skips t, saying why, while the workflow does not write the task index.
func RequireIndexWrites(t testing.TB) {
	t.Helper()
	if !WorkflowWritesIndex {
		t.Skip("the campaign workflow does not call SyncCampaign yet, so real campaigns never reach the task index " +
			"(set testenv.WorkflowWritesIndex once it does)")
	}
}
