#!/bin/sh
# One-shot, before the Temporal server starts: create the Temporal databases on PostgreSQL and
# bring their schemas up to the server's version, then create the empty database of winback's
# store ($WINBACK_DATABASE), whose tables each worker migrates itself at start (under a lock).
# Safe to rerun on an existing volume: create and the initial setup are skipped when done;
# update-schema applies only what is missing.
set -eu

sql() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$DB_PORT" -u "$POSTGRES_USER" --pw "$POSTGRES_PWD" "$@"; }

for db in temporal visibility; do
  name=temporal
  [ "$db" = visibility ] && name=temporal_visibility
  sql --db "$name" create 2>/dev/null || echo "database $name exists"
  sql --db "$name" setup-schema -v 0.0 2>/dev/null || echo "schema of $name already set up"
  sql --db "$name" update-schema -d "/etc/temporal/schema/postgresql/v12/$db/versioned"
done
echo "Temporal schemas are up to date"

# Created here rather than by an init script of the postgres image, which runs only on an empty
# volume: this also serves a volume from before winback had a store.
sql --db "$WINBACK_DATABASE" create 2>/dev/null || echo "database $WINBACK_DATABASE exists"
echo "database $WINBACK_DATABASE is ready for winback's store"
