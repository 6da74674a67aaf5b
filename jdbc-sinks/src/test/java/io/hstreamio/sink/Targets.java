package io.hstreamio.sink;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.task.SinkRecord;
import io.hstreamio.core.testing.DatabaseEngine;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.sink.dialect.MySqlDialect;
import io.hstreamio.sink.dialect.PostgresDialect;
import io.hstreamio.sink.dialect.SqlDialect;
import java.util.ArrayList;
import java.util.List;

/** Test helpers: a pooled data source set up as the sink task sets it up, and stream records from events. */
final class Targets {
    private Targets() {}

    static SqlDialect dialect(TestDatabase db) {
        return db.engine() == DatabaseEngine.POSTGRES ? PostgresDialect.INSTANCE : MySqlDialect.INSTANCE;
    }

    static HikariDataSource pool(TestDatabase db) {
        HikariConfig cfg = new HikariConfig();
        String url = db.jdbcUrl() + (db.engine() == DatabaseEngine.POSTGRES ? "?reWriteBatchedInserts=true"
                : "?useBulkStmts=true");
        cfg.setJdbcUrl(url);
        cfg.setUsername(db.user());
        if (db.password() != null) {
            cfg.setPassword(db.password());
        }
        cfg.setConnectionInitSql(dialect(db).sessionInitSql());
        cfg.setMaximumPoolSize(3);
        return new HikariDataSource(cfg);
    }

    /** Schema (PostgreSQL) or database (MariaDB: the test database itself, which the extension drops) for targets. */
    static String schema(TestDatabase db, String postgresSchema) {
        return db.engine() == DatabaseEngine.POSTGRES ? postgresSchema : db.name();
    }

    /** Records of one stream shard with consecutive ids from {@code firstBatch}. */
    static List<SinkRecord> records(String stream, long shard, long firstBatch, List<ChangeEvent> events) {
        List<SinkRecord> out = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            out.add(new SinkRecord(stream, new RecordId(shard, firstBatch + i, 0), events.get(i)));
        }
        return out;
    }
}
