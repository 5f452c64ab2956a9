#!/usr/bin/env bash
# Brings up winback on one machine: the Temporal dev server with its UI (state kept in
# $WINBACK_DATA_DIR/temporal.db, so a second run keeps the campaigns of the first), the
# WinBack* search attributes, and the worker with its HTTP server (inbox, outbox, webhooks,
# sandbox providers when no keys are set). Ctrl-C stops all of it.
set -euo pipefail
cd "$(dirname "$0")/.."

data=${WINBACK_DATA_DIR:-.data}
port=${TEMPORAL_PORT:-7233}
ui_port=${TEMPORAL_UI_PORT:-8233}
http_addr=${WINBACK_HTTP_ADDR:-127.0.0.1:8080}
export TEMPORAL_ADDRESS=${TEMPORAL_ADDRESS:-127.0.0.1:$port}
export WINBACK_DATA_DIR=$data WINBACK_HTTP_ADDR=$http_addr
export WINBACK_TEMPORAL_UI_URL=${WINBACK_TEMPORAL_UI_URL:-http://127.0.0.1:$ui_port}
export WINBACK_TEAM=${WINBACK_TEAM:-config/team.example.yaml}  # demo sign-ins; set your own team file
mkdir -p "$data"

pids=()
stop() {
  trap - EXIT
  trap '' INT TERM # a second Ctrl-C must not cut the clean-up short
  echo
  echo "Stopping winback..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "Stopped. Campaigns are kept in $data/temporal.db; 'make run' picks them up again."
}
trap stop INT TERM EXIT

# Encryption is opt-in: with WINBACK_CODEC_KEYS set, payloads are encrypted and the UI decodes
# them through the worker's codec endpoint (README, "Encrypted payloads").
codec_flags=()
if [ -n "${WINBACK_CODEC_KEYS:-}${WINBACK_CODEC_KEYS_FILE:-}" ]; then
  if [ -z "${WINBACK_CODEC_TOKEN:-}${WINBACK_CODEC_TOKEN_FILE:-}" ]; then
    [ -s "$data/codec-token" ] || (umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$data/codec-token")
    export WINBACK_CODEC_TOKEN_FILE=$data/codec-token
  fi
  codec_flags=(--ui-codec-endpoint "http://$http_addr/codec")
fi

# Billing against stripe-mock (make run-stripe): Stripe's official mock on loopback, fronted by
# the worker's sandbox, with demo keys that only it accepts. A real Stripe needs none of this:
# set STRIPE_API_KEY and STRIPE_WEBHOOK_SECRET instead (README, "From a Stripe cancellation").
if [ "${WINBACK_STRIPE:-}" = mock ]; then
  mock_port=${STRIPE_MOCK_PORT:-12111}
  mock_bin=$(go tool -modfile=tools/stripe-mock.mod -n stripe-mock)
  "$mock_bin" -http-addr "127.0.0.1:$mock_port" -https-addr "127.0.0.1:$((mock_port + 1))" >"$data/stripe-mock.log" 2>&1 &
  pids+=($!)
  export STRIPE_API_KEY=${STRIPE_API_KEY:-sk_test_winbackDemo}
  export STRIPE_WEBHOOK_SECRET=${STRIPE_WEBHOOK_SECRET:-whsec_winbackDemo}
  export WINBACK_STRIPE_MOCK_URL=http://127.0.0.1:$mock_port
  export WINBACK_STRIPE_DEFAULT_REP=${WINBACK_STRIPE_DEFAULT_REP:-alice}
  for _ in $(seq 1 60); do
    curl -fsS -u sk_test_winbackDemo: "http://127.0.0.1:$mock_port/v1/customers/cus_probe" >/dev/null 2>&1 && break
    kill -0 "${pids[0]}" 2>/dev/null || { echo "stripe-mock exited; see $data/stripe-mock.log"; exit 1; }
    sleep 0.5
  done
fi

# The dev server. WAL journaling: see README ("Durability of make run").
go tool -modfile=tools/go.mod temporal server start-dev "${codec_flags[@]}" \
  --ip 127.0.0.1 --port "$port" --ui-port "$ui_port" \
  --db-filename "$data/temporal.db" \
  --sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal \
  --log-level error >"$data/temporal.log" 2>&1 &
pids+=($!)
server_pid=$!

echo -n "Waiting for the Temporal dev server on $TEMPORAL_ADDRESS "
for _ in $(seq 1 120); do
  if bin/winback setup >/dev/null 2>"$data/setup.err"; then break; fi
  kill -0 "$server_pid" 2>/dev/null || { echo; echo "The dev server exited; see $data/temporal.log"; exit 1; }
  echo -n "."; sleep 1
done
bin/winback setup >/dev/null || { echo; cat "$data/setup.err"; exit 1; }
echo " ready."

bin/winback-worker &
pids+=($!)
worker_pid=$!

for _ in $(seq 1 60); do
  curl -fsS "http://$http_addr/healthz" >/dev/null 2>&1 && break
  kill -0 "$worker_pid" 2>/dev/null || { echo "The worker exited (see the lines above)."; exit 1; }
  sleep 0.5
done

cat <<MSG

  winback is running.
    Temporal UI   http://127.0.0.1:$ui_port/namespaces/default/workflows
    Rep inbox     http://$http_addr/inbox   (team $WINBACK_TEAM)
    Outbox        http://$http_addr/outbox   (sandbox email and SMS)
    Health        http://$http_addr/healthz
    Temporal      $TEMPORAL_ADDRESS (export TEMPORAL_ADDRESS=$TEMPORAL_ADDRESS for bin/winback)

  Try: bin/winback launch --csv starter/example-customers.csv
  Ctrl-C stops everything.

MSG
if [ -n "${WINBACK_STRIPE_MOCK_URL:-}" ]; then
  cat <<MSG
  Billing is on, against stripe-mock ($WINBACK_STRIPE_MOCK_URL, log in $data/stripe-mock.log):
    Stripe webhook  http://$http_addr/webhooks/stripe   (signing secret $STRIPE_WEBHOOK_SECRET)
    Play Stripe     go run ./scripts/stripedemo   (README, "From a Stripe cancellation")
    Billing problems http://$http_addr/inbox/billing   (managers)

MSG
fi
if [ ${#codec_flags[@]} -gt 0 ]; then
  cat <<MSG
  Payloads are encrypted. To read them in the Temporal UI:
    1. open http://$http_addr/codec/login and paste the token from ${WINBACK_CODEC_TOKEN_FILE:-WINBACK_CODEC_TOKEN};
    2. in the UI, Codec Server: "Use my browser setting", endpoint http://$http_addr/codec,
       tick "Include cross-origin credentials", Apply.

MSG
fi
wait -n "${pids[@]}"
