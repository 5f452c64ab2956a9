package e2e

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/winback/winback/activities"
	"github.com/winback/winback/campaigns/campaignstest"
	"github.com/winback/winback/sandbox"
	"github.com/winback/winback/store"
	"github.com/winback/winback/webhooks"
	"github.com/winback/winback/workflows"
)

// offerLinkPattern finds an offer's one-click link in a message.
var offerLinkPattern = regexp.MustCompile(`https?://[^\s"<>]+/offer\?t=[A-Za-z0-9_%-]+`)

// listedTask is a task of `winback tasks -o json`.
type listedTask struct {
	CustomerID string         `json:"customerId"`
	Task       workflows.Task `json:"task"`
}

// TestOfferAcceptedOnAPhone is issue 17's check: a campaign on the real stack (dev server,
// worker, CLI, sandbox) decides on an incentive; the customer opens the offer link of the
// revisit email, read from the sandbox outbox, on a phone-sized window, sees the offer in its
// terms, accepts it in one click and sees it confirmed; the campaign records the acceptance
// and the rep's fulfil task appears in their task list. The link again says it was answered.
//
// It needs the workflow side of offers (the decision's offer terms, OfferResponse, the fulfil
// task), and fails, saying so, without it.
func TestOfferAcceptedOnAPhone(t *testing.T) {
	requireChromium(t)
	s := startStack(t)
	if help := s.winback(0, "complete", "--help"); !strings.Contains(help, "--offer-value") || !strings.Contains(help, "--offer-until") {
		t.Fatalf("winback complete has no --offer-value or --offer-until flag: the workflow side of offers (the decision's offer terms) has not landed yet")
	}
	const customer = "e2e-offer"
	wid := workflows.WorkflowID(customer)
	until := time.Now().AddDate(0, 0, 30).Format("2006-01-02")

	s.winback(0, "launch", "--customer-id", customer, "--name", "Dana Reyes", "--company", "Acme Corp",
		"--email", "dana@acme.example", "--phone", "+12125550142", "--timezone", "America/New_York",
		"--account-value", "48000", "--segment", "enterprise", "--reason", "competitor_price",
		"--competitor", "Globex", "--rep", "alice", "--manager", "maria")
	s.completeWhenOpen(customer, "backstory", "alice", "--our-side", "Two late deliveries in Q3")
	s.completeWhenOpen(customer, "exit-interview", "alice", "--why-leaving", "Globex is 20% cheaper",
		"--what-would-keep-you", "a better price", "--reason", "competitor_price", "--scope", "specific")
	s.completeWhenOpen(customer, "decision", "maria", "--pursue", "--what-we-changed", "cut your renewal price by 25%",
		"--offer", "incentive", "--offer-details", "a loyalty credit on your next order",
		"--offer-value", "1200", "--offer-until", until)

	// The revisit email carries the offer and its link.
	var revisit sandbox.Message
	s.eventually("the revisit email in the outbox", 30*time.Second, func() bool {
		i := slices.IndexFunc(s.outbox(wid), func(m sandbox.Message) bool { return m.Step == "revisit-email" })
		if i >= 0 {
			revisit = s.outbox(wid)[i]
		}
		return i >= 0
	})
	link := offerLinkPattern.FindString(revisit.Text)
	if link == "" || !strings.Contains(revisit.Text, "a loyalty credit on your next order") || !strings.Contains(revisit.Text, "1,200") {
		t.Fatalf("the revisit email lacks the offer's terms or its link:\n%s", revisit.Text)
	}
	u, err := url.Parse(link)
	if err != nil || u.Host != s.http {
		t.Fatalf("offer link %q is not on the worker's server %s", link, s.http)
	}

	// On a phone: the offer, in its terms, with two big buttons, and nothing to scroll sideways.
	b := newBrowser(t, "http://"+s.http)
	b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	if status := b.open(u.RequestURI()); status != 200 {
		t.Fatalf("offer page: status %d: %s", status, b.text("main"))
	}
	b.wantText("h1", "Your offer from Alice Archer")
	b.wantText(".offer", "a loyalty credit on your next order")
	b.wantText(".offer", "Worth: 1,200")
	if w := b.eval(`String(document.documentElement.scrollWidth)`); w != "390" {
		t.Errorf("the page is %s CSS pixels wide on a 390-pixel phone", w)
	}
	if big := b.eval(`String([...document.querySelectorAll("button")].every(b => { const r = b.getBoundingClientRect(); return r.height >= 44 && r.width >= 300 }))`); big != "true" {
		t.Errorf("the buttons are not thumb-sized on a phone")
	}
	b.shot("offer-phone")
	if st := s.status(customer); len(st.Offers) != 1 || st.Offers[0].Status != workflows.OfferOpen {
		t.Fatalf("after the page was shown, offers = %+v; want the one offer still open", st.Offers)
	}

	// Accept: confirmed at once.
	if status := b.submit("button.accept"); status != 200 {
		t.Fatalf("accept: status %d: %s", status, b.text("main"))
	}
	b.wantText("h1", "you have accepted the offer")
	b.wantText("main", "Alice Archer will be in touch")
	b.shot("offer-accepted-phone")

	// The campaign has it, and the rep's fulfil task appears in their list.
	s.eventually("the offer accepted", 20*time.Second, func() bool {
		st := s.status(customer)
		return len(st.Offers) == 1 && st.Offers[0].Status == workflows.OfferAccepted
	})
	s.eventually("alice's fulfil task", 30*time.Second, func() bool {
		var list struct {
			Tasks []listedTask `json:"tasks"`
		}
		out, _, code := s.run("tasks", "--rep", "alice", "-o", "json")
		if code != 0 || json.Unmarshal([]byte(out), &list) != nil {
			return false
		}
		return slices.ContainsFunc(list.Tasks, func(t listedTask) bool {
			return t.CustomerID == customer && strings.HasPrefix(t.Task.ID, "fulfil-")
		})
	})

	// The link is used: opening it again says so, and offers no buttons.
	if status := b.open(u.RequestURI()); status != 409 {
		t.Errorf("the used link: status %d, want 409", status)
	}
	b.wantText("h1", "already accepted")
	if n := b.eval(`String(document.querySelectorAll("form").length)`); n != "0" {
		t.Errorf("the used link still shows %s forms", n)
	}
}

// TestOfferPageOnAPhone is the offer page alone in a phone-sized browser, against a fake of the
// campaigns and a real SQLite store: the offer in its terms with two thumb-sized buttons and
// nothing to scroll sideways; Decline is confirmed, says it is not an unsubscribe, and sends
// one OfferResponse; the link again says it was answered. It needs no workflow.
func TestOfferPageOnAPhone(t *testing.T) {
	requireChromium(t)
	secret := []byte("offer-page-phone-test-secret-0123")
	fake := campaignstest.New()
	fake.Put(campaignstest.Campaign{Running: true,
		Status: workflows.CampaignStatus{CustomerID: "phone-1", Stage: workflows.StageCheckIns, Rep: "bob", Launched: time.Now().Add(-time.Hour),
			People: []workflows.Person{{ID: "bob", Name: "Bob Baker"}},
			Offers: []workflows.OfferState{{ID: "offer-1", Kind: workflows.OfferFootInDoor, Status: workflows.OfferOpen,
				Details: "a one-off audit of your Q3 deliveries", Value: 8000, Until: time.Now().AddDate(0, 0, 20).Format("2006-01-02"),
				MadeBy: "maria", Made: time.Now().Add(-time.Minute)}}}})
	st, err := store.Open(context.Background(), store.Options{URL: "sqlite:" + filepath.Join(t.TempDir(), "winback.db"),
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	h, err := webhooks.New(webhooks.Options{Client: fake, Store: st, PublicURL: srv.URL, LinkSecret: secret,
		Help:   func(context.Context, string) (string, error) { return "", nil },
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	h.Register(mux)
	path := "/offer?t=" + url.QueryEscape(activities.OfferToken(secret, workflows.WorkflowID("phone-1"), "offer-1", time.Now().Add(time.Hour)))

	b := newBrowser(t, srv.URL)
	b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	if status := b.open(path); status != 200 {
		t.Fatalf("offer page: status %d", status)
	}
	b.wantText("h1", "Your offer from Bob Baker")
	b.wantText(".offer h2", "A small project to start with")
	b.wantText(".offer", "Project value: 8,000")
	if w := b.eval(`String(document.documentElement.scrollWidth)`); w != "390" {
		t.Errorf("the page is %s CSS pixels wide on a 390-pixel phone", w)
	}
	if big := b.eval(`String([...document.querySelectorAll("button")].every(b => { const r = b.getBoundingClientRect(); return r.height >= 44 && r.width >= 300 }))`); big != "true" {
		t.Errorf("the buttons are not thumb-sized on a phone")
	}
	// Each button says what follows it, for a screen reader too.
	if d := b.attr("button.decline", "aria-describedby"); !strings.Contains(b.text("#"+d), "does not unsubscribe") {
		t.Errorf("the decline button is not described by what declining means")
	}
	b.shot("offer-page-phone")
	if len(fake.Signals()) != 0 {
		t.Fatalf("showing the page signalled %+v", fake.Signals())
	}

	if status := b.submit("button.decline"); status != 200 {
		t.Fatalf("decline: status %d: %s", status, b.text("main"))
	}
	b.wantText("h1", "you have declined the offer")
	b.wantText("main", "does not unsubscribe you")
	if sigs := fake.Signals(); len(sigs) != 1 || sigs[0].Name != workflows.SignalOfferResponse ||
		sigs[0].Arg.(workflows.OfferResponseSignal).Accept || sigs[0].Arg.(workflows.OfferResponseSignal).OfferID != "offer-1" {
		t.Errorf("signals %+v, want one OfferResponse declining offer-1", sigs)
	}
	// Back to the page, and the button again: already answered, nothing sent.
	b.open(path)
	if status := b.submit("button.accept"); status != 409 {
		t.Errorf("the used link's button: status %d, want 409", status)
	}
	b.wantText("h1", "already answered")
	if n := len(fake.Signals()); n != 1 {
		t.Errorf("%d signals after the second answer, want 1", n)
	}
}
