package activities

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	texttemplate "text/template"
)

// The templates, one file each, overridable file by file from Options.TemplatesDir:
//   - <name>.email.tmpl (text/template): a "Subject: ..." line, a blank line, then the plain-text
//     body. Blank lines separate paragraphs; the HTML part is made from them by layout.html.tmpl.
//   - <name>.sms.tmpl (text/template): the text message; whitespace runs become one space.
//   - layout.html.tmpl (html/template): the HTML part of every email; it must show
//     {{.UnsubscribeURL}} (set for customer emails, empty for staff notices).
//
// Templates see MessageData's fields plus ToName, UnsubscribeURL, OfferURL and PublicURL, and
// the functions required (fail the send when a field is empty), clause (trim a trailing full
// stop), money (1200.5 as "1,200.50", with no currency: the amount is in the account's own) and
// date (a YYYY-MM-DD as "31 March 2027"). A customer message that carries an offer (OfferID)
// always shows OfferURL, its one-click link: when a template leaves it out, it is added at the
// end of the email's text, or of the text message.
//
//go:embed templates/*.tmpl
var embeddedTemplates embed.FS

const layoutFile = "layout.html.tmpl"

// templateSet is every parsed template, by name ("revisit", "check_in"...).
type templateSet struct {
	email  map[string]*texttemplate.Template
	sms    map[string]*texttemplate.Template
	layout *htmltemplate.Template
}

// view is what the templates see.
type view struct {
	MessageData
	ToName         string
	UnsubscribeURL string // empty for staff notices
	// OfferURL is the one-click link (accept or decline) of the offer the message carries:
	// empty for staff notices, messages without an OfferID and a stay-in-touch note.
	OfferURL  string
	PublicURL string
}

// emailContent is a rendered email.
type emailContent struct {
	Subject, Text, HTML string
}

type layoutView struct {
	Subject        string
	Paragraphs     [][]string // lines of each paragraph
	UnsubscribeURL string
	// OfferURL is the offer's link: a layout shows a paragraph line equal to it as a button.
	OfferURL   string
	OurCompany string
}

var funcs = texttemplate.FuncMap{
	"required": func(field, v string) (string, error) {
		if strings.TrimSpace(v) == "" {
			return "", fmt.Errorf("%s is empty and this template needs it", field)
		}
		return v, nil
	},
	"clause": func(s string) string { return strings.TrimRight(strings.TrimSpace(s), ".!; ") },
	"money":  Money,
	"date":   LongDate,
}

// loadTemplates parses the embedded templates, replaced file by file by those in dir (if any),
// and renders each with sample data so a broken override fails at start, not at send time.
func loadTemplates(dir string) (*templateSet, error) {
	files := map[string]string{} // file name -> where it came from (for errors)
	read := map[string][]byte{}
	embedded, _ := fs.Glob(embeddedTemplates, "templates/*.tmpl")
	for _, p := range embedded {
		b, err := embeddedTemplates.ReadFile(p)
		if err != nil {
			return nil, err
		}
		name := filepath.Base(p)
		files[name], read[name] = "embedded "+name, b
	}
	if dir != "" {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("templates: read TemplatesDir %s: %w", dir, err)
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".tmpl") {
				continue
			}
			p := filepath.Join(dir, e.Name())
			b, err := os.ReadFile(p)
			if err != nil {
				return nil, fmt.Errorf("templates: %w", err)
			}
			files[e.Name()], read[e.Name()] = p, b
		}
	}

	ts := &templateSet{email: map[string]*texttemplate.Template{}, sms: map[string]*texttemplate.Template{}}
	names := make([]string, 0, len(read))
	for n := range read {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, file := range names {
		src := string(read[file])
		var err error
		switch {
		case file == layoutFile:
			ts.layout, err = htmltemplate.New(file).Option("missingkey=error").Parse(src)
		case strings.HasSuffix(file, ".email.tmpl"):
			ts.email[strings.TrimSuffix(file, ".email.tmpl")], err = parseText(file, src)
		case strings.HasSuffix(file, ".sms.tmpl"):
			ts.sms[strings.TrimSuffix(file, ".sms.tmpl")], err = parseText(file, src)
		default:
			err = errors.New("unknown kind of template: name it <name>.email.tmpl, <name>.sms.tmpl or " + layoutFile)
		}
		if err != nil {
			return nil, fmt.Errorf("templates: %s: %w", files[file], err)
		}
	}
	if ts.layout == nil {
		return nil, errors.New("templates: " + layoutFile + " is missing")
	}
	if err := ts.check(files); err != nil {
		return nil, err
	}
	return ts, nil
}

func parseText(name, src string) (*texttemplate.Template, error) {
	return texttemplate.New(name).Funcs(funcs).Option("missingkey=error").Parse(src)
}

// check renders every template with complete sample data.
func (ts *templateSet) check(files map[string]string) error {
	v := sampleView()
	for name := range ts.email {
		c, err := ts.renderEmail(name, v)
		if err != nil {
			return fmt.Errorf("templates: %s: %w", files[name+".email.tmpl"], err)
		}
		if !strings.Contains(c.HTML, htmltemplate.HTMLEscapeString(v.UnsubscribeURL)) {
			return fmt.Errorf("templates: %s does not show {{.UnsubscribeURL}}: every customer email must carry its unsubscribe link", files[layoutFile])
		}
	}
	for name := range ts.sms {
		if _, err := ts.renderSMS(name, v); err != nil {
			return fmt.Errorf("templates: %s: %w", files[name+".sms.tmpl"], err)
		}
	}
	return nil
}

var subjectLine = regexp.MustCompile(`^Subject:[ \t]*(.*)\n`)

// renderEmail renders the subject, the text (with the unsubscribe footer for customers) and the
// HTML part of the email template name.
func (ts *templateSet) renderEmail(name string, v view) (emailContent, error) {
	t, ok := ts.email[name]
	if !ok {
		return emailContent{}, fmt.Errorf("no email template %q (have %s)", name, strings.Join(keys(ts.email), ", "))
	}
	var b bytes.Buffer
	if err := t.Execute(&b, v); err != nil {
		return emailContent{}, templateError(err)
	}
	out := strings.TrimLeft(strings.ReplaceAll(b.String(), "\r\n", "\n"), "\n")
	m := subjectLine.FindStringSubmatch(out)
	if m == nil {
		return emailContent{}, errors.New(`the email must start with a "Subject: ..." line`)
	}
	c := emailContent{Subject: oneLine(m[1]), Text: tidy(out[len(m[0]):])}
	if c.Subject == "" || c.Text == "" {
		return emailContent{}, errors.New("the email has an empty subject or body")
	}
	if v.OfferURL != "" && !strings.Contains(c.Text, v.OfferURL) {
		c.Text += "\n\nAccept or decline the offer in one click:\n" + v.OfferURL
	}
	lv := layoutView{Subject: c.Subject, UnsubscribeURL: v.UnsubscribeURL, OfferURL: v.OfferURL, OurCompany: v.OurCompany}
	for _, p := range strings.Split(c.Text, "\n\n") {
		lv.Paragraphs = append(lv.Paragraphs, strings.Split(p, "\n"))
	}
	if v.UnsubscribeURL != "" {
		c.Text += "\n\n-- \nTo stop receiving these emails, unsubscribe here: " + v.UnsubscribeURL + "\n"
	}
	var h bytes.Buffer
	if err := ts.layout.Execute(&h, lv); err != nil {
		return emailContent{}, templateError(err)
	}
	c.HTML = h.String()
	return c, nil
}

// renderSMS renders the SMS template name as one line of text.
func (ts *templateSet) renderSMS(name string, v view) (string, error) {
	t, ok := ts.sms[name]
	if !ok {
		return "", fmt.Errorf("no SMS template %q (have %s)", name, strings.Join(keys(ts.sms), ", "))
	}
	var b bytes.Buffer
	if err := t.Execute(&b, v); err != nil {
		return "", templateError(err)
	}
	body := gsmFriendly(oneLine(b.String()))
	if body == "" {
		return "", errors.New("the text message is empty")
	}
	if v.OfferURL != "" && !strings.Contains(body, v.OfferURL) {
		body += " Accept or decline our offer: " + v.OfferURL
	}
	return body, nil
}

// renderSMSCache keeps the templates RenderSMS and Preview parsed, by folder: a launch checks
// every row.
var renderSMSCache sync.Map // templatesDir -> *templateSet

// RenderSMS renders the SMS template (embedded, or overridden from templatesDir) with d, as
// SendSMS would send it; launch-time checks use it with SMSSegments. OurCompany is what d says.
// The templates of a folder are read once per process.
func RenderSMS(templatesDir, template string, d MessageData) (string, error) {
	ts, err := templatesOf(templatesDir)
	if err != nil {
		return "", err
	}
	body, err := ts.renderSMS(template, view{MessageData: d})
	if err != nil {
		return "", fmt.Errorf("SMS template %s: %w", template, err)
	}
	return body, nil
}

// templatesOf returns the templates of a folder ("" for the embedded ones), read once per
// process.
func templatesOf(templatesDir string) (*templateSet, error) {
	if v, ok := renderSMSCache.Load(templatesDir); ok {
		return v.(*templateSet), nil
	}
	loaded, err := loadTemplates(templatesDir)
	if err != nil {
		return nil, err
	}
	renderSMSCache.Store(templatesDir, loaded)
	return loaded, nil
}

// templateError keeps the useful end of a text/template error ("... error calling required:
// WhatWeChanged is empty ...").
func templateError(err error) error {
	var ee texttemplate.ExecError
	if errors.As(err, &ee) {
		if u := errors.Unwrap(ee.Err); u != nil {
			return u
		}
		return ee.Err
	}
	return err
}

func sampleView() view {
	return view{
		MessageData: MessageData{
			CustomerName: "Dana Whitfield", Company: "Northwind Traders", RepName: "Sam Ortiz",
			RepEmail: "sam@example.com", Reason: "let_down", Apology: true,
			WhatWeChanged: "move your account to our priority support team", Offer: "apology",
			OfferDetails: "two months at no charge", Competitor: "Contoso", CheckInNumber: 2,
			TaskID: "exit-interview", TaskTitle: "Exit interview", TaskDue: "Mon 2 Mar 17:00",
			Note: "sample note", OurCompany: "Example Co",
			CompetitorOffer: "20% off the first year", Figures: []string{"orders shipped on time: 98%"},
			OfferValue: 1200, OfferUntil: "2027-03-31", OfferID: "offer-1", PromotionCode: "COMEBACK-SAMPLE",
		},
		ToName: "Dana Whitfield", UnsubscribeURL: "https://example.com/unsubscribe?t=sample-token-0123",
		OfferURL:  "https://example.com/offer?t=sample-token-4567",
		PublicURL: "https://example.com",
	}
}

var blankLines = regexp.MustCompile(`\n[ \t]*\n(?:[ \t]*\n)+`)
var trailingSpace = regexp.MustCompile(`[ \t]+\n`)

// tidy trims the text and squeezes runs of blank lines (left by template conditionals) to one.
func tidy(s string) string {
	s = trailingSpace.ReplaceAllString(s, "\n")
	return strings.TrimSpace(blankLines.ReplaceAllString(s, "\n\n"))
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// HelpReply is the answer to a customer's HELP text (the help SMS template): who writes to them
// and how to stop and restart, signed with their rep's name and address when the caller knows
// them ("" otherwise).
func (a *Activities) HelpReply(repName, repEmail string) (string, error) {
	return a.tmpl.renderSMS("help", view{MessageData: MessageData{OurCompany: a.opts.FromName, RepName: repName, RepEmail: repEmail},
		PublicURL: a.opts.PublicURL})
}
