#!/usr/bin/env bash
# Prepares the local MariaDB and PostgreSQL servers that the *IT tests use (127.0.0.1:3306 root without password,
# 127.0.0.1:5432 postgres with trust auth), with change data capture enabled: MariaDB binlog in ROW format with full
# row images and metadata, PostgreSQL wal_level=logical. Also installs Chromium (headless) when missing, which the web
# view's test (RuntimeOperationsIT) drives; that test skips only where no chromium binary exists.
#
# Idempotent and quick when everything is in place: it installs what is missing (Debian packages), writes its own
# config files, starts servers that are down and restarts ONLY a server whose live settings differ from the wanted
# ones. Works without systemd. Run as root.
#
# Environment: HSTREAMIO_SETUP_TIMEOUT  seconds to wait for a server to answer (default 60).
set -euo pipefail

readonly TIMEOUT="${HSTREAMIO_SETUP_TIMEOUT:-60}"

readonly MARIADBD=/usr/sbin/mariadbd
readonly MY_CNF=/etc/mysql/my.cnf
readonly MARIADB_CNF_DIR=/etc/mysql/mariadb.conf.d
readonly MARIADB_CNF="$MARIADB_CNF_DIR/90-hstreamio-cdc.cnf"
readonly MARIADB_PORT=3306
# Wanted live values; the keys are MariaDB system variables (read back with SELECT @@name).
readonly MARIADB_WANTED="server_id=1 log_bin=ON binlog_format=ROW binlog_row_image=FULL binlog_row_metadata=FULL bind_address=127.0.0.1"

readonly PG_CONF_NAME=95-hstreamio-cdc.conf
readonly PG_MIN_SENDERS=20
readonly PG_MIN_SLOTS=20

step() { printf 'setup-databases: %s\n' "$*"; }
die() { printf 'setup-databases: ERROR: %s\n' "$*" >&2; exit 1; }

# Writes $2 to file $1 unless it already holds exactly that; prints "changed" or "unchanged".
write_if_changed() {
  local path="$1" content="$2"
  if [[ -f "$path" ]] && [[ "$(cat "$path")" == "$content" ]]; then
    echo unchanged
    return
  fi
  mkdir -p "$(dirname "$path")"
  printf '%s\n' "$content" >"$path.tmp"
  chmod 644 "$path.tmp"
  mv "$path.tmp" "$path"
  echo changed
}

# ---------------------------------------------------------------------------------------------------------- packages
install_missing_packages() {
  local missing=()
  [[ -x "$MARIADBD" ]] || missing+=(mariadb-server)
  command -v mariadb >/dev/null 2>&1 || missing+=(mariadb-client)
  compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || missing+=(postgresql)
  command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  if ((${#missing[@]} == 0)); then
    step "packages: MariaDB, PostgreSQL and Chromium already installed"
    return
  fi
  step "packages: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [[ -x "$MARIADBD" ]] || die "MariaDB: $MARIADBD is still missing after installing mariadb-server; check the apt output"
}

# ----------------------------------------------------------------------------------------------------------- MariaDB
mariadb_effective_option() { # last value of option $1 that mariadbd reads from its option files
  my_print_defaults --mysqld | awk -v want="$1" '
    /^--/ { eq = index($0, "="); key = substr($0, 3, (eq ? eq - 3 : length($0))); gsub("-", "_", key)
            if (key == want) value = (eq ? substr($0, eq + 1) : "") }
    END { print value }'
}

configure_mariadb() {
  local content result
  content="# Written by scripts/setup-databases.sh: binlog settings that change data capture needs.
[mysqld]
server_id = 1
log_bin = mysql-bin
binlog_format = ROW
binlog_row_image = FULL
binlog_row_metadata = FULL
binlog_expire_logs_seconds = 259200
bind_address = 127.0.0.1
log_error = /var/log/mysql/error.log"
  result="$(write_if_changed "$MARIADB_CNF" "$content")"

  # Debian's own my.cnf includes mariadb.conf.d; a hand-written one (as on some images) may not: include it then.
  local target
  target="$(readlink -f "$MY_CNF" 2>/dev/null || echo "$MY_CNF")"
  if [[ "$(mariadb_effective_option binlog_row_metadata)" != FULL ]] &&
    ! grep -qs "^!includedir $MARIADB_CNF_DIR" "$target"; then
    printf '\n# Added by scripts/setup-databases.sh\n!includedir %s/\n' "$MARIADB_CNF_DIR" >>"$target"
    result="changed ($target now includes $MARIADB_CNF_DIR)"
  fi
  local pair key want got
  for pair in binlog_format=ROW binlog_row_image=FULL binlog_row_metadata=FULL server_id=1 log_bin=mysql-bin; do
    key="${pair%%=*}" want="${pair#*=}"
    got="$(mariadb_effective_option "$key")"
    [[ "$got" == "$want" ]] ||
      die "MariaDB: option files set $key=${got:-<unset>} after $MARIADB_CNF; fix the file that sets it (see: my_print_defaults --mysqld)"
  done
  mkdir -p /var/log/mysql
  chown mysql /var/log/mysql
  step "MariaDB config: $MARIADB_CNF $result"
}

mariadb_pid_file() {
  local p
  p="$(my_print_defaults --mysqld | sed -n 's/^--pid[-_]file=//p' | tail -n 1)"
  echo "${p:-/run/mysqld/mysqld.pid}"
}

mariadb_log_file() {
  local p
  p="$(my_print_defaults --mysqld | sed -n 's/^--log[-_]error=//p' | tail -n 1)"
  echo "${p:-/var/log/mysql/error.log}"
}

mariadb_running() {
  start-stop-daemon --status --pidfile "$(mariadb_pid_file)" --exec "$MARIADBD"
}

mariadb_answers() { # "alive" even when access is denied: this only asks whether the server listens on TCP
  mariadb-admin --no-defaults --protocol=tcp -h 127.0.0.1 -P "$MARIADB_PORT" --connect-timeout=2 ping >/dev/null 2>&1
}

# Runs SQL as the MariaDB root account over the local socket (unix_socket auth as OS root on a fresh Debian).
mariadb_root_sql() {
  mariadb --protocol=socket -uroot -N -B -e "$1"
}

mariadb_live_values() {
  mariadb_root_sql "SELECT CONCAT_WS(' ', CONCAT('server_id=', @@server_id), CONCAT('log_bin=', @@log_bin),
    CONCAT('binlog_format=', @@binlog_format), CONCAT('binlog_row_image=', @@binlog_row_image),
    CONCAT('binlog_row_metadata=', @@binlog_row_metadata), CONCAT('bind_address=', @@bind_address))"
}

mariadb_start() {
  install -d -o mysql -g mysql -m 755 /run/mysqld
  start-stop-daemon --start --quiet --oknodo --background --pidfile "$(mariadb_pid_file)" --exec "$MARIADBD" \
    -- --user=mysql
  local waited=0
  until mariadb_answers; do
    if ((waited >= TIMEOUT)); then
      die "MariaDB did not answer on 127.0.0.1:$MARIADB_PORT within ${TIMEOUT}s; see $(mariadb_log_file)"
    fi
    # A server that died during start-up will not answer: say so now instead of waiting for the timeout.
    if ((waited >= 3)) && ! mariadb_running; then
      die "MariaDB exited during start-up; see $(mariadb_log_file)"
    fi
    sleep 1
    waited=$((waited + 1))
  done
}

mariadb_stop() {
  start-stop-daemon --stop --quiet --pidfile "$(mariadb_pid_file)" --exec "$MARIADBD" --retry TERM/120/KILL/5 ||
    die "MariaDB did not stop within 120s; see $(mariadb_log_file)"
}

ensure_mariadb_running() {
  local live
  if ! mariadb_running; then
    mariadb_start
    step "MariaDB: started"
  else
    live="$(mariadb_live_values)" || die "MariaDB: cannot log in as root over the local socket; see $(mariadb_log_file)"
    if [[ "$live" == "$MARIADB_WANTED" ]]; then
      step "MariaDB: running with CDC settings, not restarted"
      return
    fi
    step "MariaDB: restarting (live: $live)"
    mariadb_stop
    mariadb_start
    step "MariaDB: restarted"
  fi
  live="$(mariadb_live_values)"
  [[ "$live" == "$MARIADB_WANTED" ]] ||
    die "MariaDB: live settings are '$live' after start, wanted '$MARIADB_WANTED'; see $MARIADB_CNF and $(mariadb_log_file)"
}

mariadb_root_tcp_works() {
  mariadb --no-defaults --protocol=tcp -h 127.0.0.1 -P "$MARIADB_PORT" -uroot --password= -N -B \
    -e 'SELECT 1' >/dev/null 2>&1
}

ensure_mariadb_root_over_tcp() {
  if mariadb_root_tcp_works; then
    step "MariaDB: root without password works on 127.0.0.1:$MARIADB_PORT"
    return
  fi
  # Test-only machine: the tests log in as root without a password over TCP. Keep socket auth for local admin.
  mariadb_root_sql "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';
    ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '';
    GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
    ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('');
    FLUSH PRIVILEGES;" || die "MariaDB: could not create root@127.0.0.1 (socket login as root failed)"
  mariadb_root_tcp_works ||
    die "MariaDB: root without password still fails on 127.0.0.1:$MARIADB_PORT; check mysql.global_priv for root"
  step "MariaDB: granted root without password on 127.0.0.1 (test machine only)"
}

# -------------------------------------------------------------------------------------------------------- PostgreSQL
PG_VERSION="" PG_PORT="" PG_DIR="" PG_LOG=""

find_pg_cluster() {
  PG_VERSION="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n | tail -n 1)"
  [[ -n "$PG_VERSION" ]] || die "PostgreSQL: no server under /usr/lib/postgresql; install the postgresql package"
  if ! pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" {found=1} END {exit !found}'; then
    pg_createcluster "$PG_VERSION" main >/dev/null
    step "PostgreSQL: created cluster $PG_VERSION/main"
  fi
  PG_PORT="$(pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" {print $3}')"
  PG_DIR="/etc/postgresql/$PG_VERSION/main"
  PG_LOG="/var/log/postgresql/postgresql-$PG_VERSION-main.log"
  [[ "$PG_PORT" == 5432 ]] ||
    step "PostgreSQL: WARNING cluster $PG_VERSION/main listens on port $PG_PORT; set HSTREAMIO_TEST_POSTGRES_PORT=$PG_PORT"
}

PG_HBA_CHANGED=0

configure_postgres() {
  local conf="$PG_DIR/postgresql.conf" result
  if ! grep -Eq "^[[:space:]]*include_dir[[:space:]]*=[[:space:]]*'conf\.d'" "$conf"; then
    printf "\n# Added by scripts/setup-databases.sh\ninclude_dir = 'conf.d'\n" >>"$conf"
    step "PostgreSQL config: $conf now includes conf.d"
  fi
  result="$(write_if_changed "$PG_DIR/conf.d/$PG_CONF_NAME" "# Written by scripts/setup-databases.sh: settings that change data capture needs.
wal_level = logical
max_wal_senders = $PG_MIN_SENDERS
max_replication_slots = $PG_MIN_SLOTS")"
  chown -R postgres:postgres "$PG_DIR/conf.d"
  step "PostgreSQL config: $PG_DIR/conf.d/$PG_CONF_NAME $result"

  # The first pg_hba line that matches wins: the tests need trust for TCP from 127.0.0.1 (normal and replication).
  local hba="$PG_DIR/pg_hba.conf" first
  first="$(grep -E '^[[:space:]]*host[[:space:]]+all[[:space:]]+(all|postgres)[[:space:]]+127\.0\.0\.1/32' "$hba" |
    head -n 1 | awk '{print $5}' || true)"
  if [[ "$first" == trust ]]; then
    step "PostgreSQL auth: trust for 127.0.0.1 already in $hba"
    return
  fi
  {
    echo "# Added by scripts/setup-databases.sh: tests connect over TCP from 127.0.0.1 without a password."
    echo "host all all 127.0.0.1/32 trust"
    echo "host replication all 127.0.0.1/32 trust"
    cat "$hba"
  } >"$hba.tmp"
  chown postgres:postgres "$hba.tmp"
  chmod 640 "$hba.tmp"
  mv "$hba.tmp" "$hba"
  PG_HBA_CHANGED=1
  step "PostgreSQL auth: added trust for 127.0.0.1 to $hba"
}

pg_running() {
  pg_lsclusters -h | awk -v v="$PG_VERSION" '$1 == v && $2 == "main" && $4 == "online" {found=1} END {exit !found}'
}

pg_sql() { # as the postgres OS user over the local socket (peer or trust auth)
  runuser -u postgres -- psql -p "$PG_PORT" -X -A -t -q -c "$1"
}

pg_settings_ok() {
  local wal senders slots
  wal="$(pg_sql 'SHOW wal_level')" senders="$(pg_sql 'SHOW max_wal_senders')" slots="$(pg_sql 'SHOW max_replication_slots')"
  PG_LIVE="wal_level=$wal max_wal_senders=$senders max_replication_slots=$slots"
  [[ "$wal" == logical && "$senders" =~ ^[0-9]+$ && "$slots" =~ ^[0-9]+$ ]] &&
    ((senders >= PG_MIN_SENDERS && slots >= PG_MIN_SLOTS))
}

pg_ctl() {
  pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main "$1" ||
    die "PostgreSQL $PG_VERSION/main: '$1' failed; see $PG_LOG"
}

pg_wait() {
  local waited=0
  until pg_isready -q -h 127.0.0.1 -p "$PG_PORT" -t 2; do
    ((waited < TIMEOUT)) || die "PostgreSQL did not answer on 127.0.0.1:$PG_PORT within ${TIMEOUT}s; see $PG_LOG"
    sleep 1
    waited=$((waited + 1))
  done
}

ensure_postgres_running() {
  PG_LIVE=""
  if ! pg_running; then
    pg_ctl start
    pg_wait
    step "PostgreSQL: started"
  elif pg_settings_ok; then
    if ((PG_HBA_CHANGED)); then
      pg_ctl reload
      step "PostgreSQL: running with CDC settings, reloaded for pg_hba.conf, not restarted"
    else
      step "PostgreSQL: running with CDC settings, not restarted"
    fi
  else
    step "PostgreSQL: restarting (live: $PG_LIVE)"
    pg_ctl restart
    pg_wait
    step "PostgreSQL: restarted"
  fi
  pg_wait
  pg_settings_ok || die "PostgreSQL: live settings are '$PG_LIVE' after start; see $PG_DIR/conf.d and $PG_LOG"
  psql -X -w -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -A -t -q -c 'SELECT 1' >/dev/null ||
    die "PostgreSQL: user postgres cannot log in over TCP 127.0.0.1:$PG_PORT without a password; see $PG_DIR/pg_hba.conf"
}

# -------------------------------------------------------------------------------------------------------------- main
main() {
  [[ "$(id -u)" == 0 ]] || die "run as root (it installs packages and writes /etc): sudo $0"
  local started=$SECONDS
  install_missing_packages
  configure_mariadb
  ensure_mariadb_running
  ensure_mariadb_root_over_tcp
  find_pg_cluster
  configure_postgres
  ensure_postgres_running
  step "done in $((SECONDS - started))s: MariaDB 127.0.0.1:$MARIADB_PORT (root), PostgreSQL 127.0.0.1:$PG_PORT (postgres), CDC enabled"
}

# Sourcing (for trying single steps) defines the functions without running them.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
