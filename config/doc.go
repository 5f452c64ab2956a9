// Package config is the one place winback reads its environment. Load reads the variables below
// and the optional WINBACK_CONFIG file, validates everything once, and reports every problem
// at once, each naming its variable (or file, line and key): `WINBACK_HTTP_ADDR: "localhost"
// is not host:port`. Secrets never appear in errors or logs (Config.LogValue redacts them).
//
// An empty variable counts as unset. Secrets can be given inline (NAME) or as a file
// (NAME_FILE, e.g. a Docker secret), not both.
//
// # The WINBACK_CONFIG file
//
// A flat YAML mapping whose keys are the variable names without the WINBACK_ prefix, in lower
// case: WINBACK_HTTP_ADDR is http_addr, SENDGRID_API_KEY_FILE is sendgrid_api_key_file,
// TEMPORAL_ADDRESS is temporal_address. The environment wins over the file; unknown keys are
// errors. Paths in it are relative to the working directory, as in the environment.
//
//	http_addr: 0.0.0.0:8080
//	public_url: https://winback.example.com
//	temporal_address: temporal:7233
//	playbook: /etc/winback/playbook.yaml
//	sendgrid_api_key_file: /run/secrets/sendgrid
//
// # Variables
//
//	TEMPORAL_ADDRESS                 127.0.0.1:7233        Temporal frontend host:port
//	TEMPORAL_NAMESPACE               default               Temporal namespace
//	TEMPORAL_API_KEY                 -                     Temporal Cloud API key (turns TLS on)
//	TEMPORAL_TLS*, TEMPORAL_GRPC_META_*, TEMPORAL_CLIENT_AUTHORITY: as go.temporal.io/sdk/contrib/envconfig
//	TEMPORAL_PROFILE                 default               profile of the temporal.toml file
//	TEMPORAL_CONFIG_FILE             <user config>/temporalio/temporal.toml
//	WINBACK_TASK_QUEUE               winback               task queue of workflows and activities
//	WINBACK_HTTP_ADDR                127.0.0.1:8080        worker HTTP listen address
//	WINBACK_PUBLIC_URL               http://<HTTP_ADDR>    public base URL for links and webhooks
//	WINBACK_DATA_DIR                 .data                 local state (generated secrets)
//	WINBACK_TEMPLATES_DIR            -                     folder of message templates overriding the embedded ones
//	WINBACK_LOG_LEVEL                info                  debug, info, warn or error
//	WINBACK_LINK_SECRET[_FILE]       generated             signs unsubscribe and inbox links (>= 16 bytes)
//	WINBACK_INBOX_SECRET[_FILE]      generated             signs inbox sessions and CSRF tokens (>= 16 bytes)
//	WINBACK_CODEC_KEYS[_FILE]        -                     payload encryption keys: id=base64(32 bytes), first encrypts
//	WINBACK_PLAYBOOK                 built-in              playbook file (YAML or JSON) over the default
//	WINBACK_TEAM                     -                     team file (YAML); unset accepts any rep and manager IDs
//	WINBACK_PHONE_REGION             US                    region (ISO 3166) of phone numbers written without +country code
//	SENDGRID_API_KEY[_FILE]          - (sandbox)           SendGrid API key; unset sends to the local sandbox
//	SENDGRID_BASE_URL                by mode               https://api.sendgrid.com, or PUBLIC_URL/sandbox/sendgrid
//	SENDGRID_TEMPLATE_ID             -                     dynamic template ID (d-...)
//	SENDGRID_WEBHOOK_PUBLIC_KEY      -                     Signed Event Webhook verification key (base64 DER)
//	WINBACK_FROM_EMAIL               winback@example.com   sender address
//	WINBACK_FROM_NAME                winback               sender name
//	TWILIO_ACCOUNT_SID               - (sandbox)           AC...; with TWILIO_AUTH_TOKEN, or neither
//	TWILIO_AUTH_TOKEN[_FILE]         - (sandbox)           Twilio auth token
//	TWILIO_BASE_URL                  by mode               https://api.twilio.com, or PUBLIC_URL/sandbox/twilio
//	TWILIO_FROM                      +15005550006 (sandbox) sending number, E.164
//	TWILIO_MESSAGING_SERVICE_SID     -                     MG...; this or TWILIO_FROM with real credentials
//	STRIPE_API_KEY[_FILE]            - (billing off)       Stripe secret or restricted key (sk_..., rk_...)
//	STRIPE_WEBHOOK_SECRET[_FILE]     -                     signing secret of the webhook endpoint (whsec_...)
//	STRIPE_API_BASE                  by mode               https://api.stripe.com, PUBLIC_URL/sandbox/stripe, or stripe-mock
//	WINBACK_STRIPE_MOCK_URL          -                     stripe-mock, served by the sandbox at /sandbox/stripe
//	WINBACK_STRIPE_DEFAULT_REP       -                     rep of Stripe customers whose metadata and segment name none
//	WINBACK_STRIPE_REPS_BY_SEGMENT   -                     segment=rep,...: reps by the customer's segment metadata
//	WINBACK_STRIPE_TIMEZONE          UTC                   customers' time zone when their metadata names none
package config
