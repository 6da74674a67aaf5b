package io.hstreamio.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.hstreamio.core.testing.DatabaseEngine;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import io.hstreamio.sink.dialect.SqlDialect;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A sink process killed with SIGKILL while it flushes, then restarted and fed the stream from the start (nothing had
 * been acknowledged): the target must hold exactly what the checkpoint says after the kill, and exactly the whole
 * stream after the restart. The journal table has no key, so any double-applied insert would show as a duplicate.
 */
class SinkKillIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private static final long TOTAL = 400_000;
    private static final long PER_FLUSH = 20_000;

    @ParameterizedTest
    @EnumSource(DatabaseEngine.class)
    void killMidFlushThenReplayLeavesExactlyTheStream(DatabaseEngine engine) throws Exception {
        TestDatabase db = DBS.database(engine);
        SqlDialect d = Targets.dialect(db);
        String schema = Targets.schema(db, "crash");
        String cpSchema = Targets.schema(db, "_hstream_io");
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, CrashingSinkMain.class.getName(), engine == DatabaseEngine.POSTGRES ? "postgres" : "mariadb",
                db.jdbcUrl(), db.user(), db.password() == null ? "" : db.password(), schema, cpSchema,
                Long.toString(TOTAL), Long.toString(PER_FLUSH))
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            // Two flushes done: the third is under way when the kill lands (flushes run back to back).
            int flushed = 0;
            String line;
            while (flushed < 2 && (line = out.readLine()) != null) {
                if (line.startsWith("flushed ")) {
                    flushed++;
                }
            }
            assertThat(flushed).as("the sink process flushed twice before the kill").isEqualTo(2);
            child.destroyForcibly(); // SIGKILL on Linux
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).as("killed, not finished").isNotZero();

        String journal = d.quote(schema) + "." + d.quote("journal");
        String kv = d.quote(schema) + "." + d.quote("kv");
        String checkpoints = d.quote(cpSchema) + "." + d.quote("checkpoints");
        long upTo = io.hstreamio.core.store.RecordId.parse((String) db.queryValue("SELECT record_id FROM "
                + checkpoints + " WHERE sink = 'crash-sink' AND shard = 0")).batchId();
        assertThat(upTo).isBetween(2 * PER_FLUSH, TOTAL - 1);
        assertThat(count(db, "SELECT COUNT(*) FROM " + journal)).as("rows exactly up to the checkpoint")
                .isEqualTo(upTo);
        assertThat(count(db, "SELECT MAX(" + d.quote("seq") + ") FROM " + journal)).isEqualTo(upTo);

        try (HikariDataSource pool = Targets.pool(db)) {
            JdbcSinkWriter restarted = new JdbcSinkWriter(pool, CrashingSinkMain.settings(d, schema, cpSchema));
            restarted.open();
            for (long from = 1; from <= TOTAL; from += PER_FLUSH) {
                restarted.write(CrashingSinkMain.records(from, from + PER_FLUSH - 1));
                restarted.flush();
            }
            assertThat(restarted.skipped()).isEqualTo(2 * upTo);
        }
        assertThat(count(db, "SELECT COUNT(*) FROM " + journal)).isEqualTo(TOTAL);
        assertThat(count(db, "SELECT COUNT(DISTINCT " + d.quote("seq") + ") FROM " + journal)).isEqualTo(TOTAL);
        List<java.util.Map<String, Object>> rows = db.query("SELECT " + d.quote("k") + ", " + d.quote("v")
                + " FROM " + kv + " ORDER BY " + d.quote("k"));
        assertThat(rows).hasSize(100);
        for (var r : rows) {
            long k = ((Number) r.get("k")).longValue();
            long expected = TOTAL - ((TOTAL - k) % 100); // the last sequence number with this key
            assertThat(((Number) r.get("v")).longValue()).as("key %d", k).isEqualTo(expected);
        }
    }

    private static long count(TestDatabase db, String sql) throws Exception {
        return ((Number) db.queryValue(sql)).longValue();
    }
}
