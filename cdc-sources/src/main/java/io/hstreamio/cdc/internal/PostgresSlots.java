package io.hstreamio.cdc.internal;

import io.hstreamio.cdc.CdcConfig;
import io.hstreamio.core.task.RetriableException;
import io.hstreamio.core.task.Retry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a PostgreSQL source keeps on the server: its replication slot and publication, both named after the task. */
public final class PostgresSlots {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresSlots.class);
    /** SQLSTATE object_in_use: the slot is still held by a walsender that is going away. */
    private static final String OBJECT_IN_USE = "55006";

    private PostgresSlots() {}

    /**
     * Drops the task's slot and publication if they exist. A slot still in use for a moment after the task stopped
     * is retried for about ten seconds.
     */
    public static void drop(CdcConfig c) throws Exception {
        String slot = EngineProperties.slotName(c.name());
        String publication = EngineProperties.publicationName(c.name());
        try (Connection conn = Preflight.connect(Preflight.adminUrl(c), c, c.host() + ":" + c.port())) {
            new Retry(20, Duration.ofMillis(250), Duration.ofSeconds(1), Retry.Sleeper.SYSTEM).run(
                    "dropping replication slot " + slot, () -> {
                        try (PreparedStatement ps = conn.prepareStatement("SELECT pg_drop_replication_slot(slot_name)"
                                + " FROM pg_replication_slots WHERE slot_name = ? AND database = current_database()")) {
                            ps.setString(1, slot);
                            try (ResultSet rs = ps.executeQuery()) {
                                if (rs.next()) {
                                    LOG.info("Dropped replication slot {}", slot);
                                }
                            }
                        } catch (SQLException e) {
                            if (OBJECT_IN_USE.equals(e.getSQLState())) {
                                throw new RetriableException("replication slot " + slot + " is still in use", e);
                            }
                            throw e;
                        }
                    });
            try (Statement st = conn.createStatement()) {
                st.execute("DROP PUBLICATION IF EXISTS \"" + publication + "\"");
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not drop replication slot " + slot + " and publication "
                    + publication + " on " + c.host() + ":" + c.port() + "/" + c.database() + " (" + e.getMessage()
                    + "); drop them by hand: SELECT pg_drop_replication_slot('" + slot + "'); DROP PUBLICATION "
                    + publication, e);
        }
    }
}
