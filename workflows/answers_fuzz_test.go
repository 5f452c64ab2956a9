package workflows

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzValidateAnswers: whatever a client sends, validation never panics, and every rejection
// names a field and says why.
func FuzzValidateAnswers(f *testing.F) {
	for _, seed := range []string{
		`{}`, `{"ourSide":"late"}`, `{"reason":"price","scope":"global"}`,
		`{"whyLeaving":"x","whatWouldKeepYou":"y","reason":"other","scope":"specific","newRep":"bob"}`,
		`{"pursue":false}`, `{"pursue":true,"offer":"stay_in_touch"}`, `{"outcome":"maybe"}`, `{"email":" "}`,
	} {
		for _, kind := range []TaskKind{TaskBackstory, TaskExitInterview, TaskDecision, TaskThankYouCall, TaskFixContact, "nonsense"} {
			f.Add(string(kind), seed)
		}
	}
	f.Fuzz(func(t *testing.T, kind, raw string) {
		var a TaskAnswers
		if json.Unmarshal([]byte(raw), &a) != nil {
			return
		}
		err := ValidateAnswers(TaskKind(kind), a)
		if err == nil {
			return
		}
		errs, ok := err.(AnswerErrors)
		if !ok || len(errs) == 0 {
			t.Fatalf("rejection %T %v is not a list of field errors", err, err)
		}
		for _, e := range errs {
			if e.Field == "" || strings.TrimSpace(e.Message) == "" {
				t.Fatalf("rejection without a field or a reason: %+v", e)
			}
		}
	})
}
