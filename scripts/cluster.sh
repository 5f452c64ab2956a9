#!/usr/bin/env bash
# Brings up winback on a real Temporal cluster on this machine: PostgreSQL (Debian's package, a
# database cluster of its own in $dir/pg), temporal-server (the version pinned in tools/go.mod,
# the dev server's: 1.29.1), the default namespace and the WinBack* search attributes, and
# $WINBACK_CLUSTER_WORKERS (3) winback-worker processes sharing one store (the winback database on
# the same PostgreSQL) and one set of secrets. Everything is
# kept in $dir (.data/cluster), so a second run finds the campaigns of the first; delete the
# folder to start from nothing. Ctrl-C stops it all, each process by its PID.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s.%N)
laps=()
lap() { laps+=("$1 $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')s"); }

dir=$(realpath -m "${WINBACK_CLUSTER_DIR:-.data/cluster}")
workers=${WINBACK_CLUSTER_WORKERS:-3}
pg_port=${CLUSTER_PG_PORT:-55432}
fe=${CLUSTER_TEMPORAL_PORT:-17233}       # frontend gRPC; the other services' ports follow it
worker_port=${CLUSTER_WORKER_PORT:-18081} # worker N's HTTP port is this + N - 1
# Membership ports must be below 32768: the server stores them in a SMALLINT column.
((fe - 300 > 1024 && fe < 32768)) || { echo "CLUSTER_TEMPORAL_PORT=$fe: use a port between 1325 and 32767" >&2; exit 2; }

# Every port must be free: another `make cluster` (another clone) may hold them.
ports=("$pg_port" "$fe" $((fe + 1)) $((fe + 2)) $((fe + 6)) $((fe + 10)) $((fe - 300)) $((fe - 299)) $((fe - 298)) $((fe - 294)))
for ((n = 0; n < workers; n++)); do ports+=($((worker_port + n))); done
for p in "${ports[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    echo "Port $p on 127.0.0.1 is taken (another 'make cluster'?). Choose other ports with" >&2
    echo "CLUSTER_PG_PORT (now $pg_port), CLUSTER_TEMPORAL_PORT (now $fe; it uses $((fe - 300))-$((fe + 10))) and CLUSTER_WORKER_PORT (now $worker_port)." >&2
    exit 1
  fi
done

# PostgreSQL's programs: $PGBIN, or the bin folder of the newest Debian postgresql-NN package.
if [ -z "${PGBIN:-}" ]; then
  pkg=$(dpkg-query -W -f '${db:Status-Abbrev} ${Package}\n' 'postgresql-[0-9]*' 2>/dev/null |
    awk '$1 == "ii" && $2 ~ /^postgresql-[0-9]+$/ {print $2}' | sort -t- -k2 -n | tail -1 || true)
  [ -n "$pkg" ] && PGBIN=$(dirname "$(dpkg -L "$pkg" | grep '/bin/initdb$')")
fi
if [ ! -x "${PGBIN:-}/initdb" ]; then
  echo "PostgreSQL is not installed (no initdb; PGBIN=${PGBIN:-unset}): apt-get install -y postgresql" >&2
  exit 1
fi
# initdb and postgres refuse to run as root: as root, run them as the postgres user.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

mkdir -p "$dir"/{bin,config,pg,cli}
pgdir=$dir/pg
if [ "$(id -u)" = 0 ]; then
  id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
  chown postgres: "$pgdir"
  runuser -u postgres -- test -w "$pgdir" || {
    echo "The postgres user cannot reach $pgdir: make every parent folder searchable (chmod o+x), or set WINBACK_CLUSTER_DIR elsewhere." >&2
    exit 1
  }
fi

# The server and the SQL tool of tools/go.mod, as `go tool` builds and caches them (minutes the
# first time, a second after), linked under names a process list makes sense of.
echo "Building temporal-server and temporal-sql-tool from tools/go.mod..."
ln -sfn "$(go tool -modfile=tools/go.mod -n server)" "$dir/bin/temporal-server"
ln -sfn "$(go tool -modfile=tools/go.mod -n sql)" "$dir/bin/temporal-sql-tool"
temporal=$(go tool -modfile=tools/go.mod -n temporal) # the CLI, for health and the namespace
lap binaries
schema=$(go list -modfile=tools/go.mod -m -f '{{.Dir}}' go.temporal.io/server)/schema/postgresql/v12

# The link and inbox secrets are the deployment's own, made once in the store and shared by
# every worker and the CLI (an unsubscribe link minted by one worker is good on another).

export TEMPORAL_ADDRESS=127.0.0.1:$fe TEMPORAL_NAMESPACE=default
export WINBACK_TEAM=$(realpath "${WINBACK_TEAM:-config/team.example.yaml}") # demo sign-ins; set your own team file
unset WINBACK_LINK_SECRET WINBACK_INBOX_SECRET WINBACK_HTTP_ADDR WINBACK_DATABASE_URL_FILE

pids=()
names=()
stop() {
  trap - EXIT
  trap '' INT TERM # a second Ctrl-C must not cut the clean-up short

  echo
  echo "Stopping the cluster..."
  # Workers first, then the server, each by the PID this script started; then PostgreSQL.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null && echo "  ${names[i]} (pid ${pids[i]})"
  done
  wait 2>/dev/null || true
  if [ -f "$pgdir/data/postmaster.pid" ]; then
    echo "  postgres (pid $(head -1 "$pgdir/data/postmaster.pid"))"
    as_pg "$PGBIN/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null
  fi
  echo "Stopped. Everything is kept in $dir; 'make cluster' starts it again."
}
trap stop INT TERM EXIT

# PostgreSQL: a database cluster of our own, trust auth, on 127.0.0.1 only.
if [ ! -f "$pgdir/data/PG_VERSION" ]; then
  as_pg "$PGBIN/initdb" -D "$pgdir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C >"$pgdir/initdb.log"
fi
if as_pg "$PGBIN/pg_ctl" -D "$pgdir/data" status >/dev/null 2>&1; then
  echo "PostgreSQL from an earlier run is still up: stopping it first."
  as_pg "$PGBIN/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null
fi
as_pg "$PGBIN/pg_ctl" -D "$pgdir/data" -l "$pgdir/postgres.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pgdir -c max_connections=200" start >/dev/null ||
  { echo "PostgreSQL did not start; see $pgdir/postgres.log" >&2; exit 1; }
lap postgres

# Both databases at the server's schema version. Safe to rerun: update-schema applies what is missing.
sql() { "$dir/bin/temporal-sql-tool" --plugin postgres12 --ep 127.0.0.1 -p "$pg_port" -u postgres "$@"; }
for pair in temporal:temporal temporal_visibility:visibility; do
  db=${pair%%:*}
  sql --db "$db" create-database >/dev/null 2>&1 || true # exists from an earlier run
  sql --db "$db" setup-schema -v 0.0 >/dev/null 2>&1 || true
  sql --db "$db" update-schema -d "$schema/${pair##*:}/versioned" >"$dir/schema.log" 2>&1 ||
    { cat "$dir/schema.log" >&2; exit 1; }
done
lap schemas

# winback's store, shared by every worker and the CLI: the send ledger, the suppression list,
# inbound dedupe, the contact index. The workers migrate it when they start.
if [ -z "$("$PGBIN/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -XAtc "SELECT 1 FROM pg_database WHERE datname = 'winback'")" ]; then
  "$PGBIN/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres winback
fi
export WINBACK_DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/winback?sslmode=disable"

# The server's config, from the template shared with the tests (deploy/cluster).
sed -e "s|@LOG_LEVEL@|warn|; s|@HISTORY_SHARDS@|4|; s|@PG_PORT@|$pg_port|g" \
  -e "s|@FRONTEND_GRPC_PORT@|$fe|g; s|@FRONTEND_HTTP_PORT@|$((fe + 10))|g; s|@FRONTEND_MEMBERSHIP_PORT@|$((fe - 300))|" \
  -e "s|@HISTORY_GRPC_PORT@|$((fe + 1))|; s|@HISTORY_MEMBERSHIP_PORT@|$((fe - 299))|" \
  -e "s|@MATCHING_GRPC_PORT@|$((fe + 2))|; s|@MATCHING_MEMBERSHIP_PORT@|$((fe - 298))|" \
  -e "s|@WORKER_GRPC_PORT@|$((fe + 6))|; s|@WORKER_MEMBERSHIP_PORT@|$((fe - 294))|" \
  -e "s|@DYNAMIC_CONFIG@|$dir/config/dynamicconfig.yaml|" deploy/cluster/development.yaml >"$dir/config/development.yaml"
cp deploy/cluster/dynamicconfig.yaml "$dir/config/dynamicconfig.yaml"
if grep -q '@[A-Z_]*@' "$dir/config/development.yaml"; then
  echo "deploy/cluster/development.yaml has a placeholder this script does not fill: $(grep -o '@[A-Z_]*@' "$dir/config/development.yaml" | head -1)" >&2
  exit 1
fi

# 1.29.1 has no --config-file: it loads <root>/config/development.yaml.
"$dir/bin/temporal-server" --root "$dir" --config config --env development --allow-no-auth start >"$dir/server.log" 2>&1 &
pids+=($!)
names+=(temporal-server)
echo -n "Waiting for temporal-server on $TEMPORAL_ADDRESS "
until "$temporal" operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do
  kill -0 "${pids[0]}" 2>/dev/null || { echo; echo "temporal-server exited; the end of $dir/server.log:"; tail -5 "$dir/server.log" | cut -c1-400; exit 1; }
  echo -n "."; sleep 0.3
done
echo " SERVING."
lap SERVING

# A real server has no default namespace; then winback's search attributes (safe to run twice).
until "$temporal" operator namespace create --namespace default --retention 72h --address "$TEMPORAL_ADDRESS" >/dev/null 2>"$dir/namespace.err"; do
  grep -qi "already" "$dir/namespace.err" && break
  sleep 0.3
done
for _ in $(seq 1 50); do bin/winback setup >"$dir/setup.log" 2>&1 && break; sleep 0.3; done
bin/winback setup >/dev/null || exit 1
# New search attributes reach each service's namespace cache on its next refresh (2 s): wait
# until the frontend knows them, then one refresh more for history and matching.
until "$temporal" workflow count --query "WinBackStage = 'probe'" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do sleep 0.2; done
sleep 2.5
lap "search attributes usable"

# Without provider keys, worker 1 serves the sandbox and every other worker sends to it, so a
# send retried on another worker after a crash is looked up where it went (one outbox).
sandbox_env=()
if [ -z "${SENDGRID_API_KEY:-}${SENDGRID_API_KEY_FILE:-}${TWILIO_ACCOUNT_SID:-}" ]; then
  sandbox=http://127.0.0.1:$worker_port/sandbox
  sandbox_env=(SENDGRID_API_KEY=sandbox SENDGRID_BASE_URL=$sandbox/sendgrid SENDGRID_EMAIL_ACTIVITY=true
    TWILIO_ACCOUNT_SID=AC00000000000000000000000000000000 TWILIO_AUTH_TOKEN=winbacksandboxtoken0000000000000
    TWILIO_BASE_URL=$sandbox/twilio TWILIO_FROM=+15005550006)
fi
for ((n = 1; n <= workers; n++)); do
  mkdir -p "$dir/w$n"
  extra=()
  [ "$n" -gt 1 ] && extra=("${sandbox_env[@]}")
  env "${extra[@]}" WINBACK_HTTP_ADDR=127.0.0.1:$((worker_port + n - 1)) WINBACK_DATA_DIR=$dir/w$n \
    bin/winback-worker >"$dir/w$n/worker.log" 2>&1 &
  pids+=($!)
  names+=("winback-worker $n")
done
for ((n = 1; n <= workers; n++)); do
  addr=127.0.0.1:$((worker_port + n - 1))
  for _ in $(seq 1 100); do
    curl -fsS "http://$addr/healthz" >/dev/null 2>&1 && break
    kill -0 "${pids[n]}" 2>/dev/null || { echo "winback-worker $n exited; see $dir/w$n/worker.log"; tail -5 "$dir/w$n/worker.log"; exit 1; }
    sleep 0.2
  done
done

lap "workers healthy"

cat >"$dir/env.sh" <<ENV
# Source this to point bin/winback (or the Temporal CLI) at the cluster of 'make cluster'.
export TEMPORAL_ADDRESS=$TEMPORAL_ADDRESS
export TEMPORAL_NAMESPACE=default
export WINBACK_TEAM=$WINBACK_TEAM
export WINBACK_DATABASE_URL='$WINBACK_DATABASE_URL'
export WINBACK_DATA_DIR=$dir/cli
ENV

echo
echo "  winback is running on a real Temporal cluster ($(IFS=,; echo "${laps[*]}" | sed 's/,/, /g'))"
echo "  (temporal-server $("$dir/bin/temporal-server" --version | awk '{print $NF}'), PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}')):"
echo "    Temporal gRPC   $TEMPORAL_ADDRESS   (namespace default; no Web UI: bin/winback, or go tool -modfile=tools/go.mod temporal)"
echo "    PostgreSQL      postgres://postgres@127.0.0.1:$pg_port/temporal"
echo "    Store           $WINBACK_DATABASE_URL   (every worker and the CLI)"
for ((n = 1; n <= workers; n++)); do
  addr=127.0.0.1:$((worker_port + n - 1))
  echo "    worker $n        http://$addr/inbox   http://$addr/healthz   (pid ${pids[n]})"
done
echo
echo "  Point bin/winback at it (or: source $dir/env.sh):"
sed -n 's/^export/    export/p' "$dir/env.sh"
echo
echo "  Try: bin/winback launch --csv starter/example-customers.csv"
echo "  Logs: $dir/server.log, $dir/w*/worker.log, $pgdir/postgres.log. Ctrl-C stops everything."
echo
wait -n "${pids[@]}"
echo "A process of the cluster exited (see the logs in $dir)."
