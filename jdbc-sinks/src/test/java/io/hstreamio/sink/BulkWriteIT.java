package io.hstreamio.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.hstreamio.core.record.ColumnSchema;
import io.hstreamio.core.record.LogicalType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableId;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.core.testing.DatabaseEngine;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import io.hstreamio.sink.dialect.SqlDialect;
import io.hstreamio.sink.dialect.TableRef;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link JdbcSinkWriter#bulkWrite}, the path of {@code load}: every type into a new table (COPY straight into
 * PostgreSQL), then into the same table once it holds rows (staging and merge; the PostgreSQL source's unique uid
 * moves between rows, so delete + insert), an abandoned bulk write that leaves nothing, and a narrow table in several
 * batches larger than one COPY slice. The target is read back and compared with what was sent, row by row.
 */
class BulkWriteIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    @ParameterizedTest(name = "{0} source into {1}")
    @CsvSource({"MYSQL, POSTGRES", "POSTGRES, POSTGRES", "MYSQL, MARIADB", "POSTGRES, MARIADB"})
    void everyTypeNewThenExistingThenAbandoned(String source, DatabaseEngine targetEngine) throws Exception {
        TestDatabase db = DBS.database(targetEngine);
        SqlDialect dialect = Targets.dialect(db);
        boolean fromMysql = source.equals("MYSQL");
        TableSchema schema = fromMysql ? TypeMatrix.mysqlSchema() : TypeMatrix.postgresSchema();
        List<Row> rows = fromMysql ? TypeMatrix.mysqlRows(schema) : TypeMatrix.postgresRows(schema);
        String tableName = "bulk " + source.toLowerCase(java.util.Locale.ROOT);
        TableRef target = new TableRef(Targets.schema(db, "bulk_write_it"), tableName);
        SinkSettings settings = settings(dialect, target, schema);

        try (HikariDataSource pool = Targets.pool(db)) {
            JdbcSinkWriter first = new JdbcSinkWriter(pool, settings);
            first.prepare(List.of(schema));
            try (JdbcSinkWriter.BulkWrite bulk = first.bulkWrite(schema)) {
                bulk.rows(new ArrayList<>(rows.subList(0, 2)));
                bulk.rows(new ArrayList<>(rows.subList(2, rows.size())));
                bulk.commit();
            }
            ReadBack.assertSameValues(pool, dialect, schema, target, rows);

            // A second writer finds the table holding rows: snapshot rows merge into it (upsert by key).
            Row a = rows.get(0);
            Row b = rows.get(1);
            Row a2 = ReadBack.withKey(schema, b, a.get(0));
            Row b2 = ReadBack.withKey(schema, a, b.get(0));
            JdbcSinkWriter second = new JdbcSinkWriter(pool, settings);
            second.prepare(List.of(schema));
            try (JdbcSinkWriter.BulkWrite bulk = second.bulkWrite(schema)) {
                bulk.rows(new ArrayList<>(List.of(a2, b2)));
                bulk.commit();
            }
            List<Row> expected = new ArrayList<>(List.of(a2, b2));
            expected.addAll(rows.subList(2, rows.size()));
            ReadBack.assertSameValues(pool, dialect, schema, target, expected);

            // Rows of a bulk write closed without commit are not there.
            try (JdbcSinkWriter.BulkWrite bulk = second.bulkWrite(schema)) {
                bulk.rows(new ArrayList<>(List.of(a, b)));
            }
            ReadBack.assertSameValues(pool, dialect, schema, target, expected);
        }
    }

    @ParameterizedTest(name = "into {0}")
    @CsvSource({"POSTGRES", "MARIADB"})
    void manyBatchesOfOneChunkArriveInOrder(DatabaseEngine targetEngine) throws Exception {
        TestDatabase db = DBS.database(targetEngine);
        SqlDialect dialect = Targets.dialect(db);
        TableSchema schema = new TableSchema(TableId.of("src", "narrow"), List.of(
                ColumnSchema.builder("id", LogicalType.INT32).sourceType("INT").nullable(false).build(),
                ColumnSchema.builder("b", LogicalType.STRING).sourceType("VARCHAR").length(40).build(),
                ColumnSchema.builder("c", LogicalType.DECIMAL).sourceType("DECIMAL").precision(10).scale(2).build(),
                ColumnSchema.builder("d", LogicalType.TIMESTAMP).sourceType("DATETIME").precision(6).build()),
                List.of("id"), List.of());
        TableRef target = new TableRef(Targets.schema(db, "bulk_write_it"), "narrow");
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i <= 30_000; i++) {
            rows.add(Row.of(schema, i, i % 7 == 0 ? null : "name-" + i + (i % 5 == 0 ? "\ttab\\" : ""),
                    BigDecimal.valueOf(i % 100_000, 2).negate(),
                    LocalDateTime.of(2024, 1, 1, 0, 0).plusSeconds(i).plusNanos(i % 3 * 1000L)));
        }
        try (HikariDataSource pool = Targets.pool(db)) {
            JdbcSinkWriter writer = new JdbcSinkWriter(pool, settings(dialect, target, schema));
            writer.prepare(List.of(schema));
            try (JdbcSinkWriter.BulkWrite bulk = writer.bulkWrite(schema)) {
                for (int from = 0; from < rows.size(); from += 7_000) {
                    bulk.rows(new ArrayList<>(rows.subList(from, Math.min(rows.size(), from + 7_000))));
                }
                bulk.commit();
            }
            ReadBack.assertSameValues(pool, dialect, schema, target, rows);
        }
    }

    /**
     * {@code load}'s workers: the first writer plans (and creates) the table, the others take its plans with
     * {@link JdbcSinkWriter#prepareLike} instead of reading the catalog again, and their bulk writes land as the
     * first's do.
     */
    @ParameterizedTest(name = "into {0}")
    @CsvSource({"POSTGRES", "MARIADB"})
    void writersPreparedLikeTheFirstWriteIntoTheTableItCreated(DatabaseEngine targetEngine) throws Exception {
        TestDatabase db = DBS.database(targetEngine);
        SqlDialect dialect = Targets.dialect(db);
        TableSchema schema = new TableSchema(TableId.of("src", "shared"), List.of(
                ColumnSchema.builder("id", LogicalType.INT32).sourceType("INT").nullable(false).build(),
                ColumnSchema.builder("b", LogicalType.STRING).sourceType("VARCHAR").length(40).build()),
                List.of("id"), List.of());
        TableRef target = new TableRef(Targets.schema(db, "bulk_write_it"), "shared");
        SinkSettings settings = settings(dialect, target, schema);
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i <= 300; i++) {
            rows.add(Row.of(schema, i, i % 9 == 0 ? null : "v" + i));
        }
        try (HikariDataSource pool = Targets.pool(db)) {
            JdbcSinkWriter first = new JdbcSinkWriter(pool, settings);
            first.prepare(List.of(schema));
            List<JdbcSinkWriter> others = List.of(new JdbcSinkWriter(pool, settings), new JdbcSinkWriter(pool, settings));
            for (JdbcSinkWriter w : others) {
                w.prepareLike(first);
                assertThat(w.plans()).isEqualTo(first.plans()).hasSize(1);
            }
            // Each writer one chunk of the rows, as load's workers write chunks.
            List<JdbcSinkWriter> all = List.of(first, others.get(0), others.get(1));
            for (int i = 0; i < all.size(); i++) {
                try (JdbcSinkWriter.BulkWrite bulk = all.get(i).bulkWrite(schema)) {
                    bulk.rows(new ArrayList<>(rows.subList(i * 100, i * 100 + 100)));
                    bulk.commit();
                }
            }
            ReadBack.assertSameValues(pool, dialect, schema, target, rows);
        }
    }

    private static SinkSettings settings(SqlDialect dialect, TableRef target, TableSchema schema) {
        TableMapping mapping = new TableMapping(target.schema(), List.of(), List.of(),
                Map.of(TableMapping.sourceName(schema.id()), target.table()), null);
        return SinkSettings.defaults(dialect, "bulk-it", mapping).withoutCheckpoints();
    }
}
