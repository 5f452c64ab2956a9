package config

import "log/slog"

// Every type here that holds a secret has a LogValue that redacts it, and a String that prints
// the same, so neither slog nor fmt ("%v", "%+v") can leak it.

// redacted stands for a secret in logs: whether it is set, never what it is.
func redacted[T string | []byte](secret T) slog.Value {
	if len(secret) == 0 {
		return slog.StringValue("")
	}
	return slog.StringValue("[redacted]")
}

// LogValue shows the configuration for a start-up log line, with every secret redacted.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Any("temporal", c.Temporal),
		slog.String("http_addr", c.HTTPAddr),
		slog.String("public_url", c.PublicURL),
		slog.String("data_dir", c.DataDir),
		slog.Any("database", c.Database),
		slog.String("templates_dir", c.TemplatesDir),
		slog.Any("sendgrid", c.SendGrid),
		slog.Any("twilio", c.Twilio),
		slog.Any("billing", c.Billing),
		slog.String("playbook", c.Playbook.Version),
		slog.Any("team", c.Team),
		slog.Any("link_secret", redacted(c.LinkSecret)),
		slog.Any("inbox_secret", redacted(c.InboxSecret)),
		slog.Any("codec", c.Codec),
		slog.String("log_level", c.LogLevel.String()),
	)
}

// String prints the configuration as LogValue does, with every secret redacted.
func (c Config) String() string { return c.LogValue().Resolve().String() }

// LogValue shows where Temporal is, without the API key.
func (t Temporal) LogValue() slog.Value {
	opts := t.ClientOptions
	return slog.GroupValue(
		slog.String("address", opts.HostPort),
		slog.String("namespace", opts.Namespace),
		slog.String("task_queue", t.TaskQueue),
		slog.Bool("tls", opts.ConnectionOptions.TLS != nil),
		slog.Bool("api_key", opts.Credentials != nil),
	)
}

// String prints the Temporal settings as LogValue does.
func (t Temporal) String() string { return t.LogValue().String() }

// LogValue shows the email settings with the API key redacted.
func (s SendGrid) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Bool("sandbox", s.Sandbox),
		slog.String("base_url", s.BaseURL),
		slog.Any("api_key", redacted(s.APIKey)),
		slog.String("from", s.FromName+" <"+s.FromEmail+">"),
		slog.String("template_id", s.TemplateID),
		slog.Bool("webhook_key", s.WebhookPublicKey != ""),
	)
}

// String prints the email settings as LogValue does.
func (s SendGrid) String() string { return s.LogValue().String() }

// LogValue shows the SMS settings with the auth token redacted.
func (t Twilio) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Bool("sandbox", t.Sandbox),
		slog.String("base_url", t.BaseURL),
		slog.String("account_sid", t.AccountSID),
		slog.Any("auth_token", redacted(t.AuthToken)),
		slog.String("from", t.From),
		slog.String("messaging_service_sid", t.MessagingServiceSID),
	)
}

// String prints the SMS settings as LogValue does.
func (t Twilio) String() string { return t.LogValue().String() }

// LogValue shows the billing settings with the API key and the webhook secret redacted.
func (b Billing) LogValue() slog.Value {
	if !b.On() {
		return slog.GroupValue(slog.Bool("on", false))
	}
	return slog.GroupValue(
		slog.Bool("on", true),
		slog.String("api_base", b.APIBase),
		slog.Any("api_key", redacted(b.APIKey)),
		slog.Any("webhook_secret", redacted(b.WebhookSecret)),
		slog.String("mock_url", b.MockURL),
		slog.String("default_rep", b.DefaultRep),
		slog.Any("reps_by_segment", b.RepBySegment),
		slog.String("timezone", b.TimeZone),
	)
}

// String prints the billing settings as LogValue does.
func (b Billing) String() string { return b.LogValue().String() }

// LogValue shows the codec's key IDs and allowed origins, never the keys or the token.
func (c Codec) LogValue() slog.Value {
	ids := make([]string, len(c.Keys))
	for i, k := range c.Keys {
		ids[i] = k.ID
	}
	return slog.GroupValue(
		slog.Any("key_ids", ids),
		slog.Any("token", redacted(c.Token)),
		slog.Any("cors_origins", c.CORSOrigins),
	)
}

// String prints the codec settings as LogValue does.
func (c Codec) String() string { return c.LogValue().String() }

// LogValue shows how many people the team has.
func (t Team) LogValue() slog.Value { return slog.IntValue(len(t.People)) }

// String prints the team's size, so the password hashes never reach a log through fmt.
func (t Team) String() string { return t.LogValue().String() + " people" }

// LogValue shows a person without the password hash.
func (p Person) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", p.ID), slog.String("role", p.Role), slog.String("manager", p.Manager))
}

// String prints a person as LogValue does.
func (p Person) String() string { return p.LogValue().String() }
