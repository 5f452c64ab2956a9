package activities_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/winback/winback/activities"
)

// offerCase is one offer kind, with its terms as the decision gives them and the campaign
// passes them (MessageData), and what the customer must read.
type offerCase struct {
	kind string
	data func(*activities.MessageData)
	want []string // in the revisit email
	sms  string   // in the text message
}

var offerCases = []offerCase{
	{"apology", func(d *activities.MessageData) {
		d.Reason, d.Apology, d.OfferDetails = "let_down", true, "your next two months at no charge"
	}, []string{"I'm sorry", "on us", "To make up for it: your next two months at no charge."}, "make up for what went wrong"},
	{"beat_offer", func(d *activities.MessageData) {
		d.Reason, d.Competitor, d.CompetitorOffer, d.OfferDetails = "competitor_price", "Globex", "20% off the first year", "25% off for two years"
	}, []string{"Globex offered you 20% off the first year. We will beat that: 25% off for two years."}, "beat your current deal"},
	{"value_numbers", func(d *activities.MessageData) {
		d.Reason, d.Figures = "no_longer_needed", []string{"orders shipped on time: 98.7%", "support answered in 42 minutes on average."}
	}, []string{"Here are the numbers, so you can judge for yourself:\n- orders shipped on time: 98.7%\n- support answered in 42 minutes on average\n"}, "numbers"},
	{"incentive", func(d *activities.MessageData) {
		d.Reason, d.OfferDetails, d.OfferValue, d.OfferUntil = "other", "a loyalty credit on your next order", 1200.5, "2027-03-31"
	}, []string{"For you, specifically: a loyalty credit on your next order, worth 1,200.50, until 31 March 2027."}, "until 31 March 2027"},
	{"foot_in_door", func(d *activities.MessageData) {
		d.Reason, d.OfferDetails, d.OfferValue = "bad_fit", "a one-off audit of your Q3 deliveries", 48000
	}, []string{"we could start with something small: a one-off audit of your Q3 deliveries, a project worth 48,000."}, "small project"},
	{"different_product", func(d *activities.MessageData) {
		d.Reason, d.OfferDetails = "no_longer_needed", "our managed inventory service, which runs it in-house for you"
	}, []string{"something we have not done for you before that may suit you better: our managed inventory service, which runs it in-house for you."}, "something new"},
}

// offerData is what the campaign passes for an offer of kind: the customer, the rep, the plan
// and the open offer's ID.
func offerData(c offerCase) activities.MessageData {
	d := activities.MessageData{CustomerName: "Dana Whitfield", Company: "Northwind Traders", RepName: "Sam Ortiz",
		RepEmail: "sam.ortiz@acme.example", WhatWeChanged: "give your account a named support engineer",
		Offer: c.kind, OfferID: "offer-1"}
	c.data(&d)
	return d
}

var offerLink = regexp.MustCompile(`https?://[^\s"<>]+/offer\?t=([A-Za-z0-9_%-]+)`)

// wantOfferLink finds the offer link in s and checks it is ours, for this campaign's offer,
// expiring at want.
func wantOfferLink(t *testing.T, s, workflowID, offerID string, want time.Time) {
	t.Helper()
	m := offerLink.FindStringSubmatch(s)
	if m == nil {
		t.Fatalf("no offer link in:\n%s", s)
	}
	if !strings.HasPrefix(m[0], testPublicURL+"/offer?t=") {
		t.Errorf("offer link %s is not on PublicURL %s", m[0], testPublicURL)
	}
	token, _ := url.QueryUnescape(m[1])
	wf, offer, exp, err := activities.VerifyOfferToken(testSecret, token)
	if err != nil || wf != workflowID || offer != offerID || !exp.Equal(want) {
		t.Errorf("offer link verifies as (%q, %q, %s, %v), want (%q, %q, %s)", wf, offer, exp, err, workflowID, offerID, want)
	}
}

// noOfferLink fails when s carries an offer link.
func noOfferLink(t *testing.T, what, s string) {
	t.Helper()
	if strings.Contains(s, "/offer?t=") {
		t.Errorf("%s carries an offer link:\n%s", what, s)
	}
}

// defaultExpiry is when a link sent now without an end date expires.
func defaultExpiry(now time.Time) time.Time {
	return now.UTC().Truncate(24*time.Hour).AddDate(0, 0, activities.OfferLinkDays+1)
}

func expiryOf(d activities.MessageData) time.Time {
	if d.OfferUntil != "" {
		day, _ := time.Parse("2006-01-02", d.OfferUntil)
		return day.AddDate(0, 0, 1) // the end of that day, UTC
	}
	return defaultExpiry(time.Now())
}

// Every offer kind's revisit email states its terms, and carries the offer's link (a button in
// the HTML part) only when the campaign names the open offer.
func TestRevisitEmailStatesEachOffersTerms(t *testing.T) {
	sg := newFakeProvider(t, sendGridAccepts)
	a := newTestActivities(t, sg.URL, "")
	for _, c := range offerCases {
		t.Run(c.kind, func(t *testing.T) {
			r := emailRequest("revisit-" + c.kind)
			r.Data = offerData(c)
			subject, text, html := sentEmail(t, a, sg, r)
			for _, w := range c.want {
				if !strings.Contains(text, w) {
					t.Errorf("text lacks %q:\n%s", w, text)
				}
			}
			if c.kind != "apology" && strings.Contains(subject+text, "sorry") {
				t.Errorf("%s apologises without Apology:\n%s", c.kind, text)
			}
			wantOfferLink(t, text, r.WorkflowID, "offer-1", expiryOf(r.Data))
			wantOfferLink(t, html, r.WorkflowID, "offer-1", expiryOf(r.Data))
			if !strings.Contains(html, ">See the offer: accept or decline</a>") {
				t.Errorf("HTML part shows no button for the offer:\n%s", html)
			}
			if strings.Contains(text, "<no value>") || strings.Contains(text, "%!") {
				t.Errorf("a field rendered badly:\n%s", text)
			}

			// Without an open offer named, the same email has no link.
			r = emailRequest("revisit-nolink-" + c.kind)
			r.Data = offerData(c)
			r.Data.OfferID = ""
			_, text, html = sentEmail(t, a, sg, r)
			noOfferLink(t, "an email without OfferID", text+html)
			if !strings.Contains(text, c.want[len(c.want)-1]) {
				t.Errorf("without OfferID the terms are gone:\n%s", text)
			}
		})
	}
}

func TestStayInTouchCarriesNoOfferNorLink(t *testing.T) {
	sg := newFakeProvider(t, sendGridAccepts)
	a := newTestActivities(t, sg.URL, "")
	r := emailRequest("revisit-email")
	r.Data = activities.MessageData{CustomerName: "Dana", Company: "Northwind Traders", RepName: "Sam Ortiz",
		Reason: "outgrew", Offer: "stay_in_touch", OfferID: "offer-1"}
	_, text, html := sentEmail(t, a, sg, r)
	noOfferLink(t, "a stay-in-touch note", text+html)
	if strings.Contains(text, "accept or decline") {
		t.Errorf("a stay-in-touch note offers something:\n%s", text)
	}
}

// A check-in that carries the open offer recalls its terms and its link; one that does not is
// the light touch it was.
func TestCheckInEmailCarriesTheOpenOffer(t *testing.T) {
	sg := newFakeProvider(t, sendGridAccepts)
	a := newTestActivities(t, sg.URL, "")
	terms := map[string]string{
		"apology":           "your next two months at no charge",
		"beat_offer":        "Globex offered you 20% off the first year; my offer to beat it still stands: 25% off for two years.",
		"value_numbers":     "- support answered in 42 minutes on average",
		"incentive":         "a loyalty credit on your next order, worth 1,200.50, until 31 March 2027",
		"foot_in_door":      "a one-off audit of your Q3 deliveries, a project worth 48,000",
		"different_product": "our managed inventory service",
	}
	for _, c := range offerCases {
		t.Run(c.kind, func(t *testing.T) {
			r := emailRequest("check-in-3-" + c.kind)
			r.Template, r.Data = "check_in", offerData(c)
			r.Data.CheckInNumber = 3
			_, text, html := sentEmail(t, a, sg, r)
			if !strings.Contains(text, terms[c.kind]) || !strings.Contains(text, "Just checking in") {
				t.Errorf("check-in lacks %q:\n%s", terms[c.kind], text)
			}
			wantOfferLink(t, text, r.WorkflowID, "offer-1", expiryOf(r.Data))
			wantOfferLink(t, html, r.WorkflowID, "offer-1", expiryOf(r.Data))

			r = emailRequest("check-in-3-plain-" + c.kind)
			r.Template, r.Data = "check_in", offerData(c)
			r.Data.OfferID = ""
			_, text, html = sentEmail(t, a, sg, r)
			noOfferLink(t, "a check-in without OfferID", text+html)
			if strings.Contains(text, "still stand") {
				t.Errorf("a check-in without the offer recalls it:\n%s", text)
			}
		})
	}
}

// A text with the offer names it in a few words and carries its link, in two segments at most
// for long typical data; without the offer it is the plain check-in.
func TestCheckInTextCarriesTheOpenOfferInTwoSegments(t *testing.T) {
	tw := newFakeProvider(t, twilioAccepts)
	a := newTestActivities(t, "", tw.URL)
	long := activities.MessageData{CustomerName: "Alexandria Montgomery-Winterbottom", Company: "Consolidated Widget Manufacturing Holdings Ltd",
		RepName: "Bartholomew Fitzgerald-Hughes", OurCompany: "Acme Industrial Supplies International"}
	for _, c := range offerCases {
		t.Run(c.kind, func(t *testing.T) {
			r := smsRequest("check-in-2-" + c.kind)
			r.WorkflowID = "winback:" + strings.Repeat("C", 24) // a long CRM ID
			r.Data = offerData(c)
			r.Data.RepName, r.Data.OurCompany = long.RepName, long.OurCompany
			r.Data.CustomerName, r.Data.Company = long.CustomerName, long.Company
			body := sentSMS(t, a, tw, r)
			if !strings.Contains(body, c.sms) || !strings.Contains(body, "STOP") || !strings.Contains(body, long.RepName) {
				t.Errorf("text %q lacks %q, the rep or how to opt out", body, c.sms)
			}
			if n := activities.SMSSegments(body); n > activities.MaxSMSSegments {
				t.Errorf("text is %d segments (%d characters): %q", n, len(body), body)
			}
			wantOfferLink(t, body, r.WorkflowID, "offer-1", expiryOf(r.Data))

			r = smsRequest("check-in-2-plain-" + c.kind)
			r.Data = offerData(c)
			r.Data.OfferID = ""
			body = sentSMS(t, a, tw, r)
			noOfferLink(t, "a text without OfferID", body)
			if !strings.Contains(body, "Just checking in") {
				t.Errorf("plain check-in text: %q", body)
			}
		})
	}
}

// sentSMS sends r through a, against tw, and returns the body Twilio got.
func sentSMS(t *testing.T, a *activities.Activities, tw *fakeProvider, r activities.SMSRequest) string {
	t.Helper()
	before := len(tw.requests())
	if _, err := a.SendSMS(context.Background(), r); err != nil {
		t.Fatalf("SendSMS(%s): %v", r.Key, err)
	}
	form, err := url.ParseQuery(string(tw.requests()[before].Body))
	if err != nil {
		t.Fatal(err)
	}
	return form.Get("Body")
}

func TestOfferLinkOnlyForCustomers(t *testing.T) {
	sg := newFakeProvider(t, sendGridAccepts)
	a := newTestActivities(t, sg.URL, "")
	r := activities.EmailRequest{Key: "wf/reminder", WorkflowID: "winback:cust-42", Step: "reminder", To: "sam@acme.example",
		Template: "reminder", Staff: true, Data: offerData(offerCases[3])}
	r.Data.TaskTitle, r.Data.TaskDue = "Fulfil the offer", "Mon 2 Mar 17:00"
	_, text, html := sentEmail(t, a, sg, r)
	noOfferLink(t, "a staff notice", text+html)
}

func TestOfferLinkWithABadUntilIsRefused(t *testing.T) {
	sg := newFakeProvider(t, sendGridAccepts)
	a := newTestActivities(t, sg.URL, "")
	r := emailRequest("revisit-email")
	r.Data = offerData(offerCases[3])
	r.Data.OfferUntil = "31/03/2027"
	_, err := a.SendEmail(context.Background(), r)
	wantAppError(t, err, activities.ErrInvalidRequest, true)
	if err == nil || !strings.Contains(err.Error(), "OfferUntil") {
		t.Errorf("error %v does not name OfferUntil", err)
	}
	if len(sg.requests()) != 0 {
		t.Error("SendGrid was called")
	}
}

func TestDynamicTemplateGetsTheOfferLink(t *testing.T) {
	sg := newFakeProvider(t, sendGridAccepts)
	a := newTestActivities(t, sg.URL, "", func(o *activities.Options) { o.SendGridTemplateID = "d-0123456789abcdef" })
	r := emailRequest("revisit-email")
	r.Data = offerData(offerCases[3])
	if _, err := a.SendEmail(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	data := decodeMail(t, sg.requests()[0]).Personalizations[0].DynamicTemplateData
	wantOfferLink(t, fmt.Sprint(data["offerUrl"]), r.WorkflowID, "offer-1", expiryOf(r.Data))
	if data["offerValue"] != 1200.5 || data["offerUntil"] != "2027-03-31" || data["offer"] != "incentive" {
		t.Errorf("dynamic_template_data lacks the offer's terms: %v", data)
	}
}

// An override that leaves the link out still carries it: the customer can always answer.
func TestOverrideWithoutTheLinkStillCarriesIt(t *testing.T) {
	dir := t.TempDir()
	_ = os.WriteFile(filepath.Join(dir, "check_in.sms.tmpl"), []byte("Hi {{.CustomerName}}. Reply STOP to opt out."), 0o600)
	_ = os.WriteFile(filepath.Join(dir, "check_in.email.tmpl"), []byte("Subject: Hello\n\nHi {{.CustomerName}}."), 0o600)
	p := activities.Preview{TemplatesDir: dir, PublicURL: testPublicURL, LinkSecret: testSecret}
	d := offerData(offerCases[3])
	body, err := p.SMS(activities.SMSRequest{WorkflowID: "winback:cust-42", Template: "check_in", Data: d})
	if err != nil {
		t.Fatal(err)
	}
	wantOfferLink(t, body, "winback:cust-42", "offer-1", expiryOf(d))
	_, text, err := p.Email(activities.EmailRequest{WorkflowID: "winback:cust-42", Template: "check_in", Data: d})
	if err != nil {
		t.Fatal(err)
	}
	wantOfferLink(t, text, "winback:cust-42", "offer-1", expiryOf(d))
}

// Preview renders what SendEmail sends, so the workflow's tests read what the customer reads.
func TestPreviewIsWhatTheSendSends(t *testing.T) {
	sg := newFakeProvider(t, sendGridAccepts)
	tw := newFakeProvider(t, twilioAccepts)
	a := newTestActivities(t, sg.URL, tw.URL)
	p := activities.Preview{PublicURL: testPublicURL, FromName: "Acme Supplies", LinkSecret: testSecret}
	for _, c := range offerCases {
		r := emailRequest("revisit-" + c.kind)
		r.Data = offerData(c)
		subject, text, _ := sentEmail(t, a, sg, r)
		ps, pt, err := p.Email(r)
		if err != nil || ps != subject || pt != text {
			t.Errorf("%s: Preview = %q, %v\n%s\nwant %q\n%s", c.kind, ps, err, pt, subject, text)
		}
		sr := smsRequest("check-in-" + c.kind)
		sr.Data = offerData(c)
		body := sentSMS(t, a, tw, sr)
		if pb, err := p.SMS(sr); err != nil || pb != body {
			t.Errorf("%s: Preview SMS = %q, %v; want %q", c.kind, pb, err, body)
		}
	}

	// Without an end date, the link expires at the end of the UTC day 60 days after the send.
	sent := time.Date(2026, 11, 30, 23, 59, 0, 0, time.UTC)
	p.Now = func() time.Time { return sent }
	r := emailRequest("revisit-email")
	r.Data = offerData(offerCases[0])
	_, text, err := p.Email(r)
	if err != nil {
		t.Fatal(err)
	}
	m := offerLink.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no link:\n%s", text)
	}
	token, _ := url.QueryUnescape(m[1])
	if _, _, exp, _ := activities.VerifyOfferToken(testSecret, token); !exp.Equal(time.Date(2027, 1, 30, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("a link sent %s expires %s, want the end of 29 January 2027 (60 days on)", sent, exp)
	}
}

func TestMoneyAndDateForPeople(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 5: "5", 999.99: "999.99", 1000: "1,000", 1200.5: "1,200.50",
		48000: "48,000", 1234567.891: "1,234,567.89", -2500: "-2,500", 0.004: "0"} {
		if got := activities.Money(v); got != want {
			t.Errorf("Money(%v) = %q, want %q", v, got, want)
		}
	}
	if got := activities.LongDate("2027-03-31"); got != "31 March 2027" {
		t.Errorf("LongDate = %q", got)
	}
	if got := activities.LongDate("soon"); got != "soon" {
		t.Errorf("LongDate of a non-date = %q, want it as given", got)
	}
}
