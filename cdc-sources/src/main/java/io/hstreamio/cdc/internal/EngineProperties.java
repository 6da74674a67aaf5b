package io.hstreamio.cdc.internal;

import io.hstreamio.cdc.CdcConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;

/** Builds the Debezium engine properties for a {@link CdcConfig}. Pure functions. */
public final class EngineProperties {
    private EngineProperties() {}

    /** The key/value store registration is added by {@link DebeziumCapture#start}. */
    public static Properties of(CdcConfig c, Dialect dialect) {
        Properties p = new Properties();
        p.setProperty("name", c.name());
        p.setProperty("connector.class", dialect.connectorClass());
        p.setProperty("topic.prefix", topicPrefix(c.name()));
        p.setProperty("database.hostname", c.host());
        p.setProperty("database.port", Integer.toString(c.port()));
        p.setProperty("database.user", c.user());
        p.setProperty("database.password", c.password() == null ? "" : c.password());

        // State: offsets and schema history in the task's key/value store, nothing beside it.
        p.setProperty("offset.storage", KvOffsetBackingStore.class.getName());
        p.setProperty("offset.flush.interval.ms", "0"); // offsets are only marked once durable, so flush at once
        p.setProperty("offset.flush.timeout.ms", "10000");

        // Exact values (see SourceTypes and ValueDecoder).
        p.setProperty("decimal.handling.mode", "precise");
        p.setProperty("time.precision.mode", "adaptive_time_microseconds");
        p.setProperty("binary.handling.mode", "bytes");
        p.setProperty("column.propagate.source.type", ".*");
        p.setProperty("tombstones.on.delete", "false");
        p.setProperty("snapshot.mode", c.snapshotMode());
        p.setProperty("errors.max.retries", "3");
        p.setProperty("skipped.operations", "none"); // truncates are changes a sink must apply
        // Heartbeats carry the current log position while captured tables are idle, so stored offsets keep up:
        // a PostgreSQL slot then releases WAL, and a binlog position does not age into a purged file.
        p.setProperty("heartbeat.interval.ms", "10000");
        // Debezium waits this long for more changes before handing a batch over; its 500 ms default was most of the
        // end-to-end lag at moderate rates (p50 380 ms -> 42 ms in sync-benchmark.sh). Busy streams fill batches anyway.
        p.setProperty("poll.interval.ms", "50");

        List<String> include = includePatterns(c, dialect);
        if (!include.isEmpty()) {
            p.setProperty("table.include.list", String.join(",", include));
        }
        if (!c.tableExcludeList().isEmpty()) {
            p.setProperty("table.exclude.list", String.join(",", c.tableExcludeList()));
        }

        if (dialect.isBinlog()) {
            p.setProperty("database.server.id", Long.toString(serverId(c.name())));
            p.setProperty("bigint.unsigned.handling.mode", "precise");
            p.setProperty("converters", "zerodate");
            p.setProperty("zerodate.type", ZeroDateConverter.class.getName());
            p.setProperty("include.schema.changes", "true");
            p.setProperty("schema.history.internal", KvSchemaHistory.class.getName());
            p.setProperty("schema.history.internal.store.only.captured.tables.ddl", "true");
            if (c.database() != null && !c.database().isBlank()) {
                p.setProperty("database.include.list", Pattern.quote(c.database()));
            }
            if (dialect == Dialect.MARIADB) {
                // The MariaDB driver otherwise names the JVM's zone as session zone, which a server without time
                // zone tables refuses ("Setting configured timezone 'auto' fail"). A UTC session is always known,
                // and TIMESTAMP values are instants, so their reading does not depend on the session zone.
                p.setProperty("database.timezone", "+00:00");
                p.setProperty("zerodate." + ZeroDateConverter.SESSION_ZONE, "+00:00");
            } else if (c.serverTimeZone() != null && !c.serverTimeZone().isBlank()) {
                p.setProperty("database.connectionTimeZone", c.serverTimeZone());
            }
        } else {
            p.setProperty("plugin.name", "pgoutput");
            p.setProperty("database.dbname", c.database());
            p.setProperty("slot.name", slotName(c.name()));
            p.setProperty("publication.name", publicationName(c.name()));
            p.setProperty("publication.autocreate.mode", include.isEmpty() ? "all_tables" : "filtered");
            p.setProperty("slot.drop.on.stop", "false");
            p.setProperty("interval.handling.mode", "string");
            p.setProperty("unavailable.value.placeholder", RecordMapper.UNAVAILABLE);
            p.setProperty("converters", "varbit");
            p.setProperty("varbit.type", VarbitConverter.class.getName());
        }
        c.extra().forEach(p::setProperty);
        return p;
    }

    /** Debezium's table include patterns: the user's, then the "table" names quoted. */
    static List<String> includePatterns(CdcConfig c, Dialect dialect) {
        List<String> include = new ArrayList<>(c.tableIncludeList());
        for (String t : c.tables()) {
            include.add(qualify(t, c.database(), dialect));
        }
        return include;
    }

    /** A table name as the user wrote it, turned into an anchored Debezium include pattern. */
    static String qualify(String table, String database, Dialect dialect) {
        String t = table.trim();
        if (t.contains(".")) {
            return Pattern.quote(t);
        }
        String prefix = dialect.isBinlog() ? database : "public";
        return Pattern.quote(prefix + "." + t);
    }

    static String topicPrefix(String name) {
        String s = name.replaceAll("[^A-Za-z0-9_.\\-]", "_");
        return s.isEmpty() ? "cdc" : s;
    }

    /** A binlog client id derived from the name, away from the small ids servers usually take. */
    static long serverId(String name) {
        long h = digest(name).getLong() & 0x7fff_ffffL;
        return 100_000L + h % 4_000_000_000L;
    }

    /** Replication slot name: stable per connector name, valid for PostgreSQL (lower case, <= 63 chars). */
    public static String slotName(String name) {
        return pgName("hstream_", name);
    }

    public static String publicationName(String name) {
        return pgName("hstream_pub_", name);
    }

    private static String pgName(String prefix, String name) {
        String clean = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        String hash = HexFormat.of().formatHex(digest(name).array(), 0, 4);
        int room = 63 - prefix.length() - 1 - hash.length();
        if (clean.length() > room) {
            clean = clean.substring(0, room);
        }
        return prefix + clean + "_" + hash;
    }

    private static java.nio.ByteBuffer digest(String s) {
        try {
            return java.nio.ByteBuffer.wrap(
                    MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
