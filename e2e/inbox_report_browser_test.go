package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/winback/winback/internal/testenv"
)

// TestInboxReportInABrowser opens the managers' report page in headless Chromium over a store
// holding 940 campaign records (filed as the campaigns would file them, a fifth of the closed
// ones held out, with their offers): the three charts are drawn (an SVG image each, with its
// title, a bar per item whose width is its figure), and the lift's (the two rates with their
// intervals, the lift's interval right of zero); the page fits a phone's width, and a rep
// cannot open it. Then alice's My tasks at that size: 50 a page,
// with the counts, and the next page a click away. It saves the README's screenshots of both.
func TestInboxReportInABrowser(t *testing.T) {
	requireChromium(t)
	s := startInboxStack(t, testenv.DevServerOptions{})
	alices, err := testenv.SeedIndex(context.Background(), s.store, testenv.Seed{Prefix: "C-", Open: 340, Closed: 600,
		Rep: "alice", Others: []string{"bob"}, Manager: "maria", Now: time.Now(), HoldoutEvery: 5, Offers: true})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, s.url)

	b.signIn("maria", "maria-demo")
	if status := b.open("/inbox/report"); status != 200 {
		t.Fatalf("the report: status %d", status)
	}
	b.wantText("h1", "Win-back report")
	b.wantText(".kpis", "Win-back rate")
	if n := b.eval(`String(document.querySelectorAll('figure.chart svg[role="img"]').length)`); n != "4" {
		t.Fatalf("%s charts drawn, want the three and the lift's", n)
	}
	for id, want := range map[string]string{"chart-rate": "Win-back rate by reason", "chart-value": "Account value won back, by month",
		"chart-funnel": "Funnel of stages"} {
		if got := b.eval(`document.getElementById("` + id + `-title").textContent`); got != want {
			t.Errorf("%s is titled %q, want %q", id, got, want)
		}
		// Every bar is drawn (the browser laid it out), and the longest is wider than the shortest.
		widths := b.eval(`Array.from(document.querySelectorAll("#` + id + ` rect.bar")).map(r => r.getBBox().width.toFixed(1)).join(" ")`)
		ws := strings.Fields(widths)
		if len(ws) < 3 || ws[0] == ws[len(ws)-1] && id != "chart-rate" {
			t.Errorf("%s bars: %q", id, widths)
		}
	}
	if w := b.eval(`String(Math.round(document.querySelector("#chart-funnel svg").getBoundingClientRect().width))`); atoi(w) < 300 {
		t.Errorf("the funnel is %spx wide on a desk", w)
	}
	// The lift: worked customers return more often than those held out, and the chart shows it.
	b.wantText("#lift + p", "The campaigns bring customers back")
	if got := b.eval(`document.getElementById("chart-lift-title").textContent`); got != "Return rate, worked and held out" {
		t.Errorf("the lift's chart is titled %q", got)
	}
	bars := strings.Fields(b.eval(`Array.from(document.querySelectorAll("#chart-lift rect.bar")).map(r => r.getBBox().width.toFixed(1)).join(" ")`))
	if len(bars) != 2 || atof(bars[0]) <= atof(bars[1]) {
		t.Errorf("the lift's bars (worked, held out): %q; want the worked one longer", bars)
	}
	zero, low := b.eval(`document.querySelector("#chart-lift line.zero").getBBox().x.toFixed(1)`),
		b.eval(`document.querySelector("#chart-lift .lift line.interval").getBBox().x.toFixed(1)`)
	if atof(low) <= atof(zero) {
		t.Errorf("the lift's interval starts at x=%s, not right of zero (x=%s)", low, zero)
	}
	b.wantText("#offers + .table-wrap", "An incentive worth their while")
	b.wantText("#lost-by + p", "does not shift the loss")
	b.shot("inbox-report")
	b.do(chromedp.EmulateViewport(390, 844))
	if over := b.eval(`String(document.querySelector(".charts").scrollWidth > window.innerWidth)`); over != "false" {
		t.Errorf("the charts are wider than a phone")
	}
	if over := b.eval(`String(document.querySelector("#chart-lift").getBoundingClientRect().right > window.innerWidth)`); over != "false" {
		t.Errorf("the lift's chart is wider than a phone")
	}
	b.do(chromedp.EmulateViewport(1200, 900))
	b.phoneShot("inbox-report-phone")
	b.signOut()

	b.signIn("alice", "alice-demo")
	if status := b.open("/inbox/report"); status != 403 {
		t.Errorf("alice opening the report: status %d, want 403", status)
	}
	b.open("/inbox/tasks")
	b.wantText(".counts", "of "+strconv.Itoa(alices)+" tasks")
	b.wantText(".counts", "page 1 of 4")
	if n := b.eval(`String(document.querySelectorAll("li.task").length)`); n != "50" {
		t.Errorf("%s tasks on the first page, want 50", n)
	}
	b.viewShot("inbox-my-tasks-paged") // the top of the page: its counts, its filters, the first tasks
	if status := b.navigating(chromedp.Click(chromedp.CSS(`a[rel="next"]`))); status != 200 {
		t.Fatalf("the next page: status %d", status)
	}
	b.wantText(".pager", "Page 2 of 4")
	if status := b.open("/inbox/tasks?kind=lunch"); status != 400 {
		t.Errorf("a kind that does not exist: status %d, want 400", status)
	}
	b.wantText("main", `The kind "lunch" in the address makes no sense`)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func atof(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// viewShot saves a PNG of what the window shows (the top of a long page).
func (b *browser) viewShot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	file := filepath.Join(b.shots, name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("saved %s", file)
}
