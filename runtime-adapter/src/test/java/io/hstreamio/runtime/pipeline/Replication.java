package io.hstreamio.runtime.pipeline;

import io.hstreamio.core.runner.Connectors;
import io.hstreamio.core.runner.LocalPipeline;
import io.hstreamio.core.runner.StreamCodecs;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What the end-to-end replication ITs share: MariaDB or PostgreSQL → PostgreSQL pipelines, row-by-row reads. */
public final class Replication {
    private Replication() {}

    /** Reads one row with the Java types that compare exactly on both servers. */
    @FunctionalInterface
    public interface RowReader {
        List<Object> read(ResultSet rs) throws SQLException;
    }

    /** A pipeline from {@code from} (mariadb source) through {@code stream} to {@code to} (postgresql sink). */
    public static LocalPipeline mariaDbToPostgres(String name, String stream, StreamStore store, TestDatabase from,
            TestDatabase to, Map<String, Object> extraSourceOptions) {
        Connectors connectors = Connectors.discover();
        Map<String, Object> source = new HashMap<>(Map.of("stream", stream, "host", from.host(), "port", from.port(),
                "user", from.user(), "password", from.password(), "database", from.name()));
        source.putAll(extraSourceOptions);
        return new LocalPipeline(name, store, StreamCodecs.binary(store), Clock.systemUTC(),
                connectors.source("mariadb"), source,
                connectors.sink("postgresql"), Map.of("stream", stream, "host", to.host(), "port", to.port(),
                        "user", to.user(), "password", to.password(), "database", to.name()));
    }

    /** A pipeline from {@code from} (postgresql source) through {@code stream} to {@code to} (postgresql sink). */
    public static LocalPipeline postgresToPostgres(String name, String stream, StreamStore store, TestDatabase from,
            TestDatabase to, Map<String, Object> extraSourceOptions) {
        Connectors connectors = Connectors.discover();
        Map<String, Object> source = new HashMap<>(Map.of("stream", stream, "host", from.host(), "port", from.port(),
                "user", from.user(), "password", from.password(), "database", from.name()));
        source.putAll(extraSourceOptions);
        return new LocalPipeline(name, store, StreamCodecs.binary(store), Clock.systemUTC(),
                connectors.source("postgresql"), source,
                connectors.sink("postgresql"), Map.of("stream", stream, "host", to.host(), "port", to.port(),
                        "user", to.user(), "password", to.password(), "database", to.name()));
    }

    /** Every row of {@code sql}, in its order. */
    public static List<List<Object>> rows(TestDatabase db, String sql, RowReader reader) throws SQLException {
        List<List<Object>> out = new ArrayList<>();
        try (Connection c = db.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(reader.read(rs));
            }
        }
        return out;
    }

    /** {@link #rows}, or empty while the sink has not created the target table yet. */
    public static List<List<Object>> rowsOrEmpty(TestDatabase db, String sql, RowReader reader) {
        try {
            return rows(db, sql, reader);
        } catch (SQLException tableNotThereYet) {
            return List.of();
        }
    }
}
