package io.hstreamio.runtime.cli;

import io.hstreamio.core.runner.LocalPipeline;
import io.hstreamio.snapshot.DatabaseUrl;
import io.hstreamio.snapshot.SnapshotReader;
import io.hstreamio.snapshot.Verifier;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The shop demo: a sample shop database in MariaDB/MySQL (customers, products, orders, order items; many types)
 * kept in sync into PostgreSQL by the same pipeline as {@code sync}, while a writer changes it live; then the target
 * is verified against the source chunk by chunk. Starts from scratch each time: it drops and recreates both demo
 * databases.
 */
final class ShopDemo {
    private static final String[] TIERS = {"basic", "silver", "gold"};
    private static final String[] STATUSES = {"new", "paid", "shipped", "cancelled"};
    private static final String[] NAMES = {"Ada", "Grace", "Linus", "Zoë", "José", "Ñandú", "Li Wei", "Ōtani",
        "Amélie", "Björk", "Renée 🌟", "Σωκράτης"};

    private final DatabaseUrl source;
    private final DatabaseUrl target;
    private final Path dataDir;
    private final int customers;
    private final int orders;
    private final Duration duration;
    private final int rate;
    private final PrintWriter out;
    private final LiveProgress progress;

    ShopDemo(DatabaseUrl source, DatabaseUrl target, Path dataDir, int orders, Duration duration, int rate,
            PrintWriter out) {
        this(source, target, dataDir, orders, duration, rate, out, LiveProgress.lines(out));
    }

    /** @param progress the sync's progress; the demo's own lines are printed above its bars */
    ShopDemo(DatabaseUrl source, DatabaseUrl target, Path dataDir, int orders, Duration duration, int rate,
            PrintWriter out, LiveProgress progress) {
        this.progress = progress;
        this.source = source;
        this.target = target;
        this.dataDir = dataDir;
        this.orders = orders;
        this.customers = Math.max(100, orders / 20);
        this.duration = duration;
        this.rate = rate;
        this.out = progress.above(out);
    }

    /**
     * Null when both servers answer and the source can be captured; else one line naming what is missing. A server
     * that runs without what CDC needs (a freshly installed MariaDB has no binary log) counts as missing, so that the
     * demo says so and falls back, rather than failing in the sync's own check.
     */
    static String missing(DatabaseUrl source, DatabaseUrl target) {
        for (DatabaseUrl u : List.of(source, target)) {
            String server = (u.kind() == DatabaseUrl.Kind.POSTGRESQL ? "PostgreSQL" : "MariaDB/MySQL") + " at "
                    + u.host() + ":" + u.port();
            try (Connection c = connect(serverUrl(u)); Statement st = c.createStatement()) {
                if (u == source) {
                    String q = u.kind() == DatabaseUrl.Kind.POSTGRESQL ? "SELECT current_setting('wal_level'), ''"
                            : "SELECT @@log_bin, @@binlog_format";
                    try (ResultSet rs = st.executeQuery(q)) {
                        rs.next();
                        String why = cdcMissing(u.kind(), rs.getString(1), rs.getString(2));
                        if (why != null) {
                            return server + " " + why;
                        }
                    }
                } else {
                    c.isValid(5);
                }
            } catch (SQLException e) {
                return server + " does not answer (" + e.getMessage().lines().findFirst().orElse("") + ")";
            }
        }
        return null;
    }

    /** What a source server lacks for change data capture, from its settings; null when nothing. */
    static String cdcMissing(DatabaseUrl.Kind kind, String first, String second) {
        if (kind == DatabaseUrl.Kind.POSTGRESQL) {
            return "logical".equals(first) ? null : "has wal_level=" + first + ", not logical";
        }
        if (!"1".equals(first) && !"ON".equalsIgnoreCase(first)) {
            return "has no binary log (log_bin=OFF)";
        }
        return "ROW".equalsIgnoreCase(second) ? null : "logs binlog_format=" + second + ", not ROW";
    }

    /** @return 0 when the target equals the source at the end, 3 when not */
    int run() throws Exception {
        out.printf("demo: creating the shop database %s (%,d customers, 500 products, %,d orders with items)%n",
                source, customers, orders);
        out.flush();
        createSource();
        recreate(target);
        AtomicReference<LocalPipeline> pipeline = new AtomicReference<>();
        SyncJob job = new SyncJob(source, target, dataDir, "demo-shop");
        CompletableFuture<PipelineJob.Result> running = CompletableFuture.supplyAsync(() -> {
            try {
                return job.run(out, progress, pipeline::set);
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        out.printf("demo: sync running (snapshot, then change data capture) into %s; writing %d changes/s for %d s%n",
                target, rate, duration.toSeconds());
        out.flush();
        long changes = writeLive(running);
        out.printf("demo: %,d live changes written; waiting for the target to catch up%n", changes);
        out.flush();
        long caughtUp = System.nanoTime();
        boolean equal = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!running.isDone() && System.nanoTime() < deadline) {
            if (verify(new PrintWriter(OutputStream.nullOutputStream()))) {
                equal = true;
                break;
            }
            Thread.sleep(1000); // polling the target: nothing notifies when the sink has applied the last change
        }
        double lagSeconds = (System.nanoTime() - caughtUp) / 1e9;
        if (pipeline.get() != null) {
            pipeline.get().stop();
        }
        PipelineJob.Result r = running.join();
        out.printf("demo: %,d changes through the stream into PostgreSQL; caught up %.1f s after the last write%n",
                r.delivered(), lagSeconds);
        out.println("demo: verifying every table chunk by chunk:");
        out.flush();
        equal = verify(out);
        out.println(equal ? "demo: OK, the PostgreSQL copy equals the MariaDB shop, row by row"
                : "demo: DIFFERENCES, see above");
        out.flush();
        return equal ? 0 : LoadCommand.EXIT_DIFFERENCES;
    }

    private boolean verify(PrintWriter to) throws Exception {
        try (SnapshotReader s = SnapshotReader.open(source, LoadCommand.snapshotOptions(List.of(), 1, 50_000, false))) {
            return VerifyCommand.verify(s, target, LoadCommand.snapshotOptions(List.of(), 1, 50_000, false), to);
        }
    }

    private void createSource() throws SQLException {
        recreate(source);
        try (Connection c = connect(source); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE customers (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                    + " email VARCHAR(120) NOT NULL UNIQUE, name VARCHAR(100) CHARACTER SET utf8mb4 NOT NULL,"
                    + " tier ENUM('basic','silver','gold') NOT NULL DEFAULT 'basic',"
                    + " newsletter TINYINT(1) NOT NULL DEFAULT 0, created_at DATETIME(6) NOT NULL, birth_year YEAR NULL)"
                    + " DEFAULT CHARSET=utf8mb4");
            st.execute("CREATE TABLE products (sku VARCHAR(32) NOT NULL PRIMARY KEY,"
                    + " title VARCHAR(200) NOT NULL, price DECIMAL(12,2) NOT NULL,"
                    + " tags SET('new','sale','eco','gift') NOT NULL DEFAULT '', attributes JSON NULL,"
                    + " flags BIT(8) NOT NULL DEFAULT b'0', stock BIGINT UNSIGNED NOT NULL, image BLOB NULL)"
                    + " DEFAULT CHARSET=utf8mb4");
            st.execute("CREATE TABLE orders (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,"
                    + " customer_id INT UNSIGNED NOT NULL, status ENUM('new','paid','shipped','cancelled') NOT NULL,"
                    + " total DECIMAL(14,2) NOT NULL, ordered_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),"
                    + " note TEXT NULL, KEY ix_orders_customer (customer_id)) DEFAULT CHARSET=utf8mb4");
            st.execute("CREATE TABLE order_items (order_id BIGINT NOT NULL, line SMALLINT NOT NULL,"
                    + " sku VARCHAR(32) NOT NULL, qty INT NOT NULL, price DECIMAL(12,2) NOT NULL,"
                    + " PRIMARY KEY (order_id, line))");
            c.setAutoCommit(false);
            Random random = new Random(7);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO customers (email, name, tier, newsletter,"
                    + " created_at, birth_year) VALUES (?, ?, ?, ?, ?, ?)")) {
                for (int i = 1; i <= customers; i++) {
                    ps.setString(1, "customer" + i + "@example.com");
                    ps.setString(2, NAMES[i % NAMES.length] + " " + i);
                    ps.setString(3, TIERS[random.nextInt(TIERS.length)]);
                    ps.setBoolean(4, random.nextBoolean());
                    ps.setTimestamp(5, Timestamp.valueOf(LocalDateTime.of(2020, 1, 1, 0, 0)
                            .plusSeconds(random.nextInt(100_000_000)).plusNanos(random.nextInt(1_000_000) * 1000L)));
                    if (i % 7 == 0) {
                        ps.setNull(6, java.sql.Types.INTEGER);
                    } else {
                        ps.setInt(6, 1950 + random.nextInt(60));
                    }
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO products (sku, title, price, tags, attributes,"
                    + " flags, stock, image) VALUES (?, ?, ?, ?, ?, b'00000101', ?, ?)")) {
                for (int i = 1; i <= 500; i++) {
                    ps.setString(1, sku(i));
                    ps.setString(2, "Product " + i + (i % 50 == 0 ? " ☕" : ""));
                    ps.setBigDecimal(3, BigDecimal.valueOf(99 + random.nextInt(99_900), 2));
                    ps.setString(4, i % 3 == 0 ? "new,eco" : i % 5 == 0 ? "sale" : "");
                    ps.setString(5, "{\"color\": \"c" + (i % 9) + "\", \"weight\": " + (i % 40) + "}");
                    ps.setLong(6, 1000 + random.nextInt(9000));
                    ps.setBytes(7, i % 10 == 0 ? ("img" + i).getBytes(StandardCharsets.UTF_8) : null);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement o = c.prepareStatement("INSERT INTO orders (id, customer_id, status, total,"
                    + " ordered_at, note) VALUES (?, ?, ?, ?, ?, ?)");
                 PreparedStatement item = c.prepareStatement("INSERT INTO order_items (order_id, line, sku, qty,"
                         + " price) VALUES (?, ?, ?, ?, ?)")) {
                for (int id = 1; id <= orders; id++) {
                    addOrder(o, item, id, random);
                    if (id % 5000 == 0) {
                        o.executeBatch();
                        item.executeBatch();
                        c.commit();
                    }
                }
                o.executeBatch();
                item.executeBatch();
            }
            c.commit();
        }
    }

    private void addOrder(PreparedStatement o, PreparedStatement item, long id, Random random) throws SQLException {
        int lines = 1 + random.nextInt(3);
        BigDecimal total = BigDecimal.ZERO;
        for (int line = 1; line <= lines; line++) {
            BigDecimal price = BigDecimal.valueOf(99 + random.nextInt(9_900), 2);
            int qty = 1 + random.nextInt(4);
            item.setLong(1, id);
            item.setInt(2, line);
            item.setString(3, sku(1 + random.nextInt(500)));
            item.setInt(4, qty);
            item.setBigDecimal(5, price);
            item.addBatch();
            total = total.add(price.multiply(BigDecimal.valueOf(qty)));
        }
        o.setLong(1, id);
        o.setLong(2, 1 + random.nextInt(customers));
        o.setString(3, STATUSES[random.nextInt(3)]);
        o.setBigDecimal(4, total);
        o.setTimestamp(5, Timestamp.valueOf(LocalDateTime.of(2024, 1, 1, 0, 0)
                .plusSeconds(random.nextInt(30_000_000)).plusNanos(random.nextInt(1_000_000) * 1000L)));
        o.setString(6, id % 11 == 0 ? "gift wrap, please 🎁" : null);
        o.addBatch();
    }

    /** Orders placed, paid, shipped, cancelled (deleted with their items), stock and tiers changing. */
    private long writeLive(CompletableFuture<?> running) throws Exception {
        Random random = new Random(11);
        long changes = 0;
        long nextOrder = orders + 1;
        long end = System.nanoTime() + duration.toNanos();
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / Math.max(1, rate);
        long next = System.nanoTime();
        try (Connection c = connect(source);
             PreparedStatement o = c.prepareStatement("INSERT INTO orders (id, customer_id, status, total,"
                     + " ordered_at, note) VALUES (?, ?, ?, ?, ?, ?)");
             PreparedStatement item = c.prepareStatement("INSERT INTO order_items (order_id, line, sku, qty, price)"
                     + " VALUES (?, ?, ?, ?, ?)");
             Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            long reported = System.nanoTime();
            while (System.nanoTime() < end && !running.isDone()) {
                int kind = random.nextInt(10);
                long someOrder = 1 + random.nextInt((int) (nextOrder - 1));
                if (kind < 4) {
                    addOrder(o, item, nextOrder++, random);
                    o.executeBatch();
                    item.executeBatch();
                } else if (kind < 7) {
                    st.executeUpdate("UPDATE orders SET status = '" + STATUSES[1 + random.nextInt(2)]
                            + "' WHERE id = " + someOrder);
                } else if (kind < 8) {
                    st.executeUpdate("DELETE FROM order_items WHERE order_id = " + someOrder);
                    st.executeUpdate("DELETE FROM orders WHERE id = " + someOrder);
                } else if (kind < 9) {
                    st.executeUpdate("UPDATE products SET stock = stock + 1, price = price + 0.01 WHERE sku = '"
                            + sku(1 + random.nextInt(500)) + "'");
                } else {
                    st.executeUpdate("UPDATE customers SET tier = '" + TIERS[random.nextInt(3)]
                            + "', newsletter = 1 - newsletter WHERE id = " + (1 + random.nextInt(customers)));
                }
                c.commit();
                changes++;
                if (System.nanoTime() - reported > TimeUnit.SECONDS.toNanos(5)) {
                    out.printf("demo: ... %,d live changes so far%n", changes);
                    out.flush();
                    reported = System.nanoTime();
                }
                next += intervalNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // pacing the writer at --rate
                }
            }
        }
        return changes;
    }

    private static String sku(int i) {
        return String.format("SKU-%05d", i);
    }

    private static void recreate(DatabaseUrl u) throws SQLException {
        try (Connection c = connect(serverUrl(u)); Statement st = c.createStatement()) {
            if (u.kind() == DatabaseUrl.Kind.POSTGRESQL) {
                st.execute("DROP DATABASE IF EXISTS \"" + u.database() + "\" WITH (FORCE)");
                st.execute("CREATE DATABASE \"" + u.database() + "\"");
            } else {
                st.execute("DROP DATABASE IF EXISTS `" + u.database() + "`");
                st.execute("CREATE DATABASE `" + u.database() + "` DEFAULT CHARACTER SET utf8mb4");
            }
        }
    }

    private static DatabaseUrl serverUrl(DatabaseUrl u) {
        return u.withDatabase(u.kind() == DatabaseUrl.Kind.POSTGRESQL ? "postgres" : "mysql", null);
    }

    private static Connection connect(DatabaseUrl u) throws SQLException {
        Properties p = new Properties();
        if (u.user() != null) {
            p.setProperty("user", u.user());
        }
        if (u.password() != null) {
            p.setProperty("password", u.password());
        }
        // Both drivers name it connectTimeout: pgjdbc counts seconds, MariaDB Connector/J milliseconds.
        p.setProperty("connectTimeout", u.kind() == DatabaseUrl.Kind.POSTGRESQL ? "5" : "5000");
        return DriverManager.getConnection(u.jdbcUrl(), p);
    }
}
