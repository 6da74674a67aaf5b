package io.hstreamio.sink.write;

import io.hstreamio.core.store.RecordId;
import io.hstreamio.sink.dialect.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The sink's stream checkpoints kept in the target database ({@code <schema>.checkpoints}, one row per sink, stream
 * and shard), written in the same transaction as the changes they cover. After a crash the target itself says what
 * it already holds, so replayed records up to the checkpoint are skipped and none is applied twice.
 */
public final class CheckpointStore {
    private final SqlDialect dialect;
    private final String schema;
    private final String sink;

    /** Where a stream shard stands. */
    public record ShardKey(String stream, long shard) {}

    public CheckpointStore(SqlDialect dialect, String schema, String sink) {
        this.dialect = dialect;
        this.schema = schema;
        this.sink = sink;
    }

    /** Creates the schema and table when absent (autocommitted: MySQL DDL commits anyway). */
    public void ensureTable(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String sql : dialect.checkpointDdl(schema)) {
                st.execute(sql);
            }
        }
    }

    public Map<ShardKey, RecordId> load(Connection c) throws SQLException {
        return load(c, false);
    }

    /**
     * This sink's checkpoints. With {@code lock} (inside a transaction), the rows are read with FOR UPDATE: that waits
     * for a transaction still writing them (a commit the server is finishing after the client lost the connection)
     * and then reads what it left.
     */
    public Map<ShardKey, RecordId> load(Connection c, boolean lock) throws SQLException {
        Map<ShardKey, RecordId> out = new HashMap<>();
        String sql = dialect.checkpointSelectSql(schema) + (lock ? " FOR UPDATE" : "");
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, sink);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(new ShardKey(rs.getString(1), rs.getLong(2)), RecordId.parse(rs.getString(3)));
                }
            }
        }
        return out;
    }

    /** Writes checkpoints in the caller's transaction. */
    public void save(Connection c, Map<ShardKey, RecordId> upTo) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(dialect.checkpointUpsertSql(schema))) {
            for (Map.Entry<ShardKey, RecordId> e : upTo.entrySet()) {
                ps.setString(1, sink);
                ps.setString(2, e.getKey().stream());
                ps.setLong(3, e.getKey().shard());
                ps.setString(4, e.getValue().toString());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
