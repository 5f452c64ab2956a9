package e2e

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/sandbox"
	"github.com/winback/winback/workflows"
)

// A customer is won back, leaves again and is relaunched: the second campaign's messages go out
// (the send ledger's keys belong to one campaign), while the STOP the customer sent during the
// first still holds (the suppression list outlives the campaign), and the second campaign's
// status says why it does not text them. With codec keys set, the store file holds neither the
// customer's email nor their phone.
func TestARelaunchedCustomerIsWrittenToAgainButTheirStopHolds(t *testing.T) {
	dataDir := t.TempDir()
	key := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x42}, 32))
	s := startStackWith(t, "WINBACK_DATA_DIR="+dataDir, "WINBACK_CODEC_KEYS=k1="+key, "WINBACK_CODEC_TOKEN=e2e-codec-token-0123456789")
	const customer, email, phone = "e2e-relaunch", "dana.relaunch@acme.example", "+12125550163"
	wid := workflows.WorkflowID(customer)
	launch := []string{"launch", "--customer-id", customer, "--name", "Dana Relaunch", "--email", email, "--phone", phone,
		"--timezone", "UTC", "--account-value", "48000", "--rep", "alice", "--manager", "maria", "--reason", "competitor_price"}
	toRevisit := func() {
		s.completeWhenOpen(customer, "backstory", "alice", "--our-side", "two late deliveries")
		s.completeWhenOpen(customer, "exit-interview", "alice", "--why-leaving", "cheaper elsewhere",
			"--what-would-keep-you", "match the price", "--reason", "competitor_price", "--scope", "systemic")
		s.completeWhenOpen(customer, "decision", "maria", "--pursue", "--offer", "beat_offer",
			"--what-we-changed", "cut your renewal price by 25%", "--offer-details", "25% off for two years")
	}
	revisits := func() int {
		n := 0
		for _, m := range s.outbox(wid) {
			if m.Step == "revisit-email" {
				n++
			}
		}
		return n
	}

	// Campaign 1: the revisit email, a STOP, then the customer comes back.
	s.winback(0, launch...)
	toRevisit()
	s.eventually("campaign 1's revisit email", 60*time.Second, func() bool { return revisits() == 1 })
	if code := s.inboundSMS(phone, "STOP", "SM0000000000000000000000000000re01", ""); code != http.StatusOK {
		t.Fatalf("signed STOP answered %d", code)
	}
	s.eventually("campaign 1 to take the STOP", 20*time.Second, func() bool {
		return slices.Contains(s.status(customer).OptedOut, workflows.ChannelSMS)
	})
	s.winback(0, "won-back", customer, "--note", "renewed")
	s.eventually("campaign 1 to close", 20*time.Second, func() bool { return s.status(customer).Outcome == workflows.OutcomeWonBack })

	// Campaign 2, for the same customer.
	s.winback(0, launch...)
	s.eventually("campaign 2 to start", 20*time.Second, func() bool { return s.status(customer).Stage == workflows.StageBackstory })
	st := s.status(customer)
	if !slices.Contains(st.OptedOut, workflows.ChannelSMS) || len(st.Consent) != 1 || !strings.Contains(st.Consent[0].Why, "STOP") {
		t.Errorf("campaign 2 at launch: opted out %v, consent %+v; want the STOP of campaign 1, saying so", st.OptedOut, st.Consent)
	}
	toRevisit()
	s.eventually("campaign 2's revisit email", 60*time.Second, func() bool { return revisits() == 2 })
	s.completeWhenOpen(customer, "thank-you-call", "alice", "--outcome", "considering")
	s.eventually("campaign 2's SMS check-in", 60*time.Second, func() bool {
		return slices.ContainsFunc(s.status(customer).Messages, func(m workflows.Message) bool {
			return m.Step == "check-in-2" && m.Channel == workflows.ChannelSMS
		})
	})
	for _, m := range s.outbox(wid) {
		if m.Provider == "twilio" || m.Provider == "sandbox-twilio" {
			t.Errorf("a text (%s) went to a customer who replied STOP", m.Step)
		}
	}
	text := s.winback(0, "status", customer)
	if !strings.Contains(text, "opted out of sms by stop (STOP)") || !strings.Contains(text, "skipped_opted_out: opted out of sms by stop (STOP)") {
		t.Errorf("winback status does not say why SMS is not sent:\n%s", text)
	}
	if !slices.ContainsFunc(s.outbox(wid), func(m sandbox.Message) bool {
		return m.Step == "check-in-2" && strings.Contains(m.Provider, "sendgrid")
	}) {
		t.Errorf("check-in 2 did not go by email instead: %v", steps(s.outbox(wid)))
	}
	s.winback(0, "cancel", customer)

	// The store (an SQLite file in the data folder, with its WAL) holds no address.
	var stored []byte
	files, _ := filepath.Glob(filepath.Join(dataDir, "winback.db*"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, data...)
	}
	if len(stored) == 0 {
		t.Fatal("no store file in the data folder: the check would prove nothing")
	}
	for _, pii := range []string{email, phone, "12125550163", "dana.relaunch"} {
		if bytes.Contains(stored, []byte(pii)) {
			t.Errorf("the store file holds %q", pii)
		}
	}
}
