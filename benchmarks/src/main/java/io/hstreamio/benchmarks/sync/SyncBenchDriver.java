package io.hstreamio.benchmarks.sync;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The database side of {@code benchmarks/sync-benchmark.sh}, run beside a live {@code hstream-io sync} that the script
 * started (it passes the sync's pid and start time). Three phases on one sync process:
 * <ol>
 *   <li>snapshot: waits until the target's {@code narrow} and {@code lag_probe} equal the source's;</li>
 *   <li>churn: {@code workers} connections apply {@code changes} inserts/updates/deletes (50/35/15) to {@code narrow}
 *       as fast as they can, in transactions of {@code tx} statements, then the target's catch-up is timed;</li>
 *   <li>lag: rows go into {@code lag_probe} at {@code rate} rows/s for {@code seconds}, {@code created_at = NOW(6)} at
 *       the source and {@code applied_at = clock_timestamp()} (a column added to the target here) in PostgreSQL.</li>
 * </ol>
 * "Equal" is cheap: count, sum of ids and sum of the {@code chk} column, which every insert and update sets anew; the
 * script runs the full {@code hstream-io verify} afterwards. Figures go to stdout as {@code key=value} lines, progress
 * to stderr. Each worker owns the ids congruent to its number, so every statement changes exactly one row and no two
 * workers wait on each other's locks.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.hstreamio.benchmarks.sync.SyncBenchDriver source=JDBC
 * target=JDBC syncPid=N syncStartedMillis=EPOCH_MS rows=N [changes= workers= tx= rate= seconds= tickMillis=
 * pollMillis= timeoutSeconds= stallSeconds= seed=]}
 */
public final class SyncBenchDriver {
    private static final double INSERT_SHARE = 0.50;
    private static final double UPDATE_SHARE = 0.35; // the rest (15%) are deletes

    private final Map<String, String> args;
    private final String sourceUrl;
    private final String targetUrl;
    private final ProcessHandle sync;
    private final long pollMillis;
    private final Duration timeout;
    private final Duration stall;

    private SyncBenchDriver(Map<String, String> args) {
        this.args = args;
        this.sourceUrl = required("source");
        this.targetUrl = required("target");
        long pid = number("syncPid", -1);
        this.sync = ProcessHandle.of(pid).orElseThrow(
                () -> new IllegalArgumentException("syncPid=" + pid + " is no running process: start the sync first"));
        this.pollMillis = number("pollMillis", 100);
        this.timeout = Duration.ofSeconds(number("timeoutSeconds", 300));
        this.stall = Duration.ofSeconds(number("stallSeconds", 90));
    }

    public static void main(String[] argv) {
        Map<String, String> args = new LinkedHashMap<>();
        for (String a : argv) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                System.err.println("error: argument '" + a + "' is not key=value (see SyncBenchDriver's Javadoc)");
                System.exit(2);
            }
            args.put(a.substring(0, eq), a.substring(eq + 1));
        }
        try {
            new SyncBenchDriver(args).run();
        } catch (Exception e) {
            System.err.println("error: " + e.getMessage());
            System.exit(1);
        }
    }

    private void run() throws Exception {
        long rows = number("rows", -1);
        if (rows < 1) {
            throw new IllegalArgumentException("rows=" + rows + ": give the number of rows the script generated");
        }
        try (Connection src = DriverManager.getConnection(sourceUrl);
             Connection dst = DriverManager.getConnection(targetUrl)) {
            snapshot(src, dst, rows);
            churn(src, dst, rows);
            lag(src, dst);
        }
    }

    // ---- phase 1: snapshot -------------------------------------------------------------------------------------

    private void snapshot(Connection src, Connection dst, long rows) throws Exception {
        Digest narrow = digest(src, "narrow");
        if (narrow.count() != rows) {
            throw new IllegalStateException("source narrow holds " + narrow.count() + " rows, not rows=" + rows);
        }
        Digest probe = digest(src, "lag_probe");
        long started = number("syncStartedMillis", System.currentTimeMillis());
        long firstRow = -1;
        Wait wait = new Wait("narrow (snapshot)", narrow);
        log("snapshot: waiting for %,d rows in the target", rows);
        while (true) {
            Optional<Digest> got = targetDigest(dst, "narrow");
            if (firstRow < 0 && got.isPresent() && got.get().count() > 0) {
                firstRow = System.currentTimeMillis();
            }
            if (got.equals(Optional.of(narrow)) && targetDigest(dst, "lag_probe").equals(Optional.of(probe))) {
                break;
            }
            wait.pollAgainOrFail(got);
        }
        long done = System.currentTimeMillis();
        figure("snapshot.rows", rows);
        figure("snapshot.seconds", (done - started) / 1000.0);
        figure("snapshot.seconds_after_first_row", (done - firstRow) / 1000.0);
    }

    // ---- phase 2: churn ----------------------------------------------------------------------------------------

    private record Tally(long inserts, long updates, long deletes, long transactions, long retries) {
        Tally plus(Tally o) {
            return new Tally(inserts + o.inserts, updates + o.updates, deletes + o.deletes,
                    transactions + o.transactions, retries + o.retries);
        }
    }

    private void churn(Connection src, Connection dst, long rows) throws Exception {
        long changes = number("changes", 300_000);
        int workers = (int) number("workers", 2);
        int tx = (int) number("tx", 100);
        long seed = number("seed", 42);
        log("churn: %,d changes from %d connections in transactions of %d statements", changes, workers, tx);
        AtomicInteger threadNo = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers,
                r -> new Thread(r, "syncbench-writer-" + threadNo.getAndIncrement()));
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Tally>> futures = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int worker = w;
            long share = changes / workers + (w < changes % workers ? 1 : 0);
            futures.add(pool.submit(() -> {
                go.await();
                return churnWorker(worker, workers, share, tx, rows, seed);
            }));
        }
        long start = System.nanoTime();
        go.countDown();
        Tally total = new Tally(0, 0, 0, 0, 0);
        try {
            for (Future<Tally> f : futures) {
                total = total.plus(f.get());
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("churn writer failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        long writerEnd = System.nanoTime();
        Digest expected = digest(src, "narrow");
        log("churn: writer done in %.1f s; waiting for the target (source now %,d rows)",
                (writerEnd - start) / 1e9, expected.count());
        long equal = awaitEqual(dst, "narrow", expected);
        figure("churn.changes", changes);
        figure("churn.inserts", total.inserts());
        figure("churn.updates", total.updates());
        figure("churn.deletes", total.deletes());
        figure("churn.transactions", total.transactions());
        figure("churn.retries", total.retries());
        figure("churn.final_rows", expected.count());
        figure("churn.writer_seconds", (writerEnd - start) / 1e9);
        figure("churn.catchup_seconds", (equal - start) / 1e9);
        figure("churn.drain_seconds", (equal - writerEnd) / 1e9);
    }

    /** One change planned before it runs, so that a transaction retried after a lock conflict repeats itself exactly. */
    private record Op(char kind, long id, int qty, long priceCents, int chk) {}

    private Tally churnWorker(int worker, int workers, long statements, int tx, long rows, long seed)
            throws SQLException {
        SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + worker);
        LiveIds live = new LiveIds();
        for (long id = firstOwned(worker, workers, 1); id <= rows; id += workers) {
            live.add(id);
        }
        long nextId = firstOwned(worker, workers, rows + 1);
        long inserts = 0;
        long updates = 0;
        long deletes = 0;
        long transactions = 0;
        long retries = 0;
        try (Connection c = DriverManager.getConnection(sourceUrl);
             PreparedStatement ins = c.prepareStatement("INSERT INTO narrow (id, qty, price, name, updated_at, chk) "
                     + "VALUES (?, ?, ?, ?, NOW(6), ?)");
             PreparedStatement upd = c.prepareStatement("UPDATE narrow SET qty = ?, price = ?, name = ?, "
                     + "updated_at = NOW(6), chk = ? WHERE id = ?");
             PreparedStatement del = c.prepareStatement("DELETE FROM narrow WHERE id = ?")) {
            // READ COMMITTED: no gap locks, so two writers inserting at the end of the key range do not serialize.
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            c.setAutoCommit(false);
            List<Op> ops = new ArrayList<>(tx);
            for (long done = 0; done < statements; done += ops.size()) {
                ops.clear();
                int n = (int) Math.min(tx, statements - done);
                for (int i = 0; i < n; i++) {
                    double p = rnd.nextDouble();
                    int qty = rnd.nextInt(1_000_000);
                    long cents = rnd.nextLong(10_000_000_000L);
                    int chk = rnd.nextInt(Integer.MAX_VALUE);
                    if (p < INSERT_SHARE || live.isEmpty()) {
                        ops.add(new Op('I', nextId, qty, cents, chk));
                        live.add(nextId);
                        nextId += workers;
                        inserts++;
                    } else if (p < INSERT_SHARE + UPDATE_SHARE) {
                        ops.add(new Op('U', live.random(rnd), qty, cents, chk));
                        updates++;
                    } else {
                        ops.add(new Op('D', live.removeRandom(rnd), 0, 0, 0));
                        deletes++;
                    }
                }
                for (int attempt = 1; ; attempt++) {
                    try {
                        apply(ops, ins, upd, del);
                        c.commit();
                        break;
                    } catch (SQLException e) {
                        c.rollback();
                        ins.clearBatch();
                        upd.clearBatch();
                        del.clearBatch();
                        boolean lockConflict = "40001".equals(e.getSQLState()) || e.getErrorCode() == 1213
                                || e.getErrorCode() == 1205;
                        if (!lockConflict || attempt == 5) {
                            throw e;
                        }
                        retries++;
                    }
                }
                transactions++;
            }
        }
        return new Tally(inserts, updates, deletes, transactions, retries);
    }

    /**
     * Sends a transaction's statements as three JDBC batches, inserts, then updates, then deletes: one round trip each
     * instead of one per statement, so that the writer outruns the sync. Each id keeps its order: ids are never
     * reused, so within a transaction an id is inserted before it is updated and updated before it is deleted.
     */
    private static void apply(List<Op> ops, PreparedStatement ins, PreparedStatement upd, PreparedStatement del)
            throws SQLException {
        for (Op op : ops) {
            BigDecimal price = BigDecimal.valueOf(op.priceCents(), 2);
            String name = "n-" + Integer.toString(op.chk(), 36);
            switch (op.kind()) {
                case 'I' -> {
                    ins.setLong(1, op.id());
                    ins.setInt(2, op.qty());
                    ins.setBigDecimal(3, price);
                    ins.setString(4, name);
                    ins.setInt(5, op.chk());
                    ins.addBatch();
                }
                case 'U' -> {
                    upd.setInt(1, op.qty());
                    upd.setBigDecimal(2, price);
                    upd.setString(3, name);
                    upd.setInt(4, op.chk());
                    upd.setLong(5, op.id());
                    upd.addBatch();
                }
                default -> {
                    del.setLong(1, op.id());
                    del.addBatch();
                }
            }
        }
        String[] kinds = {"an INSERT", "an UPDATE", "a DELETE"};
        List<PreparedStatement> batches = List.of(ins, upd, del);
        for (int b = 0; b < batches.size(); b++) {
            for (int n : batches.get(b).executeBatch()) {
                if (n != 1) {
                    throw new IllegalStateException(kinds[b] + " of narrow changed " + n + " rows, not 1: another "
                            + "writer touched this database; rerun the benchmark on fresh databases");
                }
            }
        }
    }

    /** The smallest id at or above {@code from} that worker {@code worker} of {@code workers} owns. */
    private static long firstOwned(int worker, int workers, long from) {
        long r = Math.floorMod(from, workers);
        return from + Math.floorMod(worker - r, workers);
    }

    /** The ids a worker may update or delete: picks and removes at random in O(1). */
    private static final class LiveIds {
        private long[] ids = new long[1024];
        private int size;

        void add(long id) {
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
            }
            ids[size++] = id;
        }

        boolean isEmpty() {
            return size == 0;
        }

        long random(SplittableRandom rnd) {
            return ids[rnd.nextInt(size)];
        }

        long removeRandom(SplittableRandom rnd) {
            int i = rnd.nextInt(size);
            long id = ids[i];
            ids[i] = ids[--size];
            return id;
        }
    }

    // ---- phase 3: lag at a fixed rate --------------------------------------------------------------------------

    private void lag(Connection src, Connection dst) throws Exception {
        long rate = number("rate", 2000);
        long seconds = number("seconds", 30);
        long tickMillis = number("tickMillis", 10);
        long seed = number("seed", 42);
        try (Statement st = dst.createStatement()) {
            // Added after the sink created the table: the sink names its columns, so this one takes its default.
            st.execute("ALTER TABLE lag_probe ADD COLUMN applied_at timestamptz DEFAULT clock_timestamp()");
        }
        log("lag: %,d rows/s for %d s in ticks of %d ms", rate, seconds, tickMillis);
        SplittableRandom rnd = new SplittableRandom(seed);
        long ticks = seconds * 1000 / tickMillis;
        long written = 0;
        long worstBehindNanos = 0;
        Map<Integer, PreparedStatement> bySize = new LinkedHashMap<>();
        long start;
        long end;
        try (Connection c = DriverManager.getConnection(sourceUrl)) {
            try (Statement st = c.createStatement()) {
                // created_at in UTC, so that PostgreSQL reads it back as an instant without guessing a zone.
                st.execute("SET time_zone = '+00:00'");
            }
            start = System.nanoTime();
            for (long k = 0; k < ticks; k++) {
                long due = start + TimeUnit.MILLISECONDS.toNanos(k * tickMillis);
                long now = System.nanoTime();
                if (due > now) {
                    LockSupport.parkNanos(due - now); // pacing the writer, not waiting for a condition
                } else {
                    worstBehindNanos = Math.max(worstBehindNanos, now - due);
                }
                // Rows due by the end of this tick, so that any rate spreads evenly over the ticks.
                int n = (int) ((k + 1) * rate * tickMillis / 1000 - written);
                if (n == 0) {
                    continue;
                }
                PreparedStatement ps = bySize.computeIfAbsent(n, size -> prepareProbeInsert(c, size));
                for (int i = 0; i < n; i++) {
                    ps.setLong(2 * i + 1, written + i + 1);
                    ps.setInt(2 * i + 2, rnd.nextInt(Integer.MAX_VALUE));
                }
                if (ps.executeUpdate() != n) {
                    throw new IllegalStateException("lag_probe insert of " + n + " rows did not insert them all");
                }
                written += n;
            }
            end = System.nanoTime();
            for (PreparedStatement ps : bySize.values()) {
                ps.close();
            }
        }
        Digest expected = digest(src, "lag_probe");
        long equal = awaitEqual(dst, "lag_probe", expected);
        figure("lag.rows", written);
        figure("lag.rate_achieved", written / ((end - start) / 1e9));
        figure("lag.writer_worst_behind_ms", worstBehindNanos / 1e6);
        figure("lag.drain_seconds", (equal - end) / 1e9);
        String sql = "SELECT count(*), count(applied_at), min(ms), "
                + "percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), percentile_cont(0.99) WITHIN GROUP (ORDER BY ms), "
                + "max(ms), avg(ms) FROM (SELECT applied_at, EXTRACT(EPOCH FROM applied_at - "
                + "(created_at AT TIME ZONE 'UTC')) * 1000 AS ms FROM lag_probe WHERE id > 0) d";
        try (Statement st = dst.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            if (rs.getLong(1) != written || rs.getLong(2) != written) {
                throw new IllegalStateException("target lag_probe holds " + rs.getLong(1) + " probe rows ("
                        + rs.getLong(2) + " with applied_at), the writer wrote " + written);
            }
            figure("lag.min_ms", rs.getDouble(3));
            figure("lag.p50_ms", rs.getDouble(4));
            figure("lag.p99_ms", rs.getDouble(5));
            figure("lag.max_ms", rs.getDouble(6));
            figure("lag.avg_ms", rs.getDouble(7));
        }
    }

    private static PreparedStatement prepareProbeInsert(Connection c, int rows) {
        StringBuilder sql = new StringBuilder("INSERT INTO lag_probe (id, chk, created_at) VALUES ");
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "" : ", ").append("(?, ?, NOW(6))");
        }
        try {
            return c.prepareStatement(sql.toString());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the lag_probe insert: " + e.getMessage(), e);
        }
    }

    // ---- equality --------------------------------------------------------------------------------------------

    /** What "the target equals the source" is checked by while sync runs; the full verify comes afterwards. */
    private record Digest(long count, BigInteger sumId, BigInteger sumChk) {
        @Override
        public String toString() {
            return "count " + count + ", sum(id) " + sumId + ", sum(chk) " + sumChk;
        }
    }

    private static Digest digest(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*), COALESCE(SUM(id), 0), COALESCE(SUM(chk), 0) FROM "
                     + table)) {
            rs.next();
            return new Digest(rs.getLong(1), rs.getBigDecimal(2).toBigIntegerExact(),
                    rs.getBigDecimal(3).toBigIntegerExact());
        }
    }

    /** Empty while the sink has not created the table yet. */
    private static Optional<Digest> targetDigest(Connection c, String table) throws SQLException {
        try {
            return Optional.of(digest(c, table));
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) { // undefined_table
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Polls the target until it equals {@code expected}; returns System.nanoTime() of the first equal reading. */
    private long awaitEqual(Connection dst, String table, Digest expected) throws Exception {
        Wait wait = new Wait(table, expected);
        while (true) {
            Optional<Digest> got = targetDigest(dst, table);
            if (got.equals(Optional.of(expected))) {
                return System.nanoTime();
            }
            wait.pollAgainOrFail(got);
        }
    }

    /**
     * One wait for the target: fails when the sync process is gone, when the target has not changed for
     * {@code stall} (a sync that runs but applies nothing), or after {@code timeout} in all.
     */
    private final class Wait {
        private final String what;
        private final Digest expected;
        private final long deadline = System.nanoTime() + timeout.toNanos();
        private Optional<Digest> last = Optional.empty();
        private long lastChange = System.nanoTime();

        Wait(String what, Digest expected) {
            this.what = what;
            this.expected = expected;
        }

        void pollAgainOrFail(Optional<Digest> got) {
            long now = System.nanoTime();
            if (!got.equals(last)) {
                last = got;
                lastChange = now;
            }
            String holds = got.map(Digest::toString).orElse("no table");
            if (!sync.isAlive()) {
                throw new IllegalStateException("sync (pid " + sync.pid() + ") exited while waiting for " + what
                        + "; its log is printed below");
            }
            if (now - lastChange > stall.toNanos()) {
                throw new IllegalStateException("target " + what + " has not changed for " + stall.toSeconds()
                        + " s (" + holds + "; the source " + expected + ") while sync runs: it stalled (see its log; "
                        + "HSTREAM_IO_LOG_LEVEL=INFO shows more)");
            }
            if (now > deadline) {
                throw new IllegalStateException("target " + what + " still holds " + holds + " after "
                        + timeout.toSeconds() + " s, the source " + expected
                        + ": sync did not catch up (raise CATCHUP_TIMEOUT if it is only slow)");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pollMillis));
        }
    }

    // ---- arguments and output ----------------------------------------------------------------------------------

    private String required(String key) {
        String v = args.get(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("argument " + key + "= is missing");
        }
        return v;
    }

    private long number(String key, long def) {
        String v = args.get(key);
        if (v == null) {
            return def;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("argument " + key + "=" + v + " is not a whole number");
        }
    }

    private static void figure(String key, double value) {
        System.out.println(key + "=" + String.format(Locale.ROOT, "%.3f", value));
        System.out.flush();
    }

    private static void figure(String key, long value) {
        System.out.println(key + "=" + value);
        System.out.flush();
    }

    private static void log(String format, Object... a) {
        System.err.println(String.format(Locale.ROOT, format, a));
    }
}
