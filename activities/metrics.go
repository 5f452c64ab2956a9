package activities

import (
	"context"
	"errors"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
)

// countSend adds one to winback_sends{channel, provider, result}: result is "sent",
// "deduplicated", or the error type ("RateLimited", "InvalidRecipient"...). Outside an activity
// (unit tests calling the methods directly) it does nothing.
func countSend(ctx context.Context, channel string, res SendResult, err error) {
	if !activity.IsActivity(ctx) {
		return
	}
	result, provider := "sent", res.Provider
	switch {
	case err != nil:
		result = "error"
		var appErr *temporal.ApplicationError
		if errors.As(err, &appErr) && appErr.Type() != "" {
			result = appErr.Type()
		}
	case res.Deduplicated:
		result = "deduplicated"
	}
	if provider == "" {
		provider = map[string]string{"email": "sendgrid", "sms": "twilio"}[channel]
	}
	activity.GetMetricsHandler(ctx).WithTags(map[string]string{
		"channel": channel, "provider": provider, "result": result,
	}).Counter("winback_sends").Inc(1)
}
