package io.hstreamio.sink;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.core.task.SinkRecord;
import io.hstreamio.sink.dialect.MappingOptions;
import io.hstreamio.sink.dialect.MySqlDialect;
import io.hstreamio.sink.dialect.PostgresDialect;
import io.hstreamio.sink.dialect.SqlDialect;
import java.util.ArrayList;
import java.util.List;

/**
 * A sink process for {@link SinkKillIT}: writes a deterministic stream in flushes until it is killed. Every record
 * {@code i} (1-based) inserts row {@code i} into a table without a key (not idempotent) and upserts key
 * {@code i % 100} with value {@code i} into a keyed table.
 */
public final class CrashingSinkMain {
    static final TableSchema JOURNAL = new TableSchema(TableId.of("src", "journal"), List.of(
            ColumnSchema.builder("seq", LogicalType.INT64).sourceType("bigint").nullable(false).build(),
            ColumnSchema.builder("note", LogicalType.STRING).sourceType("varchar(40)").length(40).build()), List.of());
    static final TableSchema KV = new TableSchema(TableId.of("src", "kv"), List.of(
            ColumnSchema.builder("k", LogicalType.INT32).sourceType("int").nullable(false).build(),
            ColumnSchema.builder("v", LogicalType.INT64).sourceType("bigint").build()), List.of("k"));

    private CrashingSinkMain() {}

    /** Records {@code from..to} (inclusive) of the deterministic stream, two changes per sequence number. */
    static List<SinkRecord> records(long from, long to) {
        List<SinkRecord> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            var id = new io.hstreamio.core.store.RecordId(0, i, 0);
            ChangeEvent e = ChangeEvent.insert(JOURNAL, Row.of(JOURNAL, i, "entry " + i), null, null);
            out.add(new SinkRecord("crash", id, e));
            var id2 = new io.hstreamio.core.store.RecordId(1, i, 0);
            Row kv = Row.of(KV, (int) (i % 100), i);
            out.add(new SinkRecord("crash", id2, ChangeEvent.insert(KV, kv, null, null)));
        }
        return out;
    }

    static SinkSettings settings(SqlDialect d, String schema, String cpSchema) {
        return new SinkSettings(d, "crash-sink", TableMapping.all(schema), MappingOptions.DEFAULTS, cpSchema, true,
                false, 1_000_000, 5_000, 1_000_000);
    }

    /** Args: postgres|mariadb, jdbc url, user, password, target schema, checkpoint schema, total, per flush. */
    public static void main(String[] args) throws Exception {
        SqlDialect d = args[0].equals("postgres") ? PostgresDialect.INSTANCE : MySqlDialect.INSTANCE;
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(args[1]);
        cfg.setUsername(args[2]);
        if (!args[3].isEmpty()) {
            cfg.setPassword(args[3]);
        }
        cfg.setConnectionInitSql(d.sessionInitSql());
        long total = Long.parseLong(args[6]);
        long perFlush = Long.parseLong(args[7]);
        try (HikariDataSource pool = new HikariDataSource(cfg)) {
            JdbcSinkWriter w = new JdbcSinkWriter(pool, settings(d, args[4], args[5]));
            w.open();
            for (long from = 1; from <= total; from += perFlush) {
                w.write(records(from, Math.min(total, from + perFlush - 1)));
                w.flush();
                System.out.println("flushed " + Math.min(total, from + perFlush - 1));
                System.out.flush();
            }
        }
    }
}
