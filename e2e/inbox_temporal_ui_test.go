package e2e

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/winback/winback/internal/testenv"
	"github.com/winback/winback/workflows"
)

// TestTemporalUIShowsCampaignsToOps is what ops see in the dev server's Temporal UI: the
// campaigns filtered by WinBackStage, and a campaign whose summary and current details read
// without decoding any payload.
func TestTemporalUIShowsCampaignsToOps(t *testing.T) {
	requireChromium(t)
	s := startInboxStack(t, testenv.DevServerOptions{UI: true})
	pb := s.playbook()
	s.launch("acme", "Acme Corp", "alice", pb)
	s.launch("globex", "Globex Ltd", "bob", pb)
	s.complete("acme", "backstory", "alice", workflows.TaskAnswers{OurSide: "Two late deliveries in Q3"})
	s.complete("acme", "exit-interview", "alice", workflows.TaskAnswers{WhyLeaving: "Globex is cheaper",
		WhatWouldKeepYou: "Match the price", Reason: workflows.ReasonCompetitorPrice, Scope: workflows.ScopeSystemic})

	b := newBrowser(t, "http://"+s.server.UIAddress)
	list := "/namespaces/default/workflows?query=" + url.QueryEscape(`WinBackStage="decision"`)
	b.waitForText(list, "winback:acme", 60*time.Second)
	if body := b.text("body"); strings.Contains(body, "winback:globex") {
		t.Errorf("the WinBackStage=decision filter lists globex, which is at the backstory")
	}
	b.shot("temporal-ui-campaigns")

	// Open the campaign: its summary and current details say where it is, in plain words.
	b.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll("a")].find(a => a.textContent.includes("winback:acme")).click()`))
	b.waitForBody([]string{"User Metadata"}, 30*time.Second)
	b.do(chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll("a, button")].find(e => e.textContent.trim() === "User Metadata").click()`))
	b.waitForBody([]string{"Win-back campaign for customer acme", "Stage: decision", "Rep: alice", "Manager: maria",
		"Reason: competitor_price (systemic)"}, 30*time.Second)
	b.shot("temporal-ui-campaign")
}

// waitForText loads page until its text contains want: the UI renders in the browser, and
// visibility takes a moment to list a change.
func (b *browser) waitForText(page, want string, timeout time.Duration) {
	b.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		b.open(page)
		for range 10 { // the page renders after it loads
			if strings.Contains(b.text("body"), want) {
				return
			}
			time.Sleep(300 * time.Millisecond)
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%s never showed %q; it shows:\n%s", page, want, b.text("body"))
		}
	}
}

// pageAndFrames is the page's text followed by that of its same-origin iframes: the UI renders
// summaries and details (markdown) in iframes.
const pageAndFrames = `[document.body.innerText, ...[...document.querySelectorAll("iframe")].map(f => {
	try { return f.contentDocument.body.innerText } catch (e) { return "" }
})].join("\n")`

// waitForBody waits until the current page's text, iframes included, contains every string
// of want.
func (b *browser) waitForBody(want []string, timeout time.Duration) {
	b.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		body := b.eval(pageAndFrames)
		missing := ""
		for _, w := range want {
			if !strings.Contains(body, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("the page never showed %q; it shows:\n%s", missing, body)
		}
		time.Sleep(300 * time.Millisecond)
	}
}
