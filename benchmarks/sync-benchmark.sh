#!/usr/bin/env bash
# Sync benchmark: one `hstream-io sync` process keeps a PostgreSQL copy of a MariaDB database while, in one run:
#   1. it snapshots a narrow table of ROWS rows (rows/s);
#   2. a writer (SyncBenchDriver, WORKERS connections) applies CHANGES changes to it, 50% inserts, 35% updates, 15%
#      deletes, in transactions of TX statements (sent as three JDBC batches: inserts, updates, deletes), as fast as
#      it can; the target's sustained rate is CHANGES over the time from the first change until the target equals the
#      source (count, sum(id), sum(chk)), beside the writer's own rate in the same run;
#   3. a writer inserts RATE rows/s for LAG_SECONDS s into lag_probe with created_at = NOW(6) at the source; the
#      target gets a column applied_at timestamptz DEFAULT clock_timestamp(), added once the sink created the table,
#      and PostgreSQL computes p50/p99/max of applied_at - created_at. Both servers read this machine's clock.
# Then the sync is stopped with SIGTERM (must exit 0) and `hstream-io verify` compares both tables row by row.
# Prints a table of figures, the sync process's peak RSS and CPU time (/usr/bin/time -v), and the load average before
# and after (the figures are only as quiet as the machine was).
#
# Usage: benchmarks/sync-benchmark.sh
# Env:   ROWS (200000), CHANGES (300000), WORKERS (2), TX (100 statements per transaction), RATE (2000 rows/s),
#        LAG_SECONDS (30), PARALLELISM (4 snapshot chunks at a time), CATCHUP_TIMEOUT (300 s per wait for the target),
#        STALL_SECONDS (90: a wait fails when the target has not changed for so long), SEED (42),
#        MARIADB_HOST/MARIADB_PORT/MARIADB_USER (127.0.0.1/3306/root), PG_HOST/PG_PORT/PG_USER (127.0.0.1/5432/postgres),
#        both without password; KEEP=1 keeps the databases and logs afterwards, HSTREAM_IO_JAVA_OPTS (-Xmx512m) for the
#        sync process.
# Databases: hio_syncbench_src (MariaDB) and hio_syncbench_copy (PostgreSQL), dropped and created each run.
# A benchmark, not a test: CI does not run it.
set -euo pipefail

ROWS="${ROWS:-200000}"
CHANGES="${CHANGES:-300000}"
WORKERS="${WORKERS:-2}"
TX="${TX:-100}"
RATE="${RATE:-2000}"
LAG_SECONDS="${LAG_SECONDS:-30}"
PARALLELISM="${PARALLELISM:-4}"
CATCHUP_TIMEOUT="${CATCHUP_TIMEOUT:-300}"
STALL_SECONDS="${STALL_SECONDS:-90}"
SEED="${SEED:-42}"
MY_HOST="${MARIADB_HOST:-127.0.0.1}"; MY_PORT="${MARIADB_PORT:-3306}"; MY_USER="${MARIADB_USER:-root}"
PG_HOST="${PG_HOST:-127.0.0.1}"; PG_PORT="${PG_PORT:-5432}"; PG_USER="${PG_USER:-postgres}"
export HSTREAM_IO_JAVA_OPTS="${HSTREAM_IO_JAVA_OPTS--Xmx512m}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench_jar="$root/benchmarks/target/benchmarks.jar"
SRC=hio_syncbench_src
DST=hio_syncbench_copy
work="$(mktemp -d)"
time_pid=""
sync_pid=""
ok=0

cleanup() {
  if [ -n "$sync_pid" ] && kill -0 "$sync_pid" 2>/dev/null; then
    kill -TERM "$sync_pid" 2>/dev/null || true
    wait "$time_pid" 2>/dev/null || true
  fi
  if [ "$ok" = 1 ] && [ "${KEEP:-0}" != 1 ]; then
    rm -rf "$work"
  else
    echo "logs and figures kept in $work; databases $SRC (MariaDB) and $DST (PostgreSQL) kept" >&2
  fi
}
trap cleanup EXIT

die() { echo "error: $*" >&2; exit 2; }
my() { mariadb -h "$MY_HOST" -P "$MY_PORT" -u "$MY_USER" --batch --skip-column-names "$@"; }
pg() { psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -v ON_ERROR_STOP=1 -qAt "$@"; }
calc() { awk "BEGIN { printf \"%.${2:-1}f\", $1 }"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

command -v mariadb >/dev/null || die "the mariadb client is missing: apt-get install mariadb-client"
command -v psql >/dev/null || die "psql is missing: apt-get install postgresql-client"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing: apt-get install time"
my -e "SELECT 1" >/dev/null || die "cannot reach MariaDB at $MY_HOST:$MY_PORT as $MY_USER"
pg -d postgres -c "SELECT 1" >/dev/null || die "cannot reach PostgreSQL at $PG_HOST:$PG_PORT as $PG_USER"
[ "$(my -e "SELECT @@binlog_format")" = ROW ] \
  || die "MariaDB at $MY_HOST:$MY_PORT has no ROW binlog: run scripts/setup-databases.sh as root"

# Build both jars before anything is timed.
"$root/bin/hstream-io" --version >/dev/null
if [ ! -f "$bench_jar" ] || [ -n "$(find "$root" -path '*/src/main/*' -type f -newer "$bench_jar" -print -quit)" ]; then
  echo "building benchmarks.jar ..." >&2
  (cd "$root" && mvn -B -q -ntp -DskipTests -pl benchmarks -am package) >&2
fi

load_before="$(load)"
echo "generating $ROWS rows in MariaDB $SRC.narrow ..." >&2
my -e "DROP DATABASE IF EXISTS $SRC; CREATE DATABASE $SRC;"
my "$SRC" -e "CREATE TABLE narrow (id BIGINT NOT NULL PRIMARY KEY, qty INT NOT NULL, price DECIMAL(12,2) NOT NULL,
    name VARCHAR(40) NOT NULL, updated_at DATETIME(6) NOT NULL, chk INT NOT NULL) ENGINE=InnoDB;
  INSERT INTO narrow SELECT seq, seq % 1000, ROUND((seq % 1000000) / 7, 2), CONCAT('name-', seq),
    TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq * 1000003 MICROSECOND, CRC32(seq) & 0x7fffffff
    FROM seq_1_to_$ROWS;
  CREATE TABLE lag_probe (id BIGINT NOT NULL PRIMARY KEY, chk INT NOT NULL, created_at DATETIME(6) NOT NULL)
    ENGINE=InnoDB;
  -- One row, so that the sink creates the target table during the snapshot; the lag figures leave it out.
  INSERT INTO lag_probe VALUES (0, 0, NOW(6));
  ANALYZE TABLE narrow;" >/dev/null
pg -d postgres -c "DROP DATABASE IF EXISTS $DST" -c "CREATE DATABASE $DST" 2>/dev/null

from="mariadb://$MY_USER@$MY_HOST:$MY_PORT/$SRC"
to="postgresql://$PG_USER@$PG_HOST:$PG_PORT/$DST"
echo "starting sync $from -> $to ..." >&2
started_ms="$(date +%s%3N)"
/usr/bin/time -v -o "$work/sync.time" "$root/bin/hstream-io" sync --from "$from" --to "$to" \
  --data-dir "$work/data" --name syncbench --parallelism "$PARALLELISM" >"$work/sync.out" 2>"$work/sync.err" &
time_pid=$!
# bin/hstream-io execs java, so the child of time is the sync's JVM: it gets the SIGTERM, time reports its RSS.
for _ in $(seq 1 100); do
  sync_pid="$(pgrep -P "$time_pid" || true)"
  [ -n "$sync_pid" ] && break
  sleep 0.05
done
[ -n "$sync_pid" ] || { tail -20 "$work/sync.err" >&2; die "sync did not start"; }

sync_log() { echo "--- sync stdout (last 20 lines) ---" >&2; tail -20 "$work/sync.out" >&2
  echo "--- sync stderr (last 40 lines) ---" >&2; tail -40 "$work/sync.err" >&2; }

if ! java -Xmx256m -cp "$bench_jar" io.hstreamio.benchmarks.sync.SyncBenchDriver \
    source="jdbc:mariadb://$MY_HOST:$MY_PORT/$SRC?user=$MY_USER" \
    target="jdbc:postgresql://$PG_HOST:$PG_PORT/$DST?user=$PG_USER" \
    syncPid="$sync_pid" syncStartedMillis="$started_ms" rows="$ROWS" changes="$CHANGES" workers="$WORKERS" \
    tx="$TX" rate="$RATE" seconds="$LAG_SECONDS" timeoutSeconds="$CATCHUP_TIMEOUT" \
    stallSeconds="$STALL_SECONDS" seed="$SEED" \
    >"$work/figures"; then
  sync_log
  exit 1
fi

echo "stopping sync (SIGTERM) ..." >&2
kill -TERM "$sync_pid"
rc=0
wait "$time_pid" || rc=$?
sync_pid=""
if [ "$rc" != 0 ]; then
  sync_log
  echo "error: sync exited $rc after SIGTERM, not 0" >&2
  exit 1
fi

echo "verifying both tables row by row ..." >&2
verify_start="$(date +%s%3N)"
vrc=0
"$root/bin/hstream-io" verify --from "$from" --to "$to" >"$work/verify.out" 2>&1 || vrc=$?
verify_secs="$(calc "($(date +%s%3N) - $verify_start) / 1000")"
if [ "$vrc" != 0 ]; then
  cat "$work/verify.out" >&2
  echo "error: verify exited $vrc: the target differs from the source after it caught up (see above)" >&2
  exit 1
fi
load_after="$(load)"

f() { awk -F= -v k="$1" '$1 == k { print $2 }' "$work/figures"; }
rss_kb="$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/sync.time")"
cpu_s="$(awk -F': ' '/User time|System time/ { s += $2 } END { print s }' "$work/sync.time")"
wall_s="$(awk '/Elapsed \(wall clock\)/ { n = split($NF, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]
  printf "%.1f", s }' "$work/sync.time")"
snap_rate="$(calc "$(f snapshot.rows) / $(f snapshot.seconds)" 0)"
# All rows can land between two polls of the target (100 ms apart) on a small table: no rate then.
snap_rate2="$(awk -v r="$(f snapshot.rows)" -v s="$(f snapshot.seconds_after_first_row)" \
  'BEGIN { if (s > 0) printf "%.0f", r / s; else print "n/a" }')"
writer_rate="$(calc "$(f churn.changes) / $(f churn.writer_seconds)" 0)"
target_rate="$(calc "$(f churn.changes) / $(f churn.catchup_seconds)" 0)"

printf '\nsync benchmark: %s rows, %s changes (%s writers, %s statements/tx, seed %s), lag probe %s rows/s x %s s\n' \
  "$ROWS" "$CHANGES" "$WORKERS" "$TX" "$SEED" "$RATE" "$LAG_SECONDS"
printf '%s cores; load average before %s, after %s; HSTREAM_IO_JAVA_OPTS=%s\n' "$(nproc)" "$load_before" \
  "$load_after" "$HSTREAM_IO_JAVA_OPTS"
row() { printf '%-34s %s\n' "$1" "$2"; }
row "figure" "value"
row "snapshot rows/s (from start)" "$snap_rate  ($(f snapshot.rows) rows in $(f snapshot.seconds) s, JVM and CDC start included)"
row "snapshot rows/s (from 1st row)" "$snap_rate2  ($(f snapshot.seconds_after_first_row) s)"
row "churn: writer changes/s" "$writer_rate  ($(f churn.changes) in $(f churn.writer_seconds) s: $(f churn.inserts) ins, $(f churn.updates) upd, $(f churn.deletes) del; $(f churn.retries) retried tx)"
row "churn: target changes/s" "$target_rate  (first change to target equal: $(f churn.catchup_seconds) s)"
row "churn: target / writer" "$(calc "$target_rate / $writer_rate" 2)  (target equal $(f churn.drain_seconds) s after the writer's last commit)"
row "lag p50 / p99 / max ms" "$(calc "$(f lag.p50_ms)" 0) / $(calc "$(f lag.p99_ms)" 0) / $(calc "$(f lag.max_ms)" 0)  (min $(calc "$(f lag.min_ms)" 0), avg $(calc "$(f lag.avg_ms)" 0); $(f lag.rows) rows at $(calc "$(f lag.rate_achieved)" 0) rows/s achieved)"
row "sync peak RSS MB" "$(calc "$rss_kb / 1024" 0)"
row "sync CPU s (user+sys)" "$cpu_s  (over its $wall_s s of wall time)"
row "verify" "OK: both tables equal row by row ($verify_secs s)"

ok=1
if [ "${KEEP:-0}" != 1 ]; then
  my -e "DROP DATABASE $SRC"
  pg -d postgres -c "DROP DATABASE $DST"
fi
