#!/usr/bin/env bash
# Load benchmark: one MariaDB table of N narrow rows copied into PostgreSQL three ways, in one run on the same data:
#   1. hstream-io load (chunked parallel snapshot -> COPY),
#   2. pgloader (Debian package; installed with apt-get when missing and running as root),
#   3. the raw pipe: mariadb --batch | psql \copy (no types, no checks: the floor any tool pays).
# Prints wall time, rows/s, peak RSS (/usr/bin/time -v) and the ratios. Then issue 4's figure: the same rows into
# PostgreSQL through the sink (load's bulk path, and the buffered path a CDC snapshot takes) beside a plain COPY of
# them, in one run (SnapshotCopyDriver; COPY=0 skips it).
#
# Usage: benchmarks/load-benchmark.sh [ROWS]            (default 1000000)
# Env:   MARIADB_HOST/MARIADB_PORT/MARIADB_USER (127.0.0.1/3306/root), PG_HOST/PG_PORT/PG_USER (127.0.0.1/5432/postgres),
#        REPEAT (3: rounds of all three tools, interleaved so that load from other processes hits each alike; the best
#        and the median round are printed), PARALLELISM (unset: each tool runs with its own default, which is what
#        users get: hstream-io one reader per core, pgloader workers = 4; set: both get it), KEEP=1 keeps the
#        databases afterwards, COPY=0 skips the issue 4 figure,
#        HSTREAM_IO_JAVA_OPTS (-Xmx512m -XX:TieredStopAtLevel=1).
# A load of a few million rows is over before C2-compiled code pays for its compilation on 2 cores: C1 alone used ~40%
# less CPU here. Set HSTREAM_IO_JAVA_OPTS=-Xmx512m to measure with the default JIT.
set -euo pipefail

ROWS="${1:-1000000}"
MY_HOST="${MARIADB_HOST:-127.0.0.1}"; MY_PORT="${MARIADB_PORT:-3306}"; MY_USER="${MARIADB_USER:-root}"
PG_HOST="${PG_HOST:-127.0.0.1}"; PG_PORT="${PG_PORT:-5432}"; PG_USER="${PG_USER:-postgres}"
PARALLELISM="${PARALLELISM:-}"
ours_parallelism=(); [ -z "$PARALLELISM" ] || ours_parallelism=(--parallelism "$PARALLELISM")
REPEAT="${REPEAT:-3}"
export HSTREAM_IO_JAVA_OPTS="${HSTREAM_IO_JAVA_OPTS--Xmx512m -XX:TieredStopAtLevel=1}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC=hio_bench_src
TARGETS="hio_bench_ours hio_bench_pgloader hio_bench_pipe"
TOOLS="ours pgloader pipe"
# BASELINE=DIR adds the `load` of another checkout (e.g. a worktree of main, built) to every round, as "baseline".
if [ -n "${BASELINE:-}" ]; then
  [ -x "$BASELINE/bin/hstream-io" ] || { echo "error: BASELINE=$BASELINE has no bin/hstream-io" >&2; exit 2; }
  TARGETS="$TARGETS hio_bench_baseline"
  TOOLS="$TOOLS baseline"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

die() { echo "error: $*" >&2; exit 2; }
my() { mariadb -h "$MY_HOST" -P "$MY_PORT" -u "$MY_USER" --batch --skip-column-names "$@"; }
pg() { psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -v ON_ERROR_STOP=1 -qAt "$@"; }

command -v mariadb >/dev/null || die "the mariadb client is missing: apt-get install mariadb-client"
command -v psql >/dev/null || die "psql is missing: apt-get install postgresql-client"
command -v bc >/dev/null || die "bc is missing: apt-get install bc"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing: apt-get install time"
if ! command -v pgloader >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing pgloader ..." >&2
    apt-get install -y -q pgloader >/dev/null || die "apt-get install pgloader failed"
  else
    die "pgloader is missing: apt-get install pgloader (as root)"
  fi
fi
my -e "SELECT 1" >/dev/null || die "cannot reach MariaDB at $MY_HOST:$MY_PORT as $MY_USER"
pg -d postgres -c "SELECT 1" >/dev/null || die "cannot reach PostgreSQL at $PG_HOST:$PG_PORT as $PG_USER"

echo "generating $ROWS rows in MariaDB $SRC.narrow ..." >&2
my -e "DROP DATABASE IF EXISTS $SRC; CREATE DATABASE $SRC;"
my "$SRC" -e "CREATE TABLE narrow (id INT NOT NULL PRIMARY KEY, a INT NOT NULL, b VARCHAR(32) NOT NULL,
  c DECIMAL(10,2) NOT NULL, d DATETIME NOT NULL) ENGINE=InnoDB;
  INSERT INTO narrow SELECT seq, seq % 1000, CONCAT('name-', seq), (seq % 100000) / 7,
  TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq SECOND FROM seq_1_to_$ROWS;
  ANALYZE TABLE narrow;" >/dev/null

# Build hstream-io before timing it; one untimed load lets bin/hstream-io write its class-data archive (AppCDS), as
# any first run after a build does.
"$root/bin/hstream-io" --version >/dev/null
[ -z "${BASELINE:-}" ] || "$BASELINE/bin/hstream-io" --version >/dev/null
bench_jar="$root/benchmarks/target/benchmarks.jar"
if [ "${COPY:-1}" = 1 ] && { [ ! -f "$bench_jar" ] \
    || [ -n "$(find "$root" -path '*/src/main/*' -type f -newer "$bench_jar" -print -quit)" ]; }; then
  echo "building benchmarks.jar ..." >&2
  (cd "$root" && mvn -B -q -ntp -DskipTests -pl benchmarks -am package) >&2
fi
pg -d postgres -c "DROP DATABASE IF EXISTS hio_bench_ours" -c "CREATE DATABASE hio_bench_ours" 2>/dev/null
echo "warm-up: one untimed load ..." >&2
"$root/bin/hstream-io" load --from "mariadb://$MY_USER@$MY_HOST:$MY_PORT/$SRC" \
  --to "postgresql://$PG_USER@$PG_HOST:$PG_PORT/hio_bench_ours" "${ours_parallelism[@]}" >/dev/null 2>&1 \
  || die "the warm-up load failed; run it by hand to see why"

# run NAME ROUND CMD...: runs under /usr/bin/time -v; keeps seconds and peak RSS (kB) in $work/NAME.ROUND.{secs,rss}.
run() {
  local name="$1" round="$2"; shift 2
  echo "round $round: $name ..." >&2
  local start end
  start=$(date +%s.%N)
  if ! /usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err"; then
    echo "error: $name failed; its output:" >&2
    tail -20 "$work/$name.out" "$work/$name.err" >&2
    exit 1
  fi
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l >"$work/$name.$round.secs"
  awk -F': ' '/Maximum resident set size/ {print $2}' "$work/$name.time" >"$work/$name.$round.rss"
}

printf '%s\n' "LOAD DATABASE" \
  "  FROM mysql://$MY_USER@$MY_HOST:$MY_PORT/$SRC" \
  "  INTO postgresql://$PG_USER@$PG_HOST:$PG_PORT/hio_bench_pgloader" \
  "  WITH include drop, create tables, create indexes, reset sequences, workers = ${PARALLELISM:-4}, concurrency = 1" \
  "  ALTER SCHEMA '$SRC' RENAME TO 'public';" >"$work/pgloader.load"

expected=$(my "$SRC" -e "SELECT COUNT(*), SUM(id), SUM(a), SUM(c) FROM narrow" | tr '\t' ' ')
for round in $(seq 1 "$REPEAT"); do
  for db in $TARGETS; do
    pg -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" 2>/dev/null
  done
  run ours "$round" "$root/bin/hstream-io" load --from "mariadb://$MY_USER@$MY_HOST:$MY_PORT/$SRC" \
    --to "postgresql://$PG_USER@$PG_HOST:$PG_PORT/hio_bench_ours" "${ours_parallelism[@]}"
  if [ -n "${BASELINE:-}" ]; then
    run baseline "$round" "$BASELINE/bin/hstream-io" load --from "mariadb://$MY_USER@$MY_HOST:$MY_PORT/$SRC" \
      --to "postgresql://$PG_USER@$PG_HOST:$PG_PORT/hio_bench_baseline" "${ours_parallelism[@]}"
  fi
  run pgloader "$round" pgloader --no-ssl-cert-verification "$work/pgloader.load"
  # The raw pipe gets the same table (with its primary key) that the other two create.
  pg -d hio_bench_pipe -c "CREATE TABLE narrow (id integer PRIMARY KEY, a integer NOT NULL, b varchar(32) NOT NULL,
    c numeric(10,2) NOT NULL, d timestamp NOT NULL)"
  run pipe "$round" bash -c "mariadb -h '$MY_HOST' -P '$MY_PORT' -u '$MY_USER' --batch --skip-column-names --quick \
    -e 'SELECT id, a, b, c, d FROM narrow' '$SRC' \
    | psql -h '$PG_HOST' -p '$PG_PORT' -U '$PG_USER' -v ON_ERROR_STOP=1 -q -d hio_bench_pipe -c '\\copy narrow FROM STDIN'"
  # Every target must hold every row, with equal contents.
  for db in $TARGETS; do
    got=$(pg -d "$db" -F ' ' -c "SELECT COUNT(*), SUM(id), SUM(a), SUM(c) FROM narrow")
    [ "$got" = "$expected" ] || { echo "error: $db holds '$got', the source '$expected'" >&2; exit 1; }
  done
done

best() { sort -g "$work/$1".*.secs | head -1; }
median() { sort -g "$work/$1".*.secs | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
rss() { sort -g "$work/$1".*.rss | tail -1; }
ours_workers=$(sed -n 's/^load: .*, \([0-9]* readers, [0-9]* writer(s)\).*/\1/p' "$work/ours.err" | head -1)
printf '\n%s rows, %s cores, %s round(s), load average %s, HSTREAM_IO_JAVA_OPTS=%s\n' "$ROWS" "$(nproc)" "$REPEAT" \
  "$(cut -d' ' -f1-3 /proc/loadavg)" "$HSTREAM_IO_JAVA_OPTS"
printf 'ours: %s; pgloader: workers = %s, concurrency = 1\n' "$ours_workers" "${PARALLELISM:-4}"
printf '%-10s %10s %10s %14s %14s\n' tool "best s" "median s" "best rows/s" "peak RSS MB"
for t in $TOOLS; do
  printf '%-10s %10.2f %10.2f %14.0f %14.0f\n' "$t" "$(best $t)" "$(median $t)" \
    "$(echo "$ROWS / $(best $t)" | bc -l)" "$(echo "$(rss $t) / 1024" | bc -l)"
done
printf 'best:   ours vs pgloader %.2fx, ours vs raw pipe %.0f%%\n' \
  "$(echo "$(best pgloader) / $(best ours)" | bc -l)" "$(echo "100 * $(best pipe) / $(best ours)" | bc -l)"
printf 'median: ours vs pgloader %.2fx, ours vs raw pipe %.0f%%   (aims: >= 2x, >= 60%%)\n' \
  "$(echo "$(median pgloader) / $(median ours)" | bc -l)" "$(echo "100 * $(median pipe) / $(median ours)" | bc -l)"
if [ -n "${BASELINE:-}" ]; then
  printf 'median: ours vs baseline %.2fx, baseline vs pgloader %.2fx, baseline vs raw pipe %.0f%%\n' \
    "$(echo "$(median baseline) / $(median ours)" | bc -l)" "$(echo "$(median pgloader) / $(median baseline)" | bc -l)" \
    "$(echo "100 * $(median pipe) / $(median baseline)" | bc -l)"
fi

if [ "${COPY:-1}" = 1 ]; then
  echo "issue 4: the same rows into PostgreSQL through the sink and by a plain COPY ..." >&2
  pg -d postgres -c "DROP DATABASE IF EXISTS hio_bench_copy" -c "CREATE DATABASE hio_bench_copy" 2>/dev/null
  java -Xmx1g -XX:TieredStopAtLevel=1 -cp "$bench_jar" io.hstreamio.benchmarks.load.SnapshotCopyDriver \
    "jdbc:postgresql://$PG_HOST:$PG_PORT/hio_bench_copy?user=$PG_USER" "$ROWS" >"$work/copy.out" 2>"$work/copy.err" \
    || { tail -20 "$work/copy.err" >&2; die "SnapshotCopyDriver failed"; }
  fig() { awk -F= -v k="$1" '$1 == k {print $2}' "$work/copy.out"; }
  printf 'snapshot rows into PostgreSQL (one connection each, %s rows): plain COPY %s rows/s; load'"'"'s bulk path %s rows/s (%s%%); the sink'"'"'s buffered path (CDC snapshots) %s rows/s (%s%%)   (aim: >= 60%%)\n' \
    "$ROWS" "$(fig copy_plain_rows_per_s)" "$(fig copy_bulk_rows_per_s)" "$(fig copy_bulk_pct)" \
    "$(fig copy_buffered_rows_per_s)" "$(fig copy_buffered_pct)"
fi

if [ "${KEEP:-0}" != 1 ]; then
  my -e "DROP DATABASE $SRC"
  for db in $TARGETS; do pg -d postgres -c "DROP DATABASE $db"; done
  if [ "${COPY:-1}" = 1 ]; then pg -d postgres -c "DROP DATABASE hio_bench_copy"; fi
fi
