package io.hstreamio.cdc.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hstreamio.cdc.CdcConfig;
import io.hstreamio.core.store.KeyValueStore;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before a source resumes from stored offsets, checks that the position still exists at the server: the binlog file
 * (MySQL/MariaDB) or the replication slot (PostgreSQL). Left alone, Debezium would fail on a purged binlog with a
 * stack trace, and on PostgreSQL it would quietly create a new slot and stream from now, skipping every change in
 * between. {@code snapshot.on.position.lost} chooses: fail with one line, or forget the state and snapshot again.
 */
public final class StoredPositionGuard {
    /** What to do when the stored position is gone. */
    public enum OnLost {
        FAIL,
        RESNAPSHOT
    }

    private static final Logger LOG = LoggerFactory.getLogger(StoredPositionGuard.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private StoredPositionGuard() {}

    /**
     * Returns normally when there is no stored position, it still exists, or it was forgotten (RESNAPSHOT); throws
     * when it is gone and {@code onLost} is FAIL.
     */
    public static void check(CdcConfig c, KeyValueStore state, OnLost onLost) throws Preflight.PreflightException {
        Map<String, String> offsets = new KvOffsetBackingStore(state).readAll();
        if (offsets.isEmpty()) {
            return;
        }
        String where = c.host() + ":" + c.port();
        String lost;
        try (Connection conn = Preflight.connect(Preflight.adminUrl(c), c, where)) {
            lost = "postgresql".equals(c.kind()) ? lostSlot(conn, c) : lostBinlog(conn, offsets);
        } catch (SQLException e) {
            throw new Preflight.PreflightException("CONNECTION", "cannot check the stored position on " + where
                    + ": " + e.getMessage(), e);
        }
        if (lost == null) {
            return;
        }
        if (onLost == OnLost.RESNAPSHOT && "no_data".equals(c.snapshotMode())) {
            throw new Preflight.PreflightException("POSITION_LOST", "source " + c.name() + " cannot resume: " + lost
                    + " on " + where + ", and snapshot.mode=no_data forbids the snapshot that"
                    + " snapshot.on.position.lost=resnapshot asks for; set snapshot.mode=initial", null);
        }
        if (onLost == OnLost.FAIL) {
            throw new Preflight.PreflightException("POSITION_LOST", "source " + c.name() + " cannot resume: " + lost
                    + " on " + where + "; set snapshot.on.position.lost=resnapshot to snapshot the tables again"
                    + " (sinks upsert, so rows already written are overwritten, not doubled)", null);
        }
        LOG.warn("Source {}: {} on {}; snapshot.on.position.lost=resnapshot: forgetting the stored offsets and "
                + "schema history and snapshotting the tables again", c.name(), lost, where);
        state.delete(KvOffsetBackingStore.KEY);
        for (String key : state.scan(KvSchemaHistory.RECORD_KEY_PREFIX).keySet()) {
            state.delete(key);
        }
    }

    private static String lostSlot(Connection conn, CdcConfig c) throws SQLException {
        String slot = EngineProperties.slotName(c.name());
        try (PreparedStatement ps = conn.prepareStatement(
                "SELECT 1 FROM pg_replication_slots WHERE slot_name = ? AND database = current_database()")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? null : "its replication slot " + slot + " no longer exists";
            }
        }
    }

    private static String lostBinlog(Connection conn, Map<String, String> offsets) throws SQLException {
        Set<String> files = new HashSet<>();
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SHOW BINARY LOGS")) {
            while (rs.next()) {
                files.add(rs.getString(1));
            }
        }
        for (String value : offsets.values()) {
            JsonNode offset;
            try {
                offset = JSON.readTree(value);
            } catch (IOException e) {
                continue; // not a binlog offset; Debezium will judge it
            }
            JsonNode file = offset.get("file");
            if (file != null && !files.contains(file.asText())) {
                return "its binlog file " + file.asText() + " (position " + offset.path("pos").asText()
                        + ") has been purged from the server";
            }
        }
        return null;
    }
}
