package io.hstreamio.core.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hstreamio.core.codec.ChangeEventCodec;
import io.hstreamio.core.connectors.GeneratorSource;
import io.hstreamio.core.options.Options;
import io.hstreamio.core.options.OptionsDefinition;
import io.hstreamio.core.record.ChangeType;
import io.hstreamio.core.record.Row;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.core.store.ReceivedRecord;
import io.hstreamio.core.store.ShardReader;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.embedded.EmbeddedStreamStore;
import io.hstreamio.core.task.RetriableException;
import io.hstreamio.core.task.SinkConnector;
import io.hstreamio.core.task.SinkContext;
import io.hstreamio.core.task.SinkRecord;
import io.hstreamio.core.task.SinkTask;
import io.hstreamio.core.task.TaskState;
import io.hstreamio.core.task.ToolkitOptions;
import io.hstreamio.core.task.UnavailableException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SinkTaskRunnerTest {
    private static final GeneratorSource GENERATOR = new GeneratorSource();
    private static final TableSchema ORDERS = GeneratorSource.schema("orders");
    private static final int ROWS = 1_000;

    @TempDir
    Path dir;

    private StreamStore store;
    private ChangeEventCodec codec;

    @BeforeEach
    void fillStream() {
        store = EmbeddedStreamStore.open(dir);
        codec = StreamCodecs.binary(store);
        var options = ToolkitOptions.forSource(GENERATOR)
                .parse(Map.of("stream", "orders", "rows", ROWS, "batch", 100, "seed", 3));
        new SourceTaskRunner("gen", GENERATOR.createTask(), options, store, codec, Clock.systemUTC()).run();
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** A target in memory: applies flushed batches to a map by id, and fails on demand. */
    static final class MemorySink implements SinkTask {
        final Map<Long, Row> rows = new HashMap<>();
        final List<SinkRecord> buffer = new ArrayList<>();
        final Predicate<Long> poison;
        int transientFailuresLeft;
        /** Flushes that fail as if the target were down (Integer.MAX_VALUE: down for good). */
        volatile int unavailableLeft;
        volatile int singleRecordFlushes;
        int flushes;

        MemorySink(Predicate<Long> poison, int transientFailures) {
            this.poison = poison;
            this.transientFailuresLeft = transientFailures;
        }

        @Override
        public void start(Options options, SinkContext context) {}

        @Override
        public void write(List<SinkRecord> records) {
            buffer.addAll(records);
        }

        @Override
        public void flush() {
            try {
                if (buffer.size() == 1) {
                    singleRecordFlushes++;
                }
                if (unavailableLeft > 0) {
                    unavailableLeft--;
                    throw new UnavailableException("memory target is unreachable: connection refused");
                }
                if (transientFailuresLeft > 0) {
                    transientFailuresLeft--;
                    throw new RetriableException("connection reset");
                }
                Map<Long, Row> applied = new HashMap<>();
                for (SinkRecord r : buffer) {
                    if (r.event().type() == ChangeType.SCHEMA_CHANGE) {
                        continue;
                    }
                    long id = (Long) r.event().after().get(0);
                    if (poison.test(id)) {
                        throw new IllegalStateException("value too long for column note");
                    }
                    applied.put(id, r.event().after());
                }
                rows.putAll(applied); // all or nothing, like one transaction
                flushes++;
            } finally {
                buffer.clear();
            }
        }

        @Override
        public void stop() {}
    }

    private SinkTaskRunner runner(String taskId, SinkTask task, Map<String, Object> extra) {
        return runner(taskId, task, extra, Clock.systemUTC());
    }

    private SinkTaskRunner runner(String taskId, SinkTask task, Map<String, Object> extra, Clock clock) {
        Map<String, Object> raw = new HashMap<>(Map.of("stream", "orders", "buffer.batch.maxRecords", 128));
        raw.putAll(extra);
        OptionsDefinition def = ToolkitOptions.forSink(new NoOptionsSink());
        return new SinkTaskRunner(taskId, task, def.parse(raw), store, codec, clock);
    }

    /** Runs the sink until it has consumed {@code expected} records or stopped on its own. */
    private void runUntil(SinkTaskRunner runner, long expected) throws InterruptedException {
        Thread t = new Thread(runner, "test-sink");
        t.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> runner.state().isTerminal()
                || runner.metrics().deliveredRecords() + runner.metrics().skippedRecords() >= expected);
        runner.stop();
        assertThat(runner.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private void assertAllRowsExcept(MemorySink sink, Predicate<Long> missing) {
        for (long id = 1; id <= ROWS; id++) {
            if (missing.test(id)) {
                assertThat(sink.rows).doesNotContainKey(id);
            } else {
                assertThat(sink.rows.get(id)).as("row %d", id).isEqualTo(GeneratorSource.row(ORDERS, 3, id, 0));
            }
        }
    }

    @Test
    void deliversEveryRecordAndRetriesTransientFailures() throws Exception {
        MemorySink sink = new MemorySink(id -> false, 2);
        SinkTaskRunner runner = runner("k1", sink, Map.of());
        runUntil(runner, ROWS + 1);

        assertThat(runner.state()).isEqualTo(TaskState.STOPPED);
        assertAllRowsExcept(sink, id -> false);
        assertThat(runner.metrics().snapshot()).containsEntry("retries", 2L);
    }

    @Test
    void neverSkipStopsAtTheBadRecordNamingItAndItsKey() throws Exception {
        MemorySink sink = new MemorySink(id -> id == 300, 0);
        SinkTaskRunner runner = runner("k2", sink, Map.of());
        runUntil(runner, ROWS + 1);

        assertThat(runner.state()).isEqualTo(TaskState.FAILED);
        assertThat(runner.failure()).hasValueSatisfying(e -> assertThat(e.getMessage())
                .contains("task k2", "stream orders", "INSERT on table generator.orders, key {id=300}",
                        "value too long for column note", "task.error.skipStrategy"));
        // Everything before the bad record is in; the batch that holds it is replayed one by one up to it.
        assertThat(sink.rows).containsKeys(1L, 299L).doesNotContainKey(300L);

        // A restarted sink starts again at the unacknowledged batch: nothing before it is lost.
        MemorySink fixed = new MemorySink(id -> false, 0);
        SinkTaskRunner again = runner("k2", fixed, Map.of());
        runUntil(again, 1);
        assertThat(fixed.rows).containsKey(300L);
    }

    @Test
    void skipAllSendsEachBadRecordWithItsErrorToTheErrorStream() throws Exception {
        Predicate<Long> bad = id -> id % 250 == 0;
        MemorySink sink = new MemorySink(bad, 0);
        SinkTaskRunner runner = runner("k3", sink,
                Map.of("task.error.skipStrategy", "SkipAll", "task.error.stream", "orders_errors"));
        runUntil(runner, ROWS + 1);

        assertThat(runner.state()).isEqualTo(TaskState.STOPPED);
        assertAllRowsExcept(sink, bad);
        List<JsonNode> errors = new ArrayList<>();
        long shard = store.findStream("orders_errors").orElseThrow().shards().get(0).shardId();
        try (ShardReader reader = store.openShardReader("orders_errors", shard, null)) {
            for (ReceivedRecord r : reader.read(100, 0)) {
                errors.add(new ObjectMapper().readTree(r.record().payload()));
            }
        }
        assertThat(errors).hasSize(4);
        for (JsonNode e : errors) {
            assertThat(e.get("stream").asText()).isEqualTo("orders");
            assertThat(e.get("error").asText()).contains("value too long for column note");
            byte[] original = java.util.Base64.getDecoder().decode(e.get("payload").asText());
            long id = (Long) codec.decode(original).after().get(0);
            assertThat(bad.test(id)).as("error record for id %d", id).isTrue();
        }
    }

    @Test
    void skipSomeStopsOnceTheSkipCountIsUsedUp() throws Exception {
        MemorySink sink = new MemorySink(id -> id % 100 == 0, 0);
        SinkTaskRunner runner = runner("k4", sink,
                Map.of("task.error.skipStrategy", "SkipSome", "task.error.skipCount", 3));
        runUntil(runner, ROWS + 1);

        assertThat(runner.state()).isEqualTo(TaskState.FAILED);
        assertThat(runner.metrics().skippedRecords()).isEqualTo(3);
        assertThat(runner.failure()).hasValueSatisfying(e -> assertThat(e.getMessage())
                .contains("key {id=400}", "task.error.skipCount=3"));
    }

    @Test
    void anOutageIsWaitedOutWithoutUsingUpRetriesOrBlamingRecords() throws Exception {
        MemorySink sink = new MemorySink(id -> false, 0);
        sink.unavailableLeft = 4; // backoff 100 + 200 + 400 + 800 ms
        SinkTaskRunner runner = runner("k5", sink, Map.of("task.error.maxRetries", 1,
                "connection.retry.timeout", "1m"));
        runUntil(runner, ROWS + 1);

        assertThat(runner.state()).isEqualTo(TaskState.STOPPED);
        assertAllRowsExcept(sink, id -> false);
        assertThat(runner.metrics().snapshot()).containsEntry("retries", 4L).containsEntry("failures", 0L);
        assertThat(sink.singleRecordFlushes).as("no record-by-record replay").isZero();
    }

    @Test
    void anOutageLongerThanTheTimeoutFailsTheTaskNamingTheOptionNotARecord() throws Exception {
        MemorySink sink = new MemorySink(id -> false, 0);
        sink.unavailableLeft = Integer.MAX_VALUE;
        SinkTaskRunner runner = runner("k6", sink, Map.of("connection.retry.timeout", "1s"));
        runUntil(runner, ROWS + 1);

        assertThat(runner.state()).isEqualTo(TaskState.FAILED);
        assertThat(runner.failure()).hasValueSatisfying(e -> assertThat(e)
                .isInstanceOf(UnavailableException.class)
                .hasMessageContaining("sink task k6 failed: unreachable for 1.0 s")
                .hasMessageContaining("connection.retry.timeout=1.0 s")
                .hasMessageContaining("memory target is unreachable"));
        assertThat(runner.metrics().snapshot()).containsEntry("failures", 0L).containsEntry("records_skipped", 0L);
        assertThat(sink.singleRecordFlushes).as("no record-by-record replay").isZero();
        assertThat(sink.rows).isEmpty();
    }

    @Test
    void stopDuringAnOutageEndsTheBackoffAtOnce() throws Exception {
        MemorySink sink = new MemorySink(id -> false, 0);
        sink.unavailableLeft = Integer.MAX_VALUE;
        SinkTaskRunner runner = runner("k7", sink, Map.of());
        Thread t = new Thread(runner, "test-sink");
        t.start();
        // Backoff reaches 1.6 s after five failures; the stop must not wait for the pause (or the 5 min budget).
        await().atMost(Duration.ofSeconds(20)).until(() -> runner.metrics().snapshot().get("retries") >= 5);
        long stopAt = System.nanoTime();
        runner.stop();
        assertThat(runner.awaitTermination(1, TimeUnit.SECONDS)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - stopAt)).isLessThan(Duration.ofSeconds(1));
        assertThat(runner.state()).isEqualTo(TaskState.STOPPED);
        assertThat(runner.failure()).isEmpty();
        assertThat(runner.committed()).as("nothing acknowledged").isEmpty();
    }

    @Test
    void lagGrowsWhileTheTargetIsDownAndIsZeroOnceTheSinkCaughtUp() throws Exception {
        Instant filled = Instant.now(); // the generator's rows were committed before this
        LagTrackerTest.ManualClock clock = new LagTrackerTest.ManualClock(filled.plusSeconds(60));
        MemorySink sink = new MemorySink(id -> false, 0);
        sink.unavailableLeft = Integer.MAX_VALUE;
        SinkTaskRunner runner = runner("k8", sink, Map.of(), clock);
        assertThat(runner.lag().lag()).as("before the first poll").isEmpty();
        Thread t = new Thread(runner, "test-sink");
        t.start();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> runner.lag().lag().isPresent());
            Duration stuck = runner.lag().lag().orElseThrow();
            assertThat(stuck).isBetween(Duration.ofSeconds(60), Duration.ofSeconds(90));
            clock.advance(Duration.ofSeconds(30));
            assertThat(runner.lag().lag()).as("nothing delivered: the lag grows with the clock")
                    .contains(stuck.plusSeconds(30));

            sink.unavailableLeft = 0;
            await().atMost(Duration.ofSeconds(20)).until(() -> runner.metrics().deliveredRecords() == ROWS + 1
                    && runner.lag().lag().equals(Optional.of(Duration.ZERO)));
            assertThat(runner.lag().lastCommitTime()).hasValueSatisfying(c -> assertThat(c).isBeforeOrEqualTo(filled));
            clock.advance(Duration.ofHours(1));
            assertThat(runner.lag().lag()).as("idle: caught up, however long").contains(Duration.ZERO);
        } finally {
            runner.stop();
            assertThat(runner.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** Only for its (empty) option definition. */
    static final class NoOptionsSink implements SinkConnector {
        @Override
        public String name() {
            return "memory";
        }

        @Override
        public OptionsDefinition options() {
            return OptionsDefinition.builder("memory sink").build();
        }

        @Override
        public SinkTask createTask() {
            throw new UnsupportedOperationException();
        }
    }
}
