// Command stripedemo plays Stripe for the README's walkthrough "from a Stripe cancellation",
// against a worker started by `make run-stripe` (stripe-mock behind the sandbox):
//
//	go run ./scripts/stripedemo customer --id cus_dana --name "Dana Reyes" --email dana@acme.example
//	go run ./scripts/stripedemo cancel --customer cus_dana --subscription sub_dana_1 --seats 4 \
//	    --feedback too_expensive --comment "Globex quoted us 20% less"
//	go run ./scripts/stripedemo resubscribe --customer cus_dana --subscription sub_dana_2 --coupon <coupon>
//
// It reads WINBACK_HTTP_ADDR (127.0.0.1:8080) and STRIPE_WEBHOOK_SECRET (make run-stripe's
// demo secret when unset), as the worker does.
// It is a demo tool, not part of winback: with a real Stripe account, Stripe sends the events.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/winback/winback/internal/stripedemo"
)

const usage = `usage: go run ./scripts/stripedemo <command> [flags]

  customer     register a Stripe customer with the sandbox (stripe-mock's have no email or phone)
  cancel       send a signed customer.subscription.deleted: the customer's campaign starts
  resubscribe  send a signed customer.subscription.created: the campaign ends as won back

Run a command with -h for its flags.`

// demoSecret is the webhook signing secret make run-stripe gives the worker.
const demoSecret = "whsec_winbackDemo"

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "stripedemo:", err)
		os.Exit(1)
	}
}

func run(command string, args []string) error {
	addr := os.Getenv("WINBACK_HTTP_ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	secret := os.Getenv("STRIPE_WEBHOOK_SECRET")
	if secret == "" {
		secret = demoSecret
	}
	w := stripedemo.Worker{URL: "http://" + addr, WebhookSecret: secret}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	fs := flag.NewFlagSet(command, flag.ExitOnError)
	eventID := fs.String("event-id", "", "the event's ID (default a new one; send one twice to see the replay refused)")
	newEvent := func() string {
		if *eventID != "" {
			return *eventID
		}
		return fmt.Sprintf("evt_demo_%d", time.Now().UnixNano())
	}
	switch command {
	case "customer":
		var c stripedemo.Customer
		var ourID, company, rep, manager, zone string
		fs.StringVar(&c.ID, "id", "", "the Stripe customer ID (cus_...)")
		fs.StringVar(&c.Name, "name", "", "the contact's name")
		fs.StringVar(&c.Email, "email", "", "email")
		fs.StringVar(&c.Phone, "phone", "", "phone, E.164 (+12125550142)")
		fs.StringVar(&ourID, "winback-id", "", "metadata winback_customer_id: the customer's ID in winback (default the Stripe ID)")
		fs.StringVar(&company, "company", "", "metadata company")
		fs.StringVar(&rep, "rep", "", "metadata rep (default WINBACK_STRIPE_DEFAULT_REP's)")
		fs.StringVar(&manager, "manager", "", "metadata manager (default the rep's, from the team file)")
		fs.StringVar(&zone, "timezone", "", "metadata timezone (IANA)")
		_ = fs.Parse(args)
		if c.ID == "" {
			return fmt.Errorf("customer: --id is required")
		}
		c.Metadata = map[string]string{}
		for k, v := range map[string]string{"winback_customer_id": ourID, "company": company, "rep": rep, "manager": manager, "timezone": zone} {
			if v != "" {
				c.Metadata[k] = v
			}
		}
		if err := w.RegisterCustomer(ctx, c); err != nil {
			return err
		}
		fmt.Printf("Stripe customer %s registered with the sandbox.\n", c.ID)
		return nil

	case "cancel", "resubscribe":
		var sub stripedemo.Subscription
		var price, coupons string
		fs.StringVar(&sub.Customer, "customer", "", "the Stripe customer ID (cus_...)")
		fs.StringVar(&sub.ID, "subscription", "", "the subscription ID (sub_...)")
		fs.IntVar(&sub.Seats, "seats", 1, "seats (the price's quantity)")
		fs.StringVar(&price, "price", "15.00", "the price of a seat a month")
		fs.StringVar(&sub.Currency, "currency", "usd", "ISO 4217 currency")
		if command == "cancel" {
			fs.StringVar(&sub.Feedback, "feedback", "", "cancellation_details.feedback: too_expensive, switched_service, unused, customer_service, low_quality, missing_features, too_complex, other")
			fs.StringVar(&sub.Comment, "comment", "", "cancellation_details.comment: the customer's words")
		} else {
			fs.StringVar(&coupons, "coupon", "", "the coupon redeemed (the offer's, from `bin/winback status`); several comma-separated")
		}
		_ = fs.Parse(args)
		if sub.Customer == "" || sub.ID == "" {
			return fmt.Errorf("%s: --customer and --subscription are required", command)
		}
		amount, err := strconv.ParseFloat(price, 64)
		if err != nil || amount <= 0 {
			return fmt.Errorf("--price %q: want an amount like 15.00", price)
		}
		sub.UnitAmount = int64(amount*100 + 0.5)
		if coupons != "" {
			sub.Coupons = strings.Split(coupons, ",")
		}
		id := newEvent()
		var answer string
		if command == "cancel" {
			answer, err = w.Cancel(ctx, id, sub)
		} else {
			answer, err = w.Resubscribe(ctx, id, sub)
		}
		if err != nil {
			return err
		}
		fmt.Printf("%s: the worker answered: %s\n", id, answer)
		return nil
	}
	fmt.Fprintln(os.Stderr, usage)
	os.Exit(2)
	return nil
}
