package activities_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/winback/winback/activities"
)

// The provider accepted the first attempt, but its completion never reached Temporal (the
// worker died after the send): Temporal runs the activity again with the same key, here on a
// restarted worker, or another one (a new Activities on the same store). The customer gets one
// email and one text.
func TestRetriedSendAfterLostCompletionReachesProviderOnce(t *testing.T) {
	sg := newFakeProvider(t, sendGridAccepts)
	tw := newFakeProvider(t, twilioAccepts)
	o := testOptions(t, sg.URL, tw.URL)

	first, err := activities.New(o)
	if err != nil {
		t.Fatal(err)
	}
	email1, err := first.SendEmail(context.Background(), emailRequest("revisit-email"))
	if err != nil {
		t.Fatalf("first SendEmail: %v", err)
	}
	sms1, err := first.SendSMS(context.Background(), smsRequest("check-in-1"))
	if err != nil {
		t.Fatalf("first SendSMS: %v", err)
	}
	// The worker goes away; its results are "lost".

	retry, err := activities.New(o)
	if err != nil {
		t.Fatal(err)
	}
	email2, err := retry.SendEmail(context.Background(), emailRequest("revisit-email"))
	if err != nil {
		t.Fatalf("retried SendEmail: %v", err)
	}
	sms2, err := retry.SendSMS(context.Background(), smsRequest("check-in-1"))
	if err != nil {
		t.Fatalf("retried SendSMS: %v", err)
	}

	if n := len(sg.requests()); n != 1 {
		t.Errorf("SendGrid got %d requests, want 1", n)
	}
	if n := len(tw.requests()); n != 1 {
		t.Errorf("Twilio got %d requests, want 1", n)
	}
	if !email2.Deduplicated || email2.MessageID != email1.MessageID || email2.SentAt.Sub(email1.SentAt).Abs() >= time.Millisecond {
		t.Errorf("retried email = %+v, want the first result %+v marked Deduplicated", email2, email1)
	}
	if !sms2.Deduplicated || sms2.MessageID != sms1.MessageID {
		t.Errorf("retried SMS = %+v, want the first result %+v marked Deduplicated", sms2, sms1)
	}
}

// A failed attempt records nothing: the retry sends, and only the accepted send is remembered.
func TestFailedAttemptIsRetriedThenRemembered(t *testing.T) {
	sg := newFakeProvider(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		sendGridAccepts(w, r, n)
	})
	a := newTestActivities(t, sg.URL, "")
	if _, err := a.SendEmail(context.Background(), emailRequest("revisit-email")); err == nil {
		t.Fatal("first attempt succeeded against a 500")
	}
	for i := 0; i < 3; i++ {
		if _, err := a.SendEmail(context.Background(), emailRequest("revisit-email")); err != nil {
			t.Fatalf("attempt %d: %v", i+2, err)
		}
	}
	if n := len(sg.requests()); n != 2 {
		t.Errorf("SendGrid got %d requests, want 2 (the 500, then one accepted send)", n)
	}
}

// Two attempts of one key running at once (a retry started while a timed-out attempt is still
// finishing) send once.
func TestConcurrentAttemptsOfOneKeySendOnce(t *testing.T) {
	tw := newFakeProvider(t, func(w http.ResponseWriter, r *http.Request, n int) {
		time.Sleep(50 * time.Millisecond)
		twilioAccepts(w, r, n)
	})
	a := newTestActivities(t, "", tw.URL)
	var wg sync.WaitGroup
	results := make([]activities.SendResult, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if results[i], err = a.SendSMS(context.Background(), smsRequest("check-in-1")); err != nil {
				t.Errorf("SendSMS: %v", err)
			}
		}()
	}
	wg.Wait()
	if n := len(tw.requests()); n != 1 {
		t.Errorf("Twilio got %d requests, want 1", n)
	}
	dedup := 0
	for _, r := range results {
		if r.Deduplicated {
			dedup++
		}
	}
	if dedup != 3 {
		t.Errorf("%d of 4 results are Deduplicated, want 3", dedup)
	}
}

// Through Temporal's activity test environment, the workflow sees the error type and
// retryability it acts on.
func TestActivityErrorsAsTheWorkflowSeesThem(t *testing.T) {
	tw := newFakeProvider(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"code":21610,"message":"Attempt to send to unsubscribed recipient","status":400}`))
	})
	a := newTestActivities(t, "", tw.URL)
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(a)
	_, err := env.ExecuteActivity(a.SendSMS, smsRequest("check-in-1"))
	var ae *temporal.ApplicationError
	if !errors.As(err, &ae) || ae.Type() != activities.ErrRecipientOptedOut || !ae.NonRetryable() {
		t.Fatalf("error = %v, want a non-retryable %s", err, activities.ErrRecipientOptedOut)
	}
}
