package io.hstreamio.core.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hstreamio.core.codec.ChangeEventCodec;
import io.hstreamio.core.connectors.GeneratorSource;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ChangeType;
import io.hstreamio.core.record.TableSchema;
import io.hstreamio.core.store.ReceivedRecord;
import io.hstreamio.core.store.ShardReader;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.embedded.EmbeddedStreamStore;
import io.hstreamio.core.task.TaskState;
import io.hstreamio.core.task.ToolkitOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SourceTaskRunnerTest {
    private static final GeneratorSource GENERATOR = new GeneratorSource();
    private static final TableSchema ORDERS = GeneratorSource.schema("orders");

    @TempDir
    Path dir;

    private StreamStore store;
    private ChangeEventCodec codec;

    @BeforeEach
    void open() {
        store = EmbeddedStreamStore.open(dir);
        codec = StreamCodecs.binary(store);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private SourceTaskRunner runner(StreamStore s, String taskId, long rows) {
        var options = ToolkitOptions.forSource(GENERATOR)
                .parse(Map.of("stream", "orders", "rows", rows, "batch", 100, "seed", 7));
        return new SourceTaskRunner(taskId, GENERATOR.createTask(), options, s, codec, Clock.systemUTC());
    }

    private List<ChangeEvent> readStream() throws InterruptedException {
        List<ChangeEvent> out = new ArrayList<>();
        long shard = store.findStream("orders").orElseThrow().shards().get(0).shardId();
        try (ShardReader reader = store.openShardReader("orders", shard, null)) {
            List<ReceivedRecord> batch;
            while (!(batch = reader.read(10_000, 0)).isEmpty()) {
                batch.forEach(r -> out.add(codec.decode(r.record().payload())));
            }
        }
        return out;
    }

    @Test
    void writesEveryEventInOrderAndCommitsTheLastPosition() throws Exception {
        SourceTaskRunner runner = runner(store, "t1", 2_500);
        runner.run();

        assertThat(runner.state()).isEqualTo(TaskState.COMPLETED);
        List<ChangeEvent> events = readStream();
        assertThat(events).hasSize(2_501);
        assertThat(events.get(0).type()).isEqualTo(ChangeType.SCHEMA_CHANGE);
        assertThat(events.get(0).schema()).isEqualTo(ORDERS);
        for (int n = 1; n <= 2_500; n++) {
            ChangeEvent e = events.get(n);
            assertThat(e.type()).isEqualTo(ChangeType.INSERT);
            assertThat(e.after()).as("row of event %d", n).isEqualTo(GeneratorSource.row(ORDERS, 7, n, 0));
            assertThat(e.position().order()).containsExactly(n);
        }
        assertThat(runner.committedPosition()).hasValueSatisfying(p -> assertThat(p.order()).containsExactly(2_500));
        assertThat(runner.metrics().deliveredRecords()).isEqualTo(2_501);
    }

    @Test
    void aPositionIsCommittedOnlyAfterItsEventsAreDurable() throws Exception {
        GatedStore gated = new GatedStore(store);
        SourceTaskRunner runner = runner(gated, "t2", 300);
        Thread thread = new Thread(runner, "test-source");
        thread.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> gated.pendingAppends() > 0);
        assertThat(runner.committedPosition()).as("nothing durable yet").isEmpty();

        gated.open();
        thread.join(10_000);
        assertThat(runner.state()).isEqualTo(TaskState.COMPLETED);
        assertThat(runner.committedPosition()).hasValueSatisfying(p -> assertThat(p.order()).containsExactly(300));
    }

    @Test
    void aFailedAppendFailsTheTaskAndCommitsNothingAfterIt() throws Exception {
        GatedStore gated = new GatedStore(store);
        SourceTaskRunner runner = runner(gated, "t3", 300);
        Thread thread = new Thread(runner, "test-source");
        thread.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> gated.pendingAppends() > 0);

        gated.failAll(new IllegalStateException("disk full"));
        thread.join(10_000);

        assertThat(runner.state()).isEqualTo(TaskState.FAILED);
        assertThat(runner.failure()).hasValueSatisfying(e -> assertThat(e.getMessage())
                .contains("task t3", "append of", "stream orders", "disk full"));
        assertThat(runner.committedPosition()).isEmpty();
    }

    @Test
    void aRestartedTaskResumesAfterTheCommittedPositionWithoutDuplicates() throws Exception {
        runner(store, "t4", 1_000).run();
        SourceTaskRunner second = runner(store, "t4", 2_000);
        second.run();

        assertThat(second.state()).isEqualTo(TaskState.COMPLETED);
        List<ChangeEvent> inserts = readStream().stream().filter(e -> e.type() == ChangeType.INSERT).toList();
        assertThat(inserts).hasSize(2_000);
        for (int i = 0; i < inserts.size(); i++) {
            assertThat(inserts.get(i).after()).isEqualTo(GeneratorSource.row(ORDERS, 7, i + 1, 0));
        }
    }

    @Test
    void stopEndsAnUnboundedSourceCleanly() throws Exception {
        SourceTaskRunner runner = runner(store, "t5", 0);
        Thread thread = new Thread(runner, "test-source");
        thread.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> runner.metrics().deliveredRecords() > 1_000);

        runner.stop();
        assertThat(runner.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        assertThat(runner.state()).isEqualTo(TaskState.STOPPED);
        long delivered = runner.metrics().deliveredRecords();
        assertThat(readStream()).hasSize((int) delivered);
        assertThat(runner.committedPosition()).hasValueSatisfying(
                p -> assertThat(p.order()).containsExactly(delivered - 1));
    }
}
