package io.hstreamio.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.core.testing.DatabaseEngine;
import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link SnapshotReader#run(java.util.function.IntFunction, SnapshotReader.SplitListener, Map)} against the real
 * servers: a resumed reading reads the chunks it is told to read again, with their bounds, then exactly the keys after
 * the last chunk handed out before, for dense integer keys (equal ranges), sparse ones and composite text keys (index
 * walks). Compared key by key with a whole reading of the same table.
 */
class SnapshotResumeIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    private static final int ROWS = 3_000;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (DatabaseEngine e : List.of(DatabaseEngine.MARIADB, DatabaseEngine.POSTGRES)) {
            for (String key : List.of("dense", "sparse", "composite")) {
                out.add(Arguments.of(e, key));
            }
        }
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("cases")
    void aResumedReadingReadsTheChunksToReadAgainAndEveryKeyAfterTheLastOne(DatabaseEngine engine, String key)
            throws Exception {
        TestDatabase db = DBS.database(engine);
        boolean pg = engine == DatabaseEngine.POSTGRES;
        String table = "resume_" + key;
        String series = pg ? "generate_series(1, " + ROWS + ") AS g(n)" : "(SELECT seq AS n FROM seq_1_to_" + ROWS
                + ") s";
        switch (key) {
            case "dense" -> db.execute("CREATE TABLE " + table + " (id INT NOT NULL PRIMARY KEY, v INT)",
                    "INSERT INTO " + table + " SELECT n, n FROM " + series);
            case "sparse" -> db.execute("CREATE TABLE " + table + " (id BIGINT NOT NULL PRIMARY KEY, v INT)",
                    "INSERT INTO " + table + " SELECT n * 7, n FROM " + series);
            default -> db.execute("CREATE TABLE " + table + " (k VARCHAR(20) NOT NULL, n INT NOT NULL, v INT, "
                    + "PRIMARY KEY (k, n))", "INSERT INTO " + table + " SELECT "
                    + (pg ? "'k' || (n % 5)" : "CONCAT('k', n % 5)") + ", n, n FROM " + series);
        }
        DatabaseUrl url = new DatabaseUrl(pg ? DatabaseUrl.Kind.POSTGRESQL : DatabaseUrl.Kind.MARIADB, db.host(),
                db.port(), db.user(), db.password(), db.name(), pg ? "public" : null);
        Map<String, Object> raw = Map.of("tables", table, "chunk.rows", 200, "parallelism", 2);
        try (SnapshotReader reader = SnapshotReader.open(url, SnapshotOptions.parse(raw), Clock.systemUTC())) {
            TableSchema schema = reader.tables().get(0);
            Reading whole = read(reader, Map.of());
            List<Chunk> chunks = whole.split;
            assertThat(chunks).as("chunks of the whole reading").hasSizeGreaterThan(8);
            assertThat(whole.keys()).hasSize(ROWS);

            // An earlier run handed out chunks 0..5 and finished all but 1 and 4.
            Chunk last = chunks.get(5);
            List<Chunk> again = List.of(chunks.get(1), chunks.get(4));
            Reading resumed = read(reader, Map.of(schema.id(), new SnapshotReader.Resume(again, last)));

            List<String> expected = new ArrayList<>(whole.keysOf(chunks.get(1)));
            expected.addAll(whole.keysOf(chunks.get(4)));
            for (Chunk c : chunks.subList(6, chunks.size())) {
                expected.addAll(whole.keysOf(c));
            }
            Collections.sort(expected);
            assertThat(resumed.keys()).as("keys read when resumed").isEqualTo(expected);
            assertThat(resumed.read.stream().map(Chunk::describe).toList()).as("chunks read again, with their bounds")
                    .contains(chunks.get(1).describe(), chunks.get(4).describe());
            Chunk first = resumed.split.get(0);
            assertThat(first.index()).isEqualTo(6);
            assertThat(first.lower()).isEqualTo(last.upper());
            assertThat(resumed.split.get(resumed.split.size() - 1).upper()).isNull();
            assertThat(resumed.chunks).isEqualTo(2 + resumed.split.size());

            // The earlier run handed out the last chunk: only the chunks to read again remain.
            Reading tail = read(reader, Map.of(schema.id(),
                    new SnapshotReader.Resume(List.of(chunks.get(2)), chunks.get(chunks.size() - 1))));
            assertThat(tail.split).isEmpty();
            assertThat(tail.keys()).isEqualTo(whole.keysOf(chunks.get(2)).stream().sorted().toList());
        }
    }

    private static Reading read(SnapshotReader reader, Map<io.hstreamio.core.record.TableId, SnapshotReader.Resume>
            resume) throws Exception {
        Reading r = new Reading(reader.tables().get(0));
        reader.run(worker -> new ChunkConsumer() {
            @Override
            public void rows(Chunk chunk, List<Row> rows) {
                r.add(chunk, rows);
            }
        }, new SnapshotReader.SplitListener() {
            @Override
            public void tableSplit(TableSchema table, int chunks) {
                r.chunks = chunks;
            }

            @Override
            public void chunkSplit(Chunk chunk) {
                r.split.add(chunk);
            }
        }, resume);
        return r;
    }

    /** What one run read: rows by chunk index, the chunks split anew, the chunks read. */
    private static final class Reading {
        final TableSchema table;
        final Map<Integer, List<String>> keysByChunk = new TreeMap<>();
        final List<Chunk> split = Collections.synchronizedList(new ArrayList<>());
        final List<Chunk> read = new ArrayList<>();
        int chunks;

        Reading(TableSchema table) {
            this.table = table;
        }

        synchronized void add(Chunk chunk, List<Row> rows) {
            if (!keysByChunk.containsKey(chunk.index())) {
                read.add(chunk);
            }
            List<String> keys = keysByChunk.computeIfAbsent(chunk.index(), i -> new ArrayList<>());
            int[] pk = table.primaryKeyPositions();
            for (Row row : rows) {
                StringBuilder k = new StringBuilder();
                for (int p : pk) {
                    k.append(row.get(p)).append('|');
                }
                keys.add(k.toString());
            }
        }

        synchronized List<String> keys() {
            return keysByChunk.values().stream().flatMap(List::stream).sorted().toList();
        }

        synchronized List<String> keysOf(Chunk chunk) {
            return keysByChunk.getOrDefault(chunk.index(), List.of());
        }
    }
}
