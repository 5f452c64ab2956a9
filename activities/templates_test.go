package activities_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/winback/winback/activities"
)

// sentEmail sends r through a, against sg, and returns the subject, text and HTML SendGrid got.
func sentEmail(t *testing.T, a *activities.Activities, sg *fakeProvider, r activities.EmailRequest) (subject, text, html string) {
	t.Helper()
	before := len(sg.requests())
	if _, err := a.SendEmail(context.Background(), r); err != nil {
		t.Fatalf("SendEmail(%s): %v", r.Key, err)
	}
	m := decodeMail(t, sg.requests()[before])
	return m.Subject, m.Content[0].Value, m.Content[1].Value
}

func TestRevisitEmailByReason(t *testing.T) {
	sg := newFakeProvider(t, sendGridAccepts)
	a := newTestActivities(t, sg.URL, "")
	cases := []struct {
		reason, offer string
		apology       bool
		want          []string // phrases the customer must read
	}{
		{"competitor_price", "beat_offer", false, []string{"beat the offer you received from Contoso", "price"}},
		// The campaign sets Apology for an apology offer (and when we let them down): the email
		// apologises on that flag, whatever the reason.
		{"let_down", "apology", true, []string{"I'm sorry", "on us"}},
		{"competitor_price", "apology", true, []string{"I'm sorry", "on us", "To make up for it"}},
		{"no_longer_needed", "value_numbers", false, []string{"Here are the numbers"}},
		{"outgrew", "stay_in_touch", false, []string{"stay in touch", "grown"}},
		{"bad_fit", "foot_in_door", false, []string{"right fit", "start with something small"}},
		{"other", "incentive", false, []string{}},
		{"competitor_price", "incentive", true, []string{"I'm sorry"}},
	}
	for i, c := range cases {
		t.Run(c.reason+"/"+c.offer, func(t *testing.T) {
			r := emailRequest("revisit-email-" + string(rune('a'+i)))
			r.Data.Reason, r.Data.Offer, r.Data.Apology, r.Data.Competitor = c.reason, c.offer, c.apology, "Contoso"
			r.Data.OfferDetails = "a 15% lower price for the next 12 months, locked in"
			subject, text, html := sentEmail(t, a, sg, r)

			// The seeds: say exactly what we changed, thank them, and state the offer (a
			// stay-in-touch note makes none).
			want := append(c.want,
				"I really took the conversation we had the other day to heart",
				"As a result of your input, we've decided to "+r.Data.WhatWeChanged,
				"I can't thank you enough for calling this problem to our attention",
				"Sam Ortiz", "Acme Supplies")
			if c.offer != "stay_in_touch" {
				want = append(want, r.Data.OfferDetails)
			} else if strings.Contains(text, r.Data.OfferDetails) {
				t.Errorf("a stay-in-touch note states offer terms:\n%s", text)
			}
			if !c.apology && strings.Contains(text, "I'm sorry") {
				t.Errorf("the email apologises without Apology set:\n%s", text)
			}
			for _, p := range want {
				if !strings.Contains(text, p) {
					t.Errorf("text lacks %q:\n%s", p, text)
				}
			}
			// "Don't state that you'd like the customer back. The customer already knows that."
			for _, bad := range []string{"you back", "like you to come back", "win you", "return to us"} {
				if strings.Contains(strings.ToLower(subject+text), bad) {
					t.Errorf("email says %q:\n%s\n%s", bad, subject, text)
				}
			}
			if strings.Contains(text, "<no value>") || strings.Contains(html, "<no value>") {
				t.Errorf("a template field rendered as <no value>:\n%s", text)
			}
			if c.offer != "stay_in_touch" && !strings.Contains(html, "15% lower price") {
				t.Errorf("HTML part lacks the offer:\n%s", html)
			}
		})
	}
}

func TestOutgrownCustomerGetsStayInTouchWithoutAChange(t *testing.T) {
	sg := newFakeProvider(t, sendGridAccepts)
	a := newTestActivities(t, sg.URL, "")
	r := emailRequest("revisit-email")
	r.Data = activities.MessageData{CustomerName: "Dana", Company: "Northwind Traders", RepName: "Sam Ortiz",
		Reason: "outgrew", Offer: "stay_in_touch"}
	subject, text, _ := sentEmail(t, a, sg, r)
	if !strings.Contains(text, "Northwind Traders has grown past what we could do for you") || !strings.Contains(text, "stay in touch") {
		t.Errorf("subject %q, text:\n%s\nwant the stay-in-touch note", subject, text)
	}
	if strings.Contains(text, "we've decided to") {
		t.Errorf("stay-in-touch email claims a change we did not make:\n%s", text)
	}
}

// A decision may name an offer without details (the manager left them for the call, or the
// playbook's default offer applied): the email still goes, and promises no detail it lacks.
func TestOfferWithoutDetailsStillSends(t *testing.T) {
	sg := newFakeProvider(t, sendGridAccepts)
	a := newTestActivities(t, sg.URL, "")
	want := map[string]string{
		"apology":           "I'm sorry",
		"beat_offer":        "We will beat the offer you received; I'll bring the details when I call.",
		"value_numbers":     "I'll bring the numbers when I call",
		"incentive":         "I'll bring the details when I call",
		"foot_in_door":      "I'll suggest a project when I call",
		"different_product": "I'll tell you about it when I call",
	}
	for offer, phrase := range want {
		r := emailRequest("revisit-" + offer)
		r.Data.Reason, r.Data.Offer, r.Data.OfferDetails = "other", offer, ""
		r.Data.Apology = offer == "apology"
		_, text, _ := sentEmail(t, a, sg, r)
		if !strings.Contains(text, phrase) || strings.Contains(text, ": .") || strings.Contains(text, "<no value>") {
			t.Errorf("%s without details: want %q, got:\n%s", offer, phrase, text)
		}
	}
}

func TestStayInTouchWithoutAChangeForAnyReason(t *testing.T) {
	sg := newFakeProvider(t, sendGridAccepts)
	a := newTestActivities(t, sg.URL, "")
	r := emailRequest("revisit-email")
	r.Data.Reason, r.Data.Offer, r.Data.WhatWeChanged, r.Data.OfferDetails, r.Data.Apology = "bad_fit", "stay_in_touch", "", "", false
	subject, text, _ := sentEmail(t, a, sg, r)
	if subject != "Staying in touch" || !strings.Contains(text, "stay in touch") || strings.Contains(text, "we've decided to") {
		t.Errorf("subject %q, text:\n%s\nwant a stay-in-touch note claiming no change", subject, text)
	}
}

func TestCustomerDataIsEscapedInHTML(t *testing.T) {
	sg := newFakeProvider(t, sendGridAccepts)
	a := newTestActivities(t, sg.URL, "")
	r := emailRequest("revisit-email")
	r.Data.CustomerName = `<script>alert("x")</script>`
	_, text, html := sentEmail(t, a, sg, r)
	if strings.Contains(html, "<script>") || !strings.Contains(html, "&lt;script&gt;") {
		t.Errorf("HTML part does not escape the customer name:\n%s", html)
	}
	if !strings.Contains(text, `<script>alert("x")</script>`) {
		t.Errorf("text part should keep the name as written:\n%s", text)
	}
}

func TestStaffNoticesNameTheTaskAndDue(t *testing.T) {
	sg := newFakeProvider(t, sendGridAccepts)
	a := newTestActivities(t, sg.URL, "")
	for _, tmpl := range []string{"reminder", "escalation", "fix_contact"} {
		r := activities.EmailRequest{Key: "wf/" + tmpl, WorkflowID: "wf", Step: tmpl, To: "manager@acme.example",
			ToName: "Morgan", Template: tmpl, Staff: true,
			Data: activities.MessageData{CustomerName: "Dana Whitfield", Company: "Northwind Traders", RepName: "Sam Ortiz",
				TaskID: "thank-you-call", TaskTitle: "Thank-you call", TaskDue: "Wed 4 Mar 12:00", Note: "bounced: mailbox full"}}
		subject, text, _ := sentEmail(t, a, sg, r)
		if !strings.Contains(subject+text, "Thank-you call") || !strings.Contains(text, "Wed 4 Mar 12:00") || !strings.Contains(text, "Dana Whitfield") {
			t.Errorf("%s: subject %q, text:\n%s\nwant the task title, due time and customer", tmpl, subject, text)
		}
	}
}

func TestSMSTemplatesFitInTwoSegments(t *testing.T) {
	typical := []activities.MessageData{
		{CustomerName: "Dana", Company: "Northwind Traders", RepName: "Sam Ortiz", OurCompany: "Acme Supplies"},
		{CustomerName: "Alexandria Montgomery-Winterbottom", Company: "Consolidated Widget Manufacturing Holdings Ltd",
			RepName: "Bartholomew Fitzgerald-Hughes", RepEmail: "bartholomew.fitzgerald-hughes@acme-industrial.example",
			OurCompany: "Acme Industrial Supplies International"},
	}
	for _, tmpl := range []string{"check_in", "help"} {
		for _, d := range typical {
			body, err := activities.RenderSMS("", tmpl, d)
			if err != nil {
				t.Fatalf("RenderSMS(%s): %v", tmpl, err)
			}
			if n := activities.SMSSegments(body); n > 2 || n == 0 {
				t.Errorf("%s is %d segments (%d chars), want 1 or 2: %q", tmpl, n, len(body), body)
			}
			if !strings.Contains(body, "STOP") {
				t.Errorf("%s does not say how to opt out: %q", tmpl, body)
			}
		}
	}
}

func TestTemplatesDirOverridesFileByFile(t *testing.T) {
	dir := t.TempDir()
	_ = os.WriteFile(filepath.Join(dir, "check_in.sms.tmpl"), []byte("Hello {{.CustomerName}} from the override. Reply STOP to opt out."), 0o600)
	body, err := activities.RenderSMS(dir, "check_in", activities.MessageData{CustomerName: "Dana"})
	if err != nil || body != "Hello Dana from the override. Reply STOP to opt out." {
		t.Errorf("RenderSMS with override = %q, %v", body, err)
	}
	// Files not overridden stay embedded.
	if body, err := activities.RenderSMS(dir, "help", activities.MessageData{RepName: "Sam"}); err != nil || !strings.Contains(body, "Sam") {
		t.Errorf("embedded help = %q, %v", body, err)
	}
	if _, err := activities.RenderSMS(dir, "nope", activities.MessageData{}); err == nil || !strings.Contains(err.Error(), "check_in") {
		t.Errorf("unknown template error = %v, want one listing the templates", err)
	}
}

func TestNewRefusesBrokenTemplateOverrides(t *testing.T) {
	cases := map[string]struct{ file, src, want string }{
		"layout without unsubscribe": {"layout.html.tmpl", "<p>{{range .Paragraphs}}{{.}}{{end}}</p>", "UnsubscribeURL"},
		"email without subject":      {"revisit.email.tmpl", "Hi {{.CustomerName}}", "Subject:"},
		"syntax error":               {"check_in.sms.tmpl", "Hi {{.CustomerName", "check_in.sms.tmpl"},
		"unknown field":              {"check_in.sms.tmpl", "Hi {{.Nickname}}", "Nickname"},
		"unknown kind of file":       {"check_in.txt.tmpl", "Hi", "check_in.txt.tmpl"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			_ = os.WriteFile(filepath.Join(dir, c.file), []byte(c.src), 0o600)
			o := testOptions(t, "", "")
			o.TemplatesDir = dir
			_, err := activities.New(o)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("New = %v, want an error mentioning %q", err, c.want)
			}
		})
	}
}

func TestNewNamesEveryMissingOption(t *testing.T) {
	_, err := activities.New(activities.Options{TwilioAuthToken: "has-a-dash"})
	if err == nil {
		t.Fatal("New accepted empty options")
	}
	for _, field := range []string{"SendGridAPIKey", "FromEmail", "TwilioAccountSID", "TwilioAuthToken", "TwilioFrom", "PublicURL", "LinkSecret", "Store"} {
		if !strings.Contains(err.Error(), field) {
			t.Errorf("error does not name %s:\n%v", field, err)
		}
	}
	if strings.Contains(err.Error(), "has-a-dash") {
		t.Errorf("error shows the auth token:\n%v", err)
	}
}

// HELP is answered from the help template: who writes, how to stop and restart, in one SMS
// segment, signed by the rep when known.
func TestHelpReplyComesFromItsTemplate(t *testing.T) {
	a := newTestActivities(t, "", "")
	signed, err := a.HelpReply("Sam Ortiz", "sam.ortiz@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Acme Supplies", "Sam Ortiz", "sam.ortiz@acme.example", "STOP", "START"} {
		if !strings.Contains(signed, want) {
			t.Errorf("HELP reply %q lacks %q", signed, want)
		}
	}
	plain, err := a.HelpReply("", "")
	if err != nil || strings.Contains(plain, "your contact is") || !strings.Contains(plain, "STOP") {
		t.Errorf("HELP reply without a rep: %q, %v", plain, err)
	}
	if n := activities.SMSSegments(plain); n != 1 {
		t.Errorf("HELP reply is %d segments, want 1: %q", n, plain)
	}
}

// The offer's link stands on its own line, then a blank line; with a code from billing, the
// line that names it follows the link. Without one the email reads as it did before billing.
func TestOfferLinkAndItsCodeKeepTheirLines(t *testing.T) {
	sg := newFakeProvider(t, sendGridAccepts)
	a := newTestActivities(t, sg.URL, "")
	for _, c := range []struct{ template, code, after string }{
		{"revisit", "", "\n\nI'll call you"},
		{"revisit", "COMEBACK-7Q2X", "\nAccepting takes you to checkout with your code COMEBACK-7Q2X applied.\n\nI'll call you"},
		{"check_in", "", "\n\nNo need to reply"},
		{"check_in", "COMEBACK-7Q2X", "\nAccepting takes you to checkout with your code COMEBACK-7Q2X applied.\n\nNo need to reply"},
	} {
		r := emailRequest("lines-" + c.template + "-" + c.code)
		r.Template = c.template
		r.Data.Offer, r.Data.OfferID, r.Data.OfferDetails, r.Data.PromotionCode = "incentive", "offer-1", "a month free", c.code
		_, text, _ := sentEmail(t, a, sg, r)
		i := strings.Index(text, "/offer?t=")
		if i < 0 {
			t.Fatalf("%s: no offer link:\n%s", c.template, text)
		}
		rest := text[i:]
		rest = rest[strings.IndexAny(rest, "\r\n"):]
		if !strings.HasPrefix(strings.ReplaceAll(rest, "\r\n", "\n"), c.after) {
			t.Errorf("%s with code %q: after the link %q, want %q", c.template, c.code, rest[:min(len(rest), 90)], c.after)
		}
	}
}
