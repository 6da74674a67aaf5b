#!/usr/bin/env bash
# Load benchmark: one MariaDB table of N narrow rows copied into PostgreSQL three ways, in one run on the same data:
#   1. hstream-io load (chunked parallel snapshot -> COPY),
#   2. pgloader (Debian package; installed with apt-get when missing and running as root),
#   3. the raw pipe: mariadb --batch | psql \copy (no types, no checks: the floor any tool pays).
# Prints wall time, rows/s, peak RSS (/usr/bin/time -v) and the ratios.
#
# Usage: benchmarks/load-benchmark.sh [ROWS]            (default 1000000)
# Env:   MARIADB_HOST/MARIADB_PORT/MARIADB_USER (127.0.0.1/3306/root), PG_HOST/PG_PORT/PG_USER (127.0.0.1/5432/postgres),
#        PARALLELISM (4), HSTREAM_IO_JAVA_OPTS (-Xmx512m -XX:TieredStopAtLevel=1), KEEP=1 keeps the databases.
# A load of a few million rows is over before C2-compiled code pays for its compilation on 2 cores: C1 alone
# used ~40% less CPU here; set HSTREAM_IO_JAVA_OPTS=-Xmx512m to measure with the default JIT.
set -euo pipefail

ROWS="${1:-1000000}"
MY_HOST="${MARIADB_HOST:-127.0.0.1}"; MY_PORT="${MARIADB_PORT:-3306}"; MY_USER="${MARIADB_USER:-root}"
PG_HOST="${PG_HOST:-127.0.0.1}"; PG_PORT="${PG_PORT:-5432}"; PG_USER="${PG_USER:-postgres}"
PARALLELISM="${PARALLELISM:-4}"
export HSTREAM_IO_JAVA_OPTS="${HSTREAM_IO_JAVA_OPTS--Xmx512m -XX:TieredStopAtLevel=1}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC=hio_bench_src
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

die() { echo "error: $*" >&2; exit 2; }
my() { mariadb -h "$MY_HOST" -P "$MY_PORT" -u "$MY_USER" --batch --skip-column-names "$@"; }
pg() { psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -v ON_ERROR_STOP=1 -qAt "$@"; }

command -v mariadb >/dev/null || die "the mariadb client is missing: apt-get install mariadb-client"
command -v psql >/dev/null || die "psql is missing: apt-get install postgresql-client"
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

for db in hio_bench_ours hio_bench_pgloader hio_bench_pipe; do
  pg -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
done

# Build hstream-io before timing it.
"$root/bin/hstream-io" --version >/dev/null

# run NAME CMD...: runs under /usr/bin/time -v; records seconds and peak RSS (kB) in $work/NAME.{secs,rss}.
run() {
  local name="$1"; shift
  echo "running $name ..." >&2
  local start end
  start=$(date +%s.%N)
  if ! /usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err"; then
    echo "error: $name failed; its output:" >&2
    tail -20 "$work/$name.out" "$work/$name.err" >&2
    exit 1
  fi
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l >"$work/$name.secs"
  awk -F': ' '/Maximum resident set size/ {print $2}' "$work/$name.time" >"$work/$name.rss"
}

run ours "$root/bin/hstream-io" load --from "mariadb://$MY_USER@$MY_HOST:$MY_PORT/$SRC" \
  --to "postgresql://$PG_USER@$PG_HOST:$PG_PORT/hio_bench_ours" --parallelism "$PARALLELISM"

cat >"$work/pgloader.load" <<EOF
LOAD DATABASE
  FROM mysql://$MY_USER@$MY_HOST:$MY_PORT/$SRC
  INTO postgresql://$PG_USER@$PG_HOST:$PG_PORT/hio_bench_pgloader
  WITH include drop, create tables, create indexes, reset sequences, workers = $PARALLELISM, concurrency = 1
  ALTER SCHEMA '$SRC' RENAME TO 'public';
EOF
run pgloader pgloader --no-ssl-cert-verification "$work/pgloader.load"

# The raw pipe gets the same table (with its primary key) that the other two create.
pg -d hio_bench_pipe -c "CREATE TABLE narrow (id integer PRIMARY KEY, a integer NOT NULL, b varchar(32) NOT NULL,
  c numeric(10,2) NOT NULL, d timestamp NOT NULL)"
run pipe bash -c "mariadb -h '$MY_HOST' -P '$MY_PORT' -u '$MY_USER' --batch --skip-column-names --quick \
  -e 'SELECT id, a, b, c, d FROM narrow' '$SRC' \
  | psql -h '$PG_HOST' -p '$PG_PORT' -U '$PG_USER' -v ON_ERROR_STOP=1 -q -d hio_bench_pipe -c '\\copy narrow FROM STDIN'"

# Every target must hold every row, with equal contents.
expected=$(my "$SRC" -e "SELECT COUNT(*), SUM(id), SUM(a), SUM(c) FROM narrow" | tr '\t' ' ')
for db in hio_bench_ours hio_bench_pgloader hio_bench_pipe; do
  got=$(pg -d "$db" -F ' ' -c "SELECT COUNT(*), SUM(id), SUM(a), SUM(c) FROM narrow")
  [ "$got" = "$expected" ] || { echo "error: $db holds '$got', the source '$expected'" >&2; exit 1; }
done

secs() { cat "$work/$1.secs"; }
rate() { echo "$ROWS / $(secs "$1")" | bc -l; }
printf '\n%s rows, %s workers, %s cores, load average %s, HSTREAM_IO_JAVA_OPTS=%s\n' "$ROWS" "$PARALLELISM" \
  "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)" "$HSTREAM_IO_JAVA_OPTS"
printf '%-12s %10s %12s %14s\n' tool seconds rows/s "peak RSS MB"
for t in ours pgloader pipe; do
  printf '%-12s %10.2f %12.0f %14.0f\n' "$t" "$(secs $t)" "$(rate $t)" "$(echo "$(cat "$work/$t.rss") / 1024" | bc -l)"
done
printf 'ours / pgloader: %.2fx   ours / raw pipe: %.0f%%   (aims: >= 2x, >= 60%%)\n' \
  "$(echo "$(rate ours) / $(rate pgloader)" | bc -l)" "$(echo "100 * $(rate ours) / $(rate pipe)" | bc -l)"
grep -E '^(Total|bench|narrow)|narrow ' "$work/ours.out" >&2 || true

if [ "${KEEP:-0}" != 1 ]; then
  my -e "DROP DATABASE $SRC"
  for db in hio_bench_ours hio_bench_pgloader hio_bench_pipe; do pg -d postgres -c "DROP DATABASE $db"; done
fi
