package io.hstreamio.runtime.cli;

import io.hstreamio.core.codec.ChangeEventCodec;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ChangeType;
import io.hstreamio.core.runner.StreamCodecs;
import io.hstreamio.core.runner.TaskStates;
import io.hstreamio.core.store.ReceivedRecord;
import io.hstreamio.core.store.ShardInfo;
import io.hstreamio.core.store.ShardReader;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.embedded.EmbeddedStreamStore;
import io.hstreamio.core.testing.DatabaseEngine;
import io.hstreamio.core.testing.TestDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the {@code sync} ITs share: three source tables (a composite key, a string key, a numeric key), a writer that
 * inserts, updates, deletes and re-keys rows inside the key ranges the snapshot chunks read, a row-by-row,
 * value-by-value comparison of source and target, and a look into the job's stream after it stopped.
 */
final class SyncTables {
    private SyncTables() {}

    enum Kind { LONG, DECIMAL, STRING, TIMESTAMP, BYTES, DOUBLE }

    record Column(String name, Kind kind) {}

    /** A table: its columns, the first {@code keyColumns} of which are its primary key. */
    record Table(String name, List<Column> columns, int keyColumns) {
        String select() {
            return "SELECT " + String.join(", ", columns.stream().map(Column::name).toList()) + " FROM " + name;
        }
    }

    static final Table ORDERS = new Table("orders", List.of(new Column("region", Kind.LONG),
            new Column("order_no", Kind.LONG), new Column("amount", Kind.DECIMAL), new Column("note", Kind.STRING),
            new Column("updated", Kind.TIMESTAMP), new Column("v", Kind.LONG)), 2);
    static final Table ACCOUNTS = new Table("accounts", List.of(new Column("code", Kind.STRING),
            new Column("balance", Kind.LONG), new Column("label", Kind.STRING), new Column("data", Kind.BYTES),
            new Column("v", Kind.LONG)), 1);
    static final Table ITEMS = new Table("items", List.of(new Column("id", Kind.LONG), new Column("qty", Kind.LONG),
            new Column("price", Kind.DOUBLE), new Column("v", Kind.LONG)), 1);
    static final List<Table> ALL = List.of(ORDERS, ACCOUNTS, ITEMS);

    /** Rows seeded per table. Keys leave gaps (orders and accounts every other value, items two in three). */
    record Sizes(int orders, int accounts, int items) {
        int total() {
            return orders + accounts + items;
        }
    }

    /** A URL for {@code --from}/{@code --to}. */
    static String url(TestDatabase db) {
        String scheme = db.engine() == DatabaseEngine.POSTGRES ? "postgresql" : "mariadb";
        String password = db.password() == null || db.password().isEmpty() ? ""
                : ":" + URLEncoder.encode(db.password(), StandardCharsets.UTF_8);
        return scheme + "://" + URLEncoder.encode(db.user(), StandardCharsets.UTF_8) + password + "@" + db.host()
                + ":" + db.port() + "/" + db.name();
    }

    /** Creates and fills the three tables. */
    static void create(TestDatabase db, Sizes sizes) throws SQLException {
        if (db.engine() == DatabaseEngine.POSTGRES) {
            db.execute("CREATE TABLE orders (region integer NOT NULL, order_no bigint NOT NULL,"
                            + " amount numeric(12,2) NOT NULL, note text, updated timestamp(6), v integer NOT NULL,"
                            + " PRIMARY KEY (region, order_no))",
                    // Every 25th note is 3,200 bytes stored out of line (EXTERNAL: no compression), so an UPDATE that
                    // leaves it alone logs it as an unchanged TOAST value. Only REPLICA IDENTITY FULL puts the
                    // value into the change event (from the old row); without it the source stops on such an update.
                    "ALTER TABLE orders ALTER COLUMN note SET STORAGE EXTERNAL",
                    "ALTER TABLE orders REPLICA IDENTITY FULL",
                    "CREATE TABLE accounts (code varchar(40) NOT NULL PRIMARY KEY, balance bigint NOT NULL,"
                            + " label varchar(100), data bytea, v integer NOT NULL)",
                    "CREATE TABLE items (id bigint NOT NULL PRIMARY KEY, qty integer NOT NULL,"
                            + " price double precision, v integer NOT NULL)",
                    "INSERT INTO orders SELECT 1 + n % 4, 2 * n, round(n / 7.0, 2), CASE WHEN n % 25 = 0"
                            + " THEN repeat(md5(n::text), 100) ELSE 'note ' || n END, timestamp '2024-01-01'"
                            + " + n * interval '1 second' + n * interval '1 microsecond', 1"
                            + " FROM generate_series(1, " + sizes.orders() + ") AS g(n)",
                    "INSERT INTO accounts SELECT 'acct-' || lpad((2 * n)::text, 7, '0'), n * 7, 'label ' || n,"
                            + " decode(md5(n::text), 'hex'), 1 FROM generate_series(1, " + sizes.accounts()
                            + ") AS g(n)",
                    "INSERT INTO items SELECT 3 * n, n % 100, n * 0.125, 1 FROM generate_series(1, "
                            + sizes.items() + ") AS g(n)",
                    "ANALYZE orders", "ANALYZE accounts", "ANALYZE items");
        } else {
            db.execute("CREATE TABLE orders (region INT NOT NULL, order_no BIGINT NOT NULL,"
                            + " amount DECIMAL(12,2) NOT NULL, note TEXT, updated DATETIME(6), v INT NOT NULL,"
                            + " PRIMARY KEY (region, order_no))",
                    "CREATE TABLE accounts (code VARCHAR(40) NOT NULL PRIMARY KEY, balance BIGINT NOT NULL,"
                            + " label VARCHAR(100), data VARBINARY(64), v INT NOT NULL)",
                    "CREATE TABLE items (id BIGINT NOT NULL PRIMARY KEY, qty INT NOT NULL, price DOUBLE,"
                            + " v INT NOT NULL)",
                    "INSERT INTO orders SELECT 1 + seq % 4, 2 * seq, ROUND(seq / 7, 2), CASE WHEN seq % 25 = 0"
                            + " THEN REPEAT(MD5(seq), 100) ELSE CONCAT('note ', seq) END, TIMESTAMP('2024-01-01')"
                            + " + INTERVAL seq SECOND + INTERVAL seq MICROSECOND, 1 FROM seq_1_to_" + sizes.orders(),
                    "INSERT INTO accounts SELECT CONCAT('acct-', LPAD(2 * seq, 7, '0')), seq * 7,"
                            + " CONCAT('label ', seq), UNHEX(MD5(seq)), 1 FROM seq_1_to_" + sizes.accounts(),
                    "INSERT INTO items SELECT 3 * seq, seq % 100, seq * 0.125, 1 FROM seq_1_to_" + sizes.items());
        }
    }

    // ---------------------------------------------------------------- comparison

    /** Every row of {@code table}, by key; empty while the table does not exist (the sink creates it). */
    static Map<String, List<Object>> rows(TestDatabase db, Table table) throws SQLException {
        Map<String, List<Object>> out = new TreeMap<>();
        try (Connection c = db.open(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(table.select())) {
            while (rs.next()) {
                List<Object> row = new ArrayList<>(table.columns().size());
                for (int i = 0; i < table.columns().size(); i++) {
                    row.add(value(rs, i + 1, table.columns().get(i).kind()));
                }
                out.put(row.subList(0, table.keyColumns()).toString(), row);
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState()) || e.getErrorCode() == 1146) {
                return out; // no such table yet
            }
            throw e;
        }
        return out;
    }

    /** Values in Java types that compare exactly across MariaDB and PostgreSQL. */
    private static Object value(ResultSet rs, int i, Kind kind) throws SQLException {
        Object v = switch (kind) {
            case LONG -> rs.getLong(i);
            case DECIMAL -> rs.getBigDecimal(i) == null ? null : rs.getBigDecimal(i).toPlainString();
            case STRING -> rs.getString(i);
            case TIMESTAMP -> rs.getObject(i, LocalDateTime.class);
            case BYTES -> rs.getBytes(i) == null ? null : HexFormat.of().formatHex(rs.getBytes(i));
            case DOUBLE -> rs.getDouble(i);
        };
        return rs.wasNull() ? null : v;
    }

    /**
     * Every table's rows compared key by key and value by value: empty when equal, else a line per table that differs
     * and the first differing keys with both sides.
     */
    static List<String> differences(TestDatabase source, TestDatabase target) throws SQLException {
        List<String> out = new ArrayList<>();
        for (Table t : ALL) {
            Map<String, List<Object>> expected = rows(source, t);
            Map<String, List<Object>> actual = rows(target, t);
            TreeSet<String> keys = new TreeSet<>(expected.keySet());
            keys.addAll(actual.keySet());
            List<String> differing = keys.stream().filter(k -> !Objects.equals(expected.get(k), actual.get(k)))
                    .toList();
            if (differing.isEmpty()) {
                continue;
            }
            out.add(t.name() + ": " + differing.size() + " of " + keys.size() + " keys differ (source " + expected.size()
                    + " rows, target " + actual.size() + ")");
            for (String k : differing.subList(0, Math.min(10, differing.size()))) {
                out.add("  " + t.name() + " " + k + ": source " + shortly(expected.get(k)) + ", target "
                        + shortly(actual.get(k)));
            }
        }
        return out;
    }

    private static String shortly(List<Object> row) {
        if (row == null) {
            return "(none)";
        }
        return row.stream().map(v -> {
            String s = String.valueOf(v);
            return s.length() > 40 ? s.substring(0, 20) + "…(" + s.length() + " chars)" : s;
        }).toList().toString();
    }

    /** Rows in the three tables together; a table not created yet counts none. */
    static long rowCount(TestDatabase db) throws SQLException {
        long n = 0;
        try (Connection c = db.open(); Statement s = c.createStatement()) {
            for (Table t : ALL) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + t.name())) {
                    rs.next();
                    n += rs.getLong(1);
                } catch (SQLException e) {
                    if (!"42P01".equals(e.getSQLState()) && e.getErrorCode() != 1146) {
                        throw e;
                    }
                }
            }
        }
        return n;
    }

    /** {@code -Dhstreamio.seed=<seed>} replays a writer's statements (as RandomCases does); else a fresh seed. */
    static long seed() {
        String fixed = System.getProperty("hstreamio.seed");
        return fixed != null ? Long.parseLong(fixed) : System.nanoTime();
    }

    // ---------------------------------------------------------------- the job's stream, read after it stopped

    /**
     * What the stream of job {@code name} holds: snapshot rows, change events, how many changes lie between the
     * first and the last snapshot row (written while the snapshot ran), and whether the source recorded the hand-off
     * as complete.
     */
    record StreamSummary(long reads, long changes, long changesDuringSnapshot, boolean handOffComplete) {}

    static StreamSummary summary(Path dataDir, String name) throws InterruptedException {
        try (StreamStore store = EmbeddedStreamStore.open(dataDir)) {
            // SnapshotHandOff.STATE_KEY in the source task's state; cdc-sources keeps that class internal.
            boolean complete = store.keyValueStore(TaskStates.namespace(name + "-source")).get("handoff.state")
                    .map(v -> "complete".equals(new String(v, StandardCharsets.UTF_8))).orElse(false);
            List<ChangeType> types = new ArrayList<>();
            ChangeEventCodec codec = StreamCodecs.binary(store);
            for (ShardInfo shard : store.findStream(name).orElseThrow().shards()) {
                try (ShardReader reader = store.openShardReader(name, shard.shardId(), null)) {
                    List<ReceivedRecord> batch;
                    while (!(batch = reader.read(10_000, 0)).isEmpty()) {
                        for (ReceivedRecord r : batch) {
                            types.add(codec.decode(r.record().payload()).type());
                        }
                    }
                }
            }
            int first = types.indexOf(ChangeType.READ);
            int last = types.lastIndexOf(ChangeType.READ);
            long reads = types.stream().filter(t -> t == ChangeType.READ).count();
            long changes = types.stream().filter(SyncTables::isChange).count();
            long during = first < 0 ? 0 : types.subList(first, last + 1).stream().filter(SyncTables::isChange).count();
            return new StreamSummary(reads, changes, during, complete);
        }
    }

    private static boolean isChange(ChangeType t) {
        return t == ChangeType.INSERT || t == ChangeType.UPDATE || t == ChangeType.DELETE;
    }

    // ---------------------------------------------------------------- the writer

    /**
     * Writes random transactions of one to four statements until {@link #stop}: updates (some leave the long note
     * alone), upserts into the key gaps, deletes, primary-key changes (into a gap, which may collide and roll the
     * transaction back, or to a fresh key) and fresh inserts, on keys spread over the seeded ranges, so that they fall
     * inside chunks while those are read. Seeded; {@code pause} between transactions paces it (zero: flat out).
     */
    static final class Writer implements Runnable {
        private final TestDatabase db;
        private final Sizes sizes;
        private final long seed;
        private final Duration pause;
        private final boolean pg;
        private volatile boolean stop;
        private volatile Throwable failure;
        final AtomicLong statements = new AtomicLong();
        final AtomicLong commits = new AtomicLong();
        final AtomicLong rollbacks = new AtomicLong();
        private long fresh;

        Writer(TestDatabase db, Sizes sizes, long seed, Duration pause) {
            this.db = db;
            this.sizes = sizes;
            this.seed = seed;
            this.pause = pause;
            this.pg = db.engine() == DatabaseEngine.POSTGRES;
        }

        void stop() {
            stop = true;
        }

        Throwable failure() {
            return failure;
        }

        @Override
        public String toString() {
            return statements + " statements in " + commits + " commits, " + rollbacks + " rolled back (key clash)";
        }

        @Override
        public void run() {
            Random random = new Random(seed);
            try (Connection c = db.open()) {
                c.setAutoCommit(false);
                while (!stop) {
                    try {
                        for (int n = 1 + random.nextInt(4); n > 0; n--) {
                            statement(c, random);
                            statements.incrementAndGet();
                        }
                        c.commit();
                        commits.incrementAndGet();
                    } catch (SQLException e) {
                        if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
                            throw e;
                        }
                        c.rollback(); // a key change or insert hit an existing key
                        rollbacks.incrementAndGet();
                    }
                    if (!pause.isZero()) {
                        Thread.sleep(pause.toMillis()); // pacing, so that changes keep coming throughout
                    }
                }
            } catch (Throwable t) {
                failure = t;
            }
        }

        private void statement(Connection c, Random r) throws SQLException {
            int table = r.nextInt(10);
            int op = r.nextInt(100);
            if (table < 5) {
                orders(c, r, op);
            } else if (table < 8) {
                accounts(c, r, op);
            } else {
                items(c, r, op);
            }
        }

        private void orders(Connection c, Random r, int op) throws SQLException {
            long n = 1 + r.nextInt(sizes.orders());
            int region = (int) (1 + n % 4);
            if (op < 45) {
                if (op < 9) {
                    run(c, "UPDATE orders SET amount = amount + ?, updated = ?, note = ?, v = v + 1"
                            + " WHERE region = ? AND order_no = ?", amount(r), time(r), note(r), region, 2 * n);
                } else { // most updates leave the (possibly out-of-line) note as it is
                    run(c, "UPDATE orders SET amount = amount + ?, updated = ?, v = v + 1"
                            + " WHERE region = ? AND order_no = ?", amount(r), time(r), region, 2 * n);
                }
            } else if (op < 65) {
                run(c, "INSERT INTO orders (region, order_no, amount, note, updated, v) VALUES (?, ?, ?, ?, ?, 1) "
                        + upsert("region, order_no", "orders"), region, 2 * n + 1, amount(r), note(r), time(r));
            } else if (op < 77) {
                run(c, "DELETE FROM orders WHERE region = ? AND order_no = ?", region, 2 * n);
            } else if (op < 90) {
                long m = 1 + r.nextInt(sizes.orders());
                boolean gap = r.nextBoolean();
                run(c, "UPDATE orders SET region = ?, order_no = ?, v = v + 1 WHERE region = ? AND order_no = ?",
                        gap ? (int) (1 + m % 4) : region, gap ? 2 * m + 1 : 10L * sizes.orders() + ++fresh,
                        region, 2 * n);
            } else {
                run(c, "INSERT INTO orders (region, order_no, amount, note, updated, v) VALUES (?, ?, ?, ?, ?, 1)",
                        region, 10L * sizes.orders() + ++fresh, amount(r), note(r), time(r));
            }
        }

        private void accounts(Connection c, Random r, int op) throws SQLException {
            long n = 1 + r.nextInt(sizes.accounts());
            String key = code(2 * n);
            if (op < 45) {
                run(c, "UPDATE accounts SET balance = balance + ?, label = ?, data = ?, v = v + 1 WHERE code = ?",
                        (long) r.nextInt(1000) - 500, "label " + r.nextInt(), r.nextInt(5) == 0 ? null : bytes(r),
                        key);
            } else if (op < 65) {
                run(c, "INSERT INTO accounts (code, balance, label, data, v) VALUES (?, ?, ?, ?, 1) "
                        + upsert("code", "accounts"), code(2 * n + 1), (long) r.nextInt(), "gap", bytes(r));
            } else if (op < 77) {
                run(c, "DELETE FROM accounts WHERE code = ?", key);
            } else if (op < 90) {
                // The new key sorts right after the old one (a fresh suffix), or into the gap after it.
                String to = r.nextBoolean() ? code(2 * n + 1) : key + "z" + ++fresh;
                run(c, "UPDATE accounts SET code = ?, v = v + 1 WHERE code = ?", to, key);
            } else {
                run(c, "INSERT INTO accounts (code, balance, label, data, v) VALUES (?, ?, ?, ?, 1)",
                        key + "n" + ++fresh, (long) r.nextInt(), "new", bytes(r));
            }
        }

        private void items(Connection c, Random r, int op) throws SQLException {
            long n = 1 + r.nextInt(sizes.items());
            if (op < 45) {
                run(c, "UPDATE items SET qty = ?, price = ?, v = v + 1 WHERE id = ?", r.nextInt(1000), price(r),
                        3 * n);
            } else if (op < 65) {
                run(c, "INSERT INTO items (id, qty, price, v) VALUES (?, ?, ?, 1) " + upsert("id", "items"),
                        3 * n + 1, r.nextInt(1000), price(r));
            } else if (op < 77) {
                run(c, "DELETE FROM items WHERE id = ?", 3 * n);
            } else if (op < 90) {
                run(c, "UPDATE items SET id = ?, v = v + 1 WHERE id = ?",
                        r.nextBoolean() ? 3 * n + 2 : 10L * sizes.items() + ++fresh, 3 * n);
            } else {
                run(c, "INSERT INTO items (id, qty, price, v) VALUES (?, ?, ?, 1)", 10L * sizes.items() + ++fresh,
                        r.nextInt(1000), r.nextInt(5) == 0 ? null : price(r));
            }
        }

        /** An upsert tail: a repeated key counts as an update of the row. */
        private String upsert(String key, String table) {
            return pg ? "ON CONFLICT (" + key + ") DO UPDATE SET v = " + table + ".v + 1"
                    : "ON DUPLICATE KEY UPDATE v = v + 1";
        }

        private static void run(Connection c, String sql, Object... parameters) throws SQLException {
            try (PreparedStatement p = c.prepareStatement(sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    Object v = parameters[i];
                    if (v instanceof byte[] b) {
                        p.setBytes(i + 1, b);
                    } else if (v instanceof LocalDateTime t) {
                        p.setObject(i + 1, t);
                    } else {
                        p.setObject(i + 1, v);
                    }
                }
                p.executeUpdate();
            }
        }

        private static java.math.BigDecimal amount(Random r) {
            return java.math.BigDecimal.valueOf(r.nextInt(100_000) - 50_000, 2);
        }

        /** Wall-clock times with microseconds, as DATETIME(6) and timestamp(6) keep them. */
        private static LocalDateTime time(Random r) {
            return LocalDateTime.of(2020, 1, 1, 0, 0).plusSeconds(r.nextInt(200_000_000))
                    .plusNanos(r.nextInt(1_000_000) * 1_000L);
        }

        /** Mostly short, sometimes 3,200 characters (stored out of line in PostgreSQL), sometimes NULL. */
        private static String note(Random r) {
            int kind = r.nextInt(10);
            if (kind == 0) {
                return null;
            }
            if (kind == 1) {
                return String.format("%016x", r.nextLong()).repeat(200);
            }
            return "note " + r.nextInt() + (kind == 2 ? " ünïcødé 😀" : "");
        }

        private static byte[] bytes(Random r) {
            byte[] b = new byte[1 + r.nextInt(64)];
            r.nextBytes(b);
            return b;
        }

        /** Eighths: exact in binary, and printed in full by both servers. */
        private static double price(Random r) {
            return r.nextInt(8_000_000) / 8.0;
        }

        private static String code(long n) {
            return String.format("acct-%07d", n);
        }
    }
}
