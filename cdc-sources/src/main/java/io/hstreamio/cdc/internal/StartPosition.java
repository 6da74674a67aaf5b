package io.hstreamio.cdc.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hstreamio.cdc.CdcConfig;
import io.hstreamio.core.store.KeyValueStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code start.position} of a binlog source: a first start from a chosen {@code file:position}. The position is
 * written as the engine's stored offset before it starts, and the engine then rebuilds its schema history from the
 * tables as they are ({@code snapshot.mode=recovery}), taking no snapshot of the data.
 */
public final class StartPosition {
    private static final Pattern FORM = Pattern.compile("(.+\\.[0-9]+):([0-9]+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private StartPosition() {}

    /**
     * Writes {@code position} as the source's stored offset, unless offsets are stored already.
     *
     * @return true when it was written (the engine must then run {@code snapshot.mode=recovery})
     * @throws IllegalArgumentException naming the option and the expected form
     */
    public static boolean applyIfFirstStart(CdcConfig c, Dialect dialect, KeyValueStore state, String position)
            throws Exception {
        Matcher m = FORM.matcher(position.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("option 'start.position' must be file:position as SHOW MASTER STATUS "
                    + "gives them, e.g. mysql-bin.000003:4567, got '" + position + "'");
        }
        KvOffsetBackingStore offsets = new KvOffsetBackingStore(state);
        if (!offsets.readAll().isEmpty()) {
            return false;
        }
        Map<String, Object> offset = new LinkedHashMap<>();
        offset.put("file", m.group(1));
        offset.put("pos", Long.parseLong(m.group(2)));
        if (dialect == Dialect.MARIADB) {
            // The MariaDB connector resumes by GTID: the server maps a file position to its GTID position.
            String where = c.host() + ":" + c.port();
            try (java.sql.Connection conn = Preflight.connect(Preflight.adminUrl(c), c, where);
                 java.sql.PreparedStatement ps = conn.prepareStatement("SELECT BINLOG_GTID_POS(?, ?)")) {
                ps.setString(1, m.group(1));
                ps.setLong(2, Long.parseLong(m.group(2)));
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    String gtids = rs.next() ? rs.getString(1) : null;
                    if (gtids == null) {
                        throw new IllegalArgumentException("option 'start.position' " + position + " is not a "
                                + "position in the binlog of " + where + " (BINLOG_GTID_POS found none): take it "
                                + "from SHOW MASTER STATUS or SHOW BINARY LOGS");
                    }
                    offset.put("gtids", gtids);
                }
            }
        }
        // The engine's offset key: [engine name, source partition], as its JSON converter writes it.
        String key = JSON.writeValueAsString(List.of(c.name(), Map.of("server", EngineProperties.topicPrefix(c.name()))));
        offsets.set(Map.of(ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8)),
                ByteBuffer.wrap(JSON.writeValueAsBytes(offset))), null).get();
        return true;
    }
}
