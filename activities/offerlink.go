package activities

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// OfferLinkDays is how long the link of an offer without an end date (OfferUntil) stays good:
// until the end of the UTC day OfferLinkDays after the message was sent.
const OfferLinkDays = 60

// offerNone is the offer kind that is no offer (workflows.OfferStayInTouch): nothing to accept.
const offerNone = "stay_in_touch"

// untilLayout is how OfferUntil is written (workflows.OfferState.Until).
const untilLayout = "2006-01-02"

// offerLinkExpiry is when the link of the offer d carries stops working: at the end of its
// OfferUntil day (UTC), when set, else at the end of the UTC day OfferLinkDays after sent. A
// day, not an instant, so every retry of a send carries the same link (and a retried text
// message the same body, which the crash recovery matches on).
func offerLinkExpiry(d MessageData, sent time.Time) (time.Time, error) {
	if d.OfferUntil != "" {
		day, err := time.Parse(untilLayout, d.OfferUntil)
		if err != nil {
			return time.Time{}, fmt.Errorf("OfferUntil %q is not a date like 2027-03-31", d.OfferUntil)
		}
		return day.AddDate(0, 0, 1), nil
	}
	return sent.UTC().Truncate(24*time.Hour).AddDate(0, 0, OfferLinkDays+1), nil
}

// offerURL is PublicURL/offer?t=<token>: the one-click link of the offer a customer message
// carries, or "" when it carries none (no OfferID, or a stay-in-touch note: no offer).
func offerURL(publicURL string, secret []byte, workflowID string, d MessageData, sent time.Time) (string, error) {
	if d.OfferID == "" || d.Offer == offerNone {
		return "", nil
	}
	expires, err := offerLinkExpiry(d, sent)
	if err != nil {
		return "", err
	}
	return publicURL + "/offer?t=" + url.QueryEscape(OfferToken(secret, workflowID, d.OfferID, expires)), nil
}

// Money writes an amount for people, with thousands separators and cents only when there are
// any: 1200 as "1,200", 1200.5 as "1,200.50". No currency sign: the amount is in the
// account's own currency, which we do not know. The templates' money function; the offer page
// writes amounts with it too.
func Money(v float64) string {
	cents := int64(math.Round(math.Abs(v) * 100))
	whole := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	if v < 0 && cents > 0 {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if c := cents % 100; c != 0 {
		fmt.Fprintf(&b, ".%02d", c)
	}
	return b.String()
}

// LongDate writes a YYYY-MM-DD date as "31 March 2027", which no reader misreads; anything else
// is returned as it is. The templates' date function.
func LongDate(s string) string {
	d, err := time.Parse(untilLayout, s)
	if err != nil {
		return s
	}
	return d.Format("2 January 2006")
}
