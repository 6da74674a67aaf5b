package io.hstreamio.benchmarks.load;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.task.SinkRecord;
import io.hstreamio.sink.JdbcSinkWriter;
import io.hstreamio.sink.SinkSettings;
import io.hstreamio.sink.TableMapping;
import io.hstreamio.sink.dialect.PostgresDialect;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Issue 4's figure, for {@code benchmarks/load-benchmark.sh}: the same snapshot rows (load benchmark's narrow shape)
 * into PostgreSQL three ways in one run, one connection each, after a warm-up round of all three:
 * <ol>
 *   <li>plain COPY: the rows formatted by hand as COPY text and sent in one COPY (the baseline);</li>
 *   <li>bulk: {@code JdbcSinkWriter.bulkWrite} per chunk of {@code chunk} rows in batches of 10,000, what
 *       {@code load} does with each chunk it reads;</li>
 *   <li>buffered: READ records through {@code JdbcSinkWriter.write}/{@code flush} per chunk, with the checkpoint,
 *       what a CDC source's snapshot takes through the sink.</li>
 * </ol>
 * Then checks that each table holds the plain one's rows (EXCEPT both ways). Figures on stdout as {@code key=value}.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.hstreamio.benchmarks.load.SnapshotCopyDriver
 * jdbc:postgresql://host:port/db?user=u ROWS [CHUNK]}; the database should be empty (tables plain, bulk, buffered).
 */
public final class SnapshotCopyDriver {
    private static final LocalDateTime T0 = LocalDateTime.of(2024, 1, 1, 0, 0);
    private static final int BATCH = 10_000;

    private SnapshotCopyDriver() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: SnapshotCopyDriver JDBC_URL ROWS [CHUNK]");
            System.exit(2);
        }
        String url = args[0];
        int rows = Integer.parseInt(args[1]);
        int chunk = args.length > 2 ? Integer.parseInt(args[2]) : 50_000;
        TableSchema schema = narrow();
        List<Row> data = new ArrayList<>(rows);
        for (int i = 1; i <= rows; i++) {
            // As load-benchmark.sh's source: seq, seq % 1000, 'name-'||seq, (seq % 100000) / 7, t0 + seq s.
            data.add(Row.of(schema, i, i % 1000, "name-" + i,
                    BigDecimal.valueOf(i % 100_000).divide(BigDecimal.valueOf(7), 2, java.math.RoundingMode.HALF_UP),
                    T0.plusSeconds(i)));
        }
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(url);
        cfg.setMaximumPoolSize(2);
        cfg.setPoolName("snapshot-copy-bench");
        try (HikariDataSource pool = new HikariDataSource(cfg)) {
            List<Row> warm = data.subList(0, Math.min(rows, 100_000));
            plainCopy(pool, "warm_plain", warm);
            bulk(pool, schema, "warm_bulk", warm, chunk);
            buffered(pool, schema, "warm_buffered", warm, chunk);
            try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
                st.execute("DROP TABLE warm_plain, warm_bulk, warm_buffered");
            }
            double plain = plainCopy(pool, "plain", data);
            double bulk = bulk(pool, schema, "bulk", data, chunk);
            double buffered = buffered(pool, schema, "buffered", data, chunk);
            check(pool, "bulk", rows);
            check(pool, "buffered", rows);
            System.out.printf("copy_rows=%d%ncopy_chunk_rows=%d%n", rows, chunk);
            System.out.printf("copy_plain_rows_per_s=%.0f%ncopy_bulk_rows_per_s=%.0f%ncopy_buffered_rows_per_s=%.0f%n",
                    plain, bulk, buffered);
            System.out.printf("copy_bulk_pct=%.0f%ncopy_buffered_pct=%.0f%n", 100 * bulk / plain,
                    100 * buffered / plain);
        }
    }

    static TableSchema narrow() {
        return new TableSchema(TableId.of("hio_bench_src", "narrow"), List.of(
                ColumnSchema.builder("id", LogicalType.INT32).sourceType("INT").nullable(false).build(),
                ColumnSchema.builder("a", LogicalType.INT32).sourceType("INT").nullable(false).build(),
                ColumnSchema.builder("b", LogicalType.STRING).sourceType("VARCHAR").length(32).nullable(false)
                        .build(),
                ColumnSchema.builder("c", LogicalType.DECIMAL).sourceType("DECIMAL").precision(10).scale(2)
                        .nullable(false).build(),
                ColumnSchema.builder("d", LogicalType.TIMESTAMP).sourceType("DATETIME").nullable(false).build()),
                List.of("id"));
    }

    /** The baseline: a table like the sink's, the rows as COPY text by hand, one COPY. Rows per second. */
    private static double plainCopy(HikariDataSource pool, String table, List<Row> rows) throws SQLException {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + table + " (id integer NOT NULL, a integer NOT NULL, b varchar(32) NOT NULL, "
                    + "c numeric(10,2) NOT NULL, d timestamp(0) NOT NULL, PRIMARY KEY (id))");
            long t0 = System.nanoTime();
            CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " FROM STDIN");
            StringBuilder sb = new StringBuilder(1 << 18);
            for (Row r : rows) {
                sb.append(r.get(0)).append('\t').append(r.get(1)).append('\t').append(r.get(2)).append('\t')
                        .append(((BigDecimal) r.get(3)).toPlainString()).append('\t').append(r.get(4)).append('\n');
                if (sb.length() >= 1 << 18) {
                    send(in, sb);
                }
            }
            send(in, sb);
            in.endCopy();
            return rows.size() / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private static void send(CopyIn in, StringBuilder sb) throws SQLException {
        byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
        in.writeToCopy(b, 0, b.length);
        sb.setLength(0);
    }

    /** load's path: one bulk write (one transaction) per chunk, fed in reader-sized batches. */
    private static double bulk(HikariDataSource pool, TableSchema schema, String table, List<Row> rows, int chunk) {
        JdbcSinkWriter w = new JdbcSinkWriter(pool, settings(schema, table, false));
        w.prepare(List.of(schema)); // creates the table, as plainCopy does before its clock starts
        long t0 = System.nanoTime();
        for (int from = 0; from < rows.size(); from += chunk) {
            try (JdbcSinkWriter.BulkWrite b = w.bulkWrite(schema)) {
                int to = Math.min(rows.size(), from + chunk);
                for (int i = from; i < to; i += BATCH) {
                    b.rows(new ArrayList<>(rows.subList(i, Math.min(to, i + BATCH))));
                }
                b.commit();
            }
        }
        return rows.size() / ((System.nanoTime() - t0) / 1e9);
    }

    /** A CDC source's snapshot through the sink: READ records, one flush (and checkpoint) per chunk. */
    private static double buffered(HikariDataSource pool, TableSchema schema, String table, List<Row> rows,
                                   int chunk) {
        JdbcSinkWriter w = new JdbcSinkWriter(pool, settings(schema, table, true));
        w.open();
        w.prepare(List.of(schema));
        long t0 = System.nanoTime();
        long id = 0;
        for (int from = 0; from < rows.size(); from += chunk) {
            int to = Math.min(rows.size(), from + chunk);
            for (int i = from; i < to; i += BATCH) {
                List<SinkRecord> records = new ArrayList<>(BATCH);
                for (Row r : rows.subList(i, Math.min(to, i + BATCH))) {
                    records.add(new SinkRecord("bench", new RecordId(0, ++id, 0), ChangeEvent.read(schema, r)));
                }
                w.write(records);
            }
            w.flush();
        }
        return rows.size() / ((System.nanoTime() - t0) / 1e9);
    }

    private static SinkSettings settings(TableSchema schema, String table, boolean checkpoints) {
        TableMapping mapping = new TableMapping("public", List.of(), List.of(),
                java.util.Map.of(schema.id().database() + "." + schema.id().table(), table), null);
        SinkSettings s = SinkSettings.defaults(PostgresDialect.INSTANCE, "bench-" + table, mapping)
                .withMaxBufferedRecords(Integer.MAX_VALUE);
        return checkpoints ? s : s.withoutCheckpoints();
    }

    /** The table holds exactly the plain table's rows, compared row by row in SQL. */
    private static void check(HikariDataSource pool, String table, int rows) throws SQLException {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (SELECT COUNT(*) FROM " + table + "), "
                     + "(SELECT COUNT(*) FROM (SELECT * FROM plain EXCEPT ALL SELECT * FROM " + table + ") x), "
                     + "(SELECT COUNT(*) FROM (SELECT * FROM " + table + " EXCEPT ALL SELECT * FROM plain) y)")) {
            rs.next();
            if (rs.getLong(1) != rows || rs.getLong(2) != 0 || rs.getLong(3) != 0) {
                throw new IllegalStateException(table + " differs from plain: " + rs.getLong(1) + " rows, "
                        + rs.getLong(2) + " missing, " + rs.getLong(3) + " extra");
            }
        }
    }
}
