package io.hstreamio.sink;


import com.zaxxer.hikari.HikariDataSource;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.core.testing.DatabaseEngine;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import io.hstreamio.sink.dialect.SqlDialect;
import io.hstreamio.sink.dialect.TableRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every type, with awkward table and column names, created by the sink in PostgreSQL and MariaDB from a MySQL and a
 * PostgreSQL source schema, written (COPY, batched insert, then upserts that swap all values between rows) and read
 * back value by value.
 */
class TypeRoundTripIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    @ParameterizedTest(name = "{0} source into {1}, copy={2}")
    @CsvSource({
        "MYSQL, POSTGRES, true", "MYSQL, POSTGRES, false", "MYSQL, MARIADB, false",
        "POSTGRES, POSTGRES, true", "POSTGRES, POSTGRES, false", "POSTGRES, MARIADB, false"})
    void everyTypeRoundTrips(String source, DatabaseEngine targetEngine, boolean copy) throws Exception {
        TestDatabase db = DBS.database(targetEngine);
        SqlDialect dialect = Targets.dialect(db);
        boolean fromMysql = source.equals("MYSQL");
        TableSchema schema = fromMysql ? TypeMatrix.mysqlSchema() : TypeMatrix.postgresSchema();
        List<Row> rows = fromMysql ? TypeMatrix.mysqlRows(schema) : TypeMatrix.postgresRows(schema);
        String tableName = schema.id().table() + (copy ? " copy" : " bind");
        TableRef target = new TableRef(Targets.schema(db, "Target \"Schema\""), tableName);
        TableMapping mapping = new TableMapping(target.schema(), List.of(), List.of(),
                Map.of(TableMapping.sourceName(schema.id()), tableName), null);
        SinkSettings settings = SinkSettings.defaults(dialect, "roundtrip-" + tableName, mapping)
                .withCopyThreshold(copy ? 1 : 1_000_000);
        settings = new SinkSettings(settings.dialect(), settings.sinkName(), mapping, settings.mappingOptions(),
                Targets.schema(db, "_hstream_io"), true, false, 50_000, 5_000, settings.copyThreshold());

        try (HikariDataSource pool = Targets.pool(db)) {
            JdbcSinkWriter writer = new JdbcSinkWriter(pool, settings);
            writer.open();
            List<ChangeEvent> load = new ArrayList<>();
            for (Row r : rows) {
                load.add(copy ? ChangeEvent.read(schema, r) : ChangeEvent.insert(schema, r, null, null));
            }
            writer.write(Targets.records("s", 0, 1, load));
            writer.flush();
            ReadBack.assertSameValues(pool, dialect, schema, target, rows);

            // Swap all non-key values of rows 1 and 2 in one batch: every type goes through the upsert path too,
            // and the PostgreSQL source's unique uid column through delete + insert.
            Row a = rows.get(0);
            Row b = rows.get(1);
            Row a2 = ReadBack.withKey(schema, b, a.get(0));
            Row b2 = ReadBack.withKey(schema, a, b.get(0));
            writer.write(Targets.records("s", 0, 100, List.of(
                    ChangeEvent.update(schema, a, a2, null, null), ChangeEvent.update(schema, b, b2, null, null))));
            writer.flush();
            ReadBack.assertSameValues(pool, dialect, schema, target, List.of(a2, b2, rows.get(2)));
        }
    }
}
