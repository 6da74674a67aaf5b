package io.hstreamio.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.hstreamio.core.options.Options;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Chunks are bounded in bytes as well as rows: tables of ~100 KB rows, freshly filled (the catalog's statistics do not
 * know them yet) and, on PostgreSQL, compressed into TOAST, are split into chunks of about chunk.bytes, while narrow
 * rows keep chunk.rows; every row is read, compared with the source row by row.
 */
class ChunkBytesIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private static final int ROWS = 300;
    private static final long CHUNK_BYTES = 1L << 20;

    @BeforeAll
    static void tables() throws Exception {
        // ~102 KB per row: 3,200 MD5s (no compression in InnoDB; pglz shrinks it in TOAST, the catalog sees little).
        DBS.mariadb().execute("CREATE TABLE wide (id INT PRIMARY KEY, payload LONGTEXT NOT NULL)",
                "INSERT INTO wide SELECT seq, REPEAT(MD5(seq), 3200) FROM seq_1_to_" + ROWS,
                "CREATE TABLE narrow (id INT PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO narrow SELECT seq, CONCAT('v', seq) FROM seq_1_to_3000");
        DBS.postgres().execute("CREATE TABLE wide (id text PRIMARY KEY, payload text NOT NULL)",
                "INSERT INTO wide SELECT 'k' || g, repeat(md5(g::text), 3200) FROM generate_series(1, " + ROWS + ") g");
    }

    private static DatabaseUrl url(TestDatabase db, DatabaseUrl.Kind kind) {
        return new DatabaseUrl(kind, db.host(), db.port(), db.user(), db.password(), db.name(),
                kind == DatabaseUrl.Kind.POSTGRESQL ? "public" : null);
    }

    /** What one snapshot read: rows per chunk, and every row by key. */
    private record Read(Map<String, List<Long>> chunkRows, Map<String, Map<String, String>> rows) {}

    private static Read read(DatabaseUrl url, List<String> tables, long chunkBytes) throws Exception {
        Map<String, List<Long>> chunkRows = new ConcurrentHashMap<>();
        Map<String, Map<String, String>> rows = new ConcurrentHashMap<>();
        Options options = SnapshotOptions.parse(Map.of("tables", tables, "parallelism", 2, "chunk.rows", 1000,
                "chunk.bytes", chunkBytes));
        try (SnapshotReader r = SnapshotReader.open(url, options)) {
            r.run(worker -> new ChunkConsumer() {
                @Override
                public void rows(Chunk chunk, List<Row> batch) {
                    Map<String, String> m = rows.computeIfAbsent(chunk.table().id().table(),
                            k -> new ConcurrentHashMap<>());
                    for (Row row : batch) {
                        assertThat(m.put(String.valueOf(row.get(0)), String.valueOf(row.get(1)))).isNull();
                    }
                }

                @Override
                public void chunkDone(Chunk chunk, long n) {
                    chunkRows.computeIfAbsent(chunk.table().id().table(),
                            k -> Collections.synchronizedList(new ArrayList<>())).add(n);
                }
            });
        }
        return new Read(chunkRows, rows);
    }

    private static Map<String, String> source(TestDatabase db, String table) throws Exception {
        Map<String, String> m = new TreeMap<>();
        for (Map<String, Object> row : db.query("SELECT id, payload FROM " + table)) {
            m.put(String.valueOf(row.get("id")), String.valueOf(row.get("payload")));
        }
        return m;
    }

    @Test
    void mariadbWideRowsMakeSmallerChunksAndEveryRowArrives() throws Exception {
        DatabaseUrl url = url(DBS.mariadb(), DatabaseUrl.Kind.MARIADB);
        Read unbounded = read(url, List.of("wide"), Long.MAX_VALUE / 2);
        assertThat(unbounded.chunkRows().get("wide")).as("bounded by rows only: one chunk").containsExactly(300L);

        Read bounded = read(url, List.of("wide", "narrow"), CHUNK_BYTES);
        assertBounded(bounded.chunkRows().get("wide"));
        assertThat(new TreeMap<>(bounded.rows().get("wide"))).isEqualTo(source(DBS.mariadb(), "wide"));
        // Narrow rows (~10 bytes) stay bounded by chunk.rows: 3 chunks of 1,000.
        assertThat(bounded.chunkRows().get("narrow")).hasSize(3).allMatch(n -> n == 1000);
        Map<String, String> narrow = new TreeMap<>();
        for (Map<String, Object> row : DBS.mariadb().query("SELECT id, v AS payload FROM narrow")) {
            narrow.put(String.valueOf(row.get("id")), String.valueOf(row.get("payload")));
        }
        assertThat(new TreeMap<>(bounded.rows().get("narrow"))).isEqualTo(narrow);
    }

    @Test
    void postgresToastedWideRowsMakeSmallerChunksAndEveryRowArrives() throws Exception {
        DatabaseUrl url = url(DBS.postgres(), DatabaseUrl.Kind.POSTGRESQL);
        Read bounded = read(url, List.of("wide"), CHUNK_BYTES);
        assertBounded(bounded.chunkRows().get("wide"));
        assertThat(new TreeMap<>(bounded.rows().get("wide"))).isEqualTo(source(DBS.postgres(), "wide"));
    }

    /** ~102 KB rows under a 1 MB bound: chunks of at most 10 rows, so at least 30 of them for 300 rows. */
    private static void assertBounded(List<Long> chunks) {
        assertThat(chunks).as("rows per chunk").allMatch(n -> n <= 10);
        assertThat(chunks.stream().mapToLong(Long::longValue).sum()).isEqualTo(ROWS);
        assertThat(chunks.size()).isGreaterThanOrEqualTo(30);
    }
}
