package sandbox_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

func getPage(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET %s = %d %s", url, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func TestOutboxPageListsNewestFirstAndEscapes(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	first := emailReq("winback:cust-42", "check-in-1")
	first.Data.CustomerName = `<script>alert("pwned")</script>`
	if _, err := e.act.SendEmail(ctx, first); err != nil {
		t.Fatal(err)
	}
	if _, err := e.act.SendSMS(ctx, smsReq("winback:cust-42", "check-in-2")); err != nil {
		t.Fatal(err)
	}
	if _, err := e.act.SendSMS(ctx, smsReq("winback:cust-7", "check-in-1")); err != nil {
		t.Fatal(err)
	}

	page := getPage(t, e.srv.URL+"/outbox")
	if strings.Contains(page, "<script>") {
		t.Error("outbox page shows a customer's <script> unescaped")
	}
	if !strings.Contains(page, "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;") {
		t.Error("outbox page does not show the escaped name")
	}
	// Newest first: cust-7's text, then cust-42's text, then the email.
	i7, i42sms, iEmail := strings.Index(page, "winback:cust-7/check-in-1"), strings.Index(page, "winback:cust-42/check-in-2"), strings.Index(page, "winback:cust-42/check-in-1")
	if i7 < 0 || i42sms < 0 || iEmail < 0 || !(i7 < i42sms && i42sms < iEmail) {
		t.Errorf("messages not newest first (positions %d, %d, %d)", i7, i42sms, iEmail)
	}

	filtered := getPage(t, e.srv.URL+"/outbox?workflow=winback:cust-7")
	if !strings.Contains(filtered, "winback:cust-7/check-in-1") || strings.Contains(filtered, "winback:cust-42/") {
		t.Error("?workflow= does not filter the page")
	}
	if empty := getPage(t, e.srv.URL+"/outbox?workflow=nobody"); !strings.Contains(empty, "No messages") {
		t.Error("an empty outbox does not say so")
	}
}
