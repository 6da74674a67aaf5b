package io.hstreamio.cdc.internal;

import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.connect.data.SchemaBuilder;

/**
 * Keeps MySQL zero dates visible in NOT NULL DATE, DATETIME and TIMESTAMP columns.
 *
 * <p>Debezium's own conversion replaces a zero date in a NOT NULL column with the column default (or the epoch),
 * silently inventing a value. For those columns this converter instead sends the value as ISO text in an optional
 * field ({@value #SCHEMA_NAME}), and a zero date as null, which {@link RecordMapper} counts and logs. Nullable
 * columns keep Debezium's conversion (a zero date arrives as null there already), except TIMESTAMPs on MariaDB, see
 * {@link #converterFor}. Called on the engine thread.
 */
public final class ZeroDateConverter implements CustomConverter<SchemaBuilder, RelationalColumn> {
    public static final String SCHEMA_NAME = "io.hstreamio.cdc.TemporalText";

    /** Property: the session zone of the snapshot connection, when the driver renders TIMESTAMPs in it. */
    public static final String SESSION_ZONE = "session.zone";

    private ZoneOffset sessionZone;

    @Override
    public void configure(Properties props) {
        String zone = props.getProperty(SESSION_ZONE);
        sessionZone = zone == null ? null : ZoneOffset.of(zone);
    }

    @Override
    public void converterFor(RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
        if (column.typeName() == null) {
            return;
        }
        String type = column.typeName().toUpperCase(Locale.ROOT);
        if (!type.equals("DATE") && !type.equals("DATETIME") && !type.equals("TIMESTAMP")) {
            return;
        }
        // Nullable TIMESTAMPs too when the session zone is known: Debezium reads the MariaDB snapshot's TIMESTAMPs
        // in the JVM's zone and shifts them by its offset (seen with a JVM in Asia/Tokyo).
        if (column.isOptional() && !(type.equals("TIMESTAMP") && sessionZone != null)) {
            return;
        }
        boolean instant = type.equals("TIMESTAMP");
        boolean date = type.equals("DATE");
        boolean micros = column.length().orElse(0) > 3;
        registration.register(SchemaBuilder.string().name(SCHEMA_NAME).optional(),
                raw -> toText(raw, date, instant, micros, sessionZone));
    }

    /**
     * @param micros for numbers: Debezium hands over column defaults already in its own encoding (epoch micros for
     *               DATETIME(4..6), millis below)
     */
    static String toText(Object raw, boolean date, boolean instant, boolean micros, ZoneOffset sessionZone) {
        if (raw == null) {
            return null; // the binlog reader and the snapshot both deliver a zero date as null
        }
        if (raw instanceof String s) {
            return s.startsWith("0000-00-00") ? null : s;
        }
        if (instant) {
            Instant i;
            if (raw instanceof Instant x) {
                i = x;
            } else if (raw instanceof ZonedDateTime x) {
                i = x.toInstant();
            } else if (raw instanceof OffsetDateTime x) {
                i = x.toInstant();
            } else if (raw instanceof java.sql.Timestamp x && sessionZone != null) {
                // The MariaDB driver builds the snapshot's Timestamp from the session's wall clock in the JVM's zone.
                i = x.toLocalDateTime().toInstant(sessionZone);
            } else if (raw instanceof java.util.Date x) {
                i = x.toInstant();
            } else if (raw instanceof LocalDateTime x) {
                i = x.toInstant(ZoneOffset.UTC);
            } else if (raw instanceof Number n) {
                i = Instant.ofEpochMilli(n.longValue());
            } else {
                throw new IllegalArgumentException("unexpected TIMESTAMP value of " + raw.getClass());
            }
            // MySQL TIMESTAMP starts one second after the epoch: 0 is how the binlog writes '0000-00-00 00:00:00'.
            return i.equals(Instant.EPOCH) ? null : i.toString();
        }
        if (date) {
            LocalDate d;
            if (raw instanceof LocalDate x) {
                d = x;
            } else if (raw instanceof LocalDateTime x) {
                d = x.toLocalDate();
            } else if (raw instanceof java.sql.Date x) {
                d = x.toLocalDate();
            } else if (raw instanceof java.sql.Timestamp x) {
                d = x.toLocalDateTime().toLocalDate();
            } else if (raw instanceof Number n) {
                d = LocalDate.ofEpochDay(n.longValue());
            } else {
                throw new IllegalArgumentException("unexpected DATE value of " + raw.getClass());
            }
            return d.toString();
        }
        LocalDateTime dt;
        if (raw instanceof LocalDateTime x) {
            dt = x;
        } else if (raw instanceof java.sql.Timestamp x) {
            dt = x.toLocalDateTime();
        } else if (raw instanceof LocalDate x) {
            dt = x.atStartOfDay();
        } else if (raw instanceof Number n) {
            long unitsPerSecond = micros ? 1_000_000L : 1_000L;
            long v = n.longValue();
            dt = LocalDateTime.ofEpochSecond(Math.floorDiv(v, unitsPerSecond),
                    (int) (Math.floorMod(v, unitsPerSecond) * (1_000_000_000L / unitsPerSecond)), ZoneOffset.UTC);
        } else {
            throw new IllegalArgumentException("unexpected DATETIME value of " + raw.getClass() + ": " + raw);
        }
        return dt.toString();
    }
}
