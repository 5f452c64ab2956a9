#!/bin/sh
# One-shot, once the Temporal server is up: create the namespace and register winback's search
# attributes. The names and types are those of workflows/searchattrs.go (deploy/compose_test.go
# checks that they match). Safe to rerun. `winback setup` does the same on any cluster.
set -eu

ADDRESS=${TEMPORAL_ADDRESS:-temporal:7233}
NAMESPACE=${TEMPORAL_NAMESPACE:-default}
# Closed campaigns stay visible (reports, audits) this long.
RETENTION=${TEMPORAL_NAMESPACE_RETENTION:-2160h}

# Talk to the server by IPv4 address: some resolvers hand the CLI an address it cannot reach.
host=${ADDRESS%:*}
port=${ADDRESS##*:}
ip=$(getent ahosts "$host" | awk '/STREAM/ { print $1; exit }')
ADDRESS="${ip:-$host}:$port"

tries=0
until temporal operator cluster health --address "$ADDRESS" >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then
    echo "Temporal at $ADDRESS is not healthy after 2 minutes" >&2
    exit 1
  fi
  sleep 2
done

temporal operator namespace describe --address "$ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1 ||
  temporal operator namespace create --address "$ADDRESS" --namespace "$NAMESPACE" --retention "$RETENTION"

existing=$(temporal operator search-attribute list --address "$ADDRESS" --namespace "$NAMESPACE")
register() {
  if printf '%s\n' "$existing" | grep -qw "$1"; then
    echo "search attribute $1 exists"
  else
    temporal operator search-attribute create --address "$ADDRESS" --namespace "$NAMESPACE" --name "$1" --type "$2"
  fi
}
register WinBackCustomerID Keyword
register WinBackStage Keyword
register WinBackOutcome Keyword
register WinBackReason Keyword
register WinBackScope Keyword
register WinBackAssignee Keyword
register WinBackSegment Keyword
register WinBackTaskDue Datetime
register WinBackAccountValue Double
register WinBackContact KeywordList
register WinBackPeople KeywordList
echo "namespace $NAMESPACE is ready for winback"
