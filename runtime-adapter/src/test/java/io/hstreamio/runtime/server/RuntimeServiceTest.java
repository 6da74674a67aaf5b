package io.hstreamio.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hstreamio.core.codec.ChangeEventCodec;
import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ChangeType;
import io.hstreamio.core.runner.Connectors;
import io.hstreamio.core.runner.StreamCodecs;
import io.hstreamio.core.runner.TaskStates;
import io.hstreamio.core.store.ReceivedRecord;
import io.hstreamio.core.store.ShardInfo;
import io.hstreamio.core.store.ShardReader;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.embedded.EmbeddedStreamStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RuntimeServiceTest {
    static final SupervisorSettings FAST = new SupervisorSettings(Duration.ofMillis(50), Duration.ofMillis(200),
            Duration.ofMinutes(5), Duration.ofMillis(200), Duration.ofSeconds(10));

    @TempDir
    Path dir;

    private StreamStore store;
    private RuntimeService runtime;

    @BeforeEach
    void open() {
        store = EmbeddedStreamStore.open(dir);
        runtime = new RuntimeService(store, Connectors.discover(), Clock.systemUTC(), FAST);
    }

    @AfterEach
    void close() {
        if (runtime != null) {
            runtime.close();
        }
        if (store != null) {
            store.close();
        }
    }

    private void reopen() {
        runtime.close();
        store.close();
        open();
        runtime.recover();
    }

    private Map<String, Object> view(String name) {
        return runtime.connectorView(name).orElseThrow();
    }

    private long delivered(String name) {
        return ((Number) view(name).get("deliveredRecords")).longValue();
    }

    /** Everything a statement could change: the catalog's records (config included) and the streams. */
    private String catalogState() {
        return runtime.catalog().connectors().stream().map(c -> c.name() + c.kind() + c.target() + c.config()
                + c.paused()).sorted().collect(Collectors.joining("|"))
                + " streams " + store.listStreams().stream().map(s -> s.name() + "/" + s.shardCount()).sorted()
                .toList();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {
            "CREATE SOURCE CONNECTOR bad FROM generator WITH (\"stream\"='s', \"rowz\"=10)",
            "CREATE SOURCE CONNECTOR bad FROM generator WITH (\"stream\"='s', \"rows\"='many')",
            "CREATE SOURCE CONNECTOR bad FROM generator WITH (\"rows\"=10)",
            "CREATE SOURCE CONNECTOR bad FROM generator WITH (\"stream\"='no spaces allowed')",
            "CREATE SINK CONNECTOR bad TO blackhole WITH (\"stream\"='s', \"task.error.skipStrategy\"='Sometimes')",
            "CREATE SOURCE CONNECTOR gen FROM generator WITH (\"stream\"='other')",
            "CREATE SOURCE CONNECTOR bad FROM generator WITH (\"stream\"='s'",
            "CREATE STREAM s9 WITH (shards=0)",
            "CREATE STREAM s9 WITH (partitions=2)",
            "CREATE STREAM gen_stream",
            "DROP CONNECTOR nobody",
            "PAUSE CONNECTOR nobody",
            "RESUME CONNECTOR nobody",
            "DESCRIBE CONNECTOR nobody",
            "ALTER CONNECTOR gen SET (\"rows\"=-1)",
            "ALTER CONNECTOR gen SET (\"colour\"='red')",
            "DROP STREAM gen_stream",
            "DROP STREAM nothing",
            "CREATE STREAM hstream_io_kv",
            "DROP STREAM hstream_io_kv",
            "CREATE SINK CONNECTOR bad TO blackhole WITH (\"stream\"='hstream_io_kv')",
            "SHOW CONNECTORS; CREATE STREAM ok; SHOW TABLES",
    })
    void aBadStatementChangesNothingAndSaysWhy(String sql) {
        runtime.execute("CREATE SOURCE CONNECTOR gen FROM generator WITH (\"stream\"='gen_stream', \"rows\"=10); "
                + "CREATE STREAM gen_stream_2");
        await().until(() -> store.findStream("gen_stream").isPresent());
        String before = catalogState();
        assertThatThrownBy(() -> runtime.execute(sql)).isInstanceOf(SqlExecutionException.class)
                .hasMessageNotContaining("\n")
                .satisfies(e -> assertThat(e.getMessage()).matches(
                        "(line \\d+, column \\d+: expected .*|[A-Z ]+: .*)"));
        assertThat(catalogState()).isEqualTo(before);
    }

    @Test
    void optionErrorsNameTheOptionAndTheFix() {
        assertThatThrownBy(() -> runtime.execute(
                "CREATE SOURCE CONNECTOR g FROM generator WITH (\"stream\"='s', \"rowz\"=10)"))
                .hasMessageStartingWith("CREATE SOURCE CONNECTOR: ")
                .hasMessageContaining("unknown option 'rowz'").hasMessageContaining("did you mean 'rows'");
        assertThatThrownBy(() -> runtime.execute("DROP CONNECTOR nobody"))
                .hasMessage("DROP CONNECTOR: no connector 'nobody'; SHOW CONNECTORS lists them");
        assertThatThrownBy(() -> runtime.execute("SHOW STREAMS; DROP CONNECTOR nobody"))
                .hasMessage("statement 2 (DROP CONNECTOR): no connector 'nobody'; SHOW CONNECTORS lists them")
                .satisfies(e -> assertThat(((SqlExecutionException) e).done()).hasSize(1));
    }

    @Test
    void aGeneratorAndABlackholeMoveEveryRowAndShowSaysSo() {
        List<SqlResult> r = runtime.execute("""
                CREATE SOURCE CONNECTOR gen FROM generator WITH ("stream"='orders', "rows"=5000, "batch"=500);
                CREATE SINK CONNECTOR hole TO blackhole IF NOT EXISTS WITH ("stream"='orders');
                CREATE SINK CONNECTOR hole TO blackhole IF NOT EXIST WITH ("stream"='orders')""");
        assertThat(r).extracting(SqlResult::message).containsExactly("created source connector gen",
                "created sink connector hole", "connector hole exists already; nothing done");
        await().atMost(Duration.ofSeconds(30)).until(() -> delivered("hole") == 5001 && delivered("gen") == 5001);
        assertThat(view("gen").get("status")).isEqualTo("COMPLETED");
        assertThat(view("hole").get("status")).isEqualTo("RUNNING");
        assertThat((List<?>) view("gen").get("offsets")).singleElement().asString().contains("event=5000");
        // The sink's offset is the id of the stream's last record: it acknowledged everything.
        await().untilAsserted(() -> assertThat(view("hole").get("offsets"))
                .isEqualTo(List.of(Map.of("shardId", 0L, "recordId", lastRecordId("orders")))));

        SqlResult show = runtime.execute("SHOW CONNECTORS").get(0);
        assertThat(show.columns()).containsExactly("name", "type", "target", "status", "restarts", "records",
                "bytes", "lag_ms");
        assertThat(show.rows()).extracting(row -> row.subList(0, 6)).containsExactlyInAnyOrder(
                List.of("gen", "source", "generator", "COMPLETED", 0, 5001L),
                List.of("hole", "sink", "blackhole", "RUNNING", 0, 5001L));
        SqlResult streams = runtime.execute("SHOW STREAMS").get(0);
        assertThat(streams.rows()).extracting(row -> row.get(0)).containsExactly("orders");
    }

    @Test
    void aFailingTaskIsRestartedWithBackoffAndResumesFromItsOffsets() throws Exception {
        runtime.execute("CREATE SOURCE CONNECTOR flaky FROM flaky WITH (\"stream\"='f', \"rows\"=3000, "
                + "\"batch\"=100, \"failRuns\"=2, \"pollsBeforeFailure\"=5)");
        await().atMost(Duration.ofSeconds(30)).until(() -> "COMPLETED".equals(view("flaky").get("status")));
        Map<String, Object> v = view("flaky");
        assertThat(v.get("restarts")).isEqualTo(2);
        assertThat((String) v.get("lastError")).contains("injected failure of run 2");

        // Every row arrived. A failed run may have made appends durable whose position it could not commit yet, so
        // at-least-once allows repeats, but far fewer than rerunning from the start would make.
        List<ChangeEvent> events = readAll("f");
        TreeSet<Object> ids = events.stream().filter(e -> e.type() == ChangeType.INSERT)
                .map(e -> e.after().get(0)).collect(Collectors.toCollection(TreeSet::new));
        assertThat(List.copyOf(ids)).containsExactlyElementsOf(LongStream.rangeClosed(1, 3000).boxed().toList());
        assertThat(events.size()).isBetween(3001, 3001 + 2 * 8 * 100);
        assertThat(delivered("flaky")).isBetween(3001L, (long) events.size());
    }

    private String lastRecordId(String stream) throws InterruptedException {
        try (ShardReader reader = store.openShardReader(stream, 0, null)) {
            String last = null;
            List<ReceivedRecord> batch;
            while (!(batch = reader.read(1000, 200)).isEmpty()) {
                last = batch.get(batch.size() - 1).id().toString();
            }
            return last;
        }
    }

    private List<ChangeEvent> readAll(String stream) throws InterruptedException {
        ChangeEventCodec codec = StreamCodecs.binary(store);
        List<ChangeEvent> out = new java.util.ArrayList<>();
        for (ShardInfo shard : store.findStream(stream).orElseThrow().shards()) {
            try (ShardReader reader = store.openShardReader(stream, shard.shardId(), null)) {
                List<ReceivedRecord> batch;
                while (!(batch = reader.read(1000, 200)).isEmpty()) {
                    batch.forEach(r -> out.add(codec.decode(r.record().payload())));
                }
            }
        }
        return out;
    }

    @Test
    void pauseStopsTheTaskResumeRestartsItAndBothSurviveARestartOfTheRuntime() {
        runtime.execute("CREATE SOURCE CONNECTOR gen FROM generator WITH (\"stream\"='g', \"rows\"=0, "
                + "\"rate\"=2000, \"batch\"=100)");
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered("gen") > 500);
        runtime.execute("PAUSE CONNECTOR gen");
        assertThat(view("gen")).containsEntry("status", "STOPPED").containsEntry("paused", true);
        long paused = delivered("gen");
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(3))
                .until(() -> delivered("gen") == paused);

        reopen(); // a paused connector stays paused across a restart of the runtime
        assertThat(view("gen")).containsEntry("status", "STOPPED");
        assertThat(delivered("gen")).isEqualTo(paused);

        runtime.execute("RESUME CONNECTOR gen");
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered("gen") > paused + 500);
        assertThat(view("gen")).containsEntry("status", "RUNNING").containsEntry("paused", false);

        reopen(); // a running connector is recovered, and its counters carry on
        long before = delivered("gen");
        assertThat(before).isGreaterThan(paused + 500);
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered("gen") > before + 500);
        assertThat(view("gen")).containsEntry("status", "RUNNING");

        // The generator resumed from its committed offset: the stream holds each id once, in order.
        runtime.execute("PAUSE CONNECTOR gen");
        List<Object> ids = readAllUnchecked("g").stream().filter(e -> e.type() == ChangeType.INSERT)
                .map(e -> e.after().get(0)).toList();
        assertThat(ids).containsExactlyElementsOf(LongStream.rangeClosed(1, ids.size()).boxed().toList());
        assertThat((long) ids.size()).isEqualTo(delivered("gen") - 1);
    }

    private List<ChangeEvent> readAllUnchecked(String stream) {
        try {
            return readAll(stream);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void dropStopsTheTaskAndRemovesItsCatalogEntryAndState() {
        runtime.execute("CREATE SOURCE CONNECTOR gen FROM generator WITH (\"stream\"='d', \"rows\"=1000)");
        await().atMost(Duration.ofSeconds(20)).until(() -> "COMPLETED".equals(view("gen").get("status")));
        String taskId = (String) view("gen").get("taskId");
        assertThat(store.keyValueStore(TaskStates.namespace(taskId)).scan("")).isNotEmpty();

        assertThat(runtime.execute("DROP CONNECTOR gen").get(0).message())
                .isEqualTo("dropped connector gen and its task state");
        assertThat(runtime.connectorView("gen")).isEmpty();
        assertThat(runtime.catalog().status("gen")).isEmpty();
        assertThat(store.keyValueStore(TaskStates.namespace(taskId)).scan("")).isEmpty();
        assertThat(runtime.execute("DROP CONNECTOR gen IF EXISTS").get(0).message())
                .isEqualTo("no connector gen; nothing done");
        // The stream is no longer in use and may go now.
        assertThat(runtime.execute("DROP STREAM d").get(0).message()).isEqualTo("dropped stream d");
        assertThat(store.findStream("d")).isEmpty();
    }

    @Test
    void dropWithStreamAlsoDropsTheStreamUnlessAnotherConnectorUsesIt() {
        runtime.execute("CREATE SOURCE CONNECTOR gen FROM generator WITH (\"stream\"='w', \"rows\"=100)");
        runtime.execute("CREATE SINK CONNECTOR hole TO blackhole WITH (\"stream\"='w')");
        await().atMost(Duration.ofSeconds(20)).until(() -> "COMPLETED".equals(view("gen").get("status")));

        assertThatThrownBy(() -> runtime.execute("DROP CONNECTOR gen WITH STREAM"))
                .hasMessageContaining("stream 'w' is also used by connector hole");
        assertThat(runtime.connectorView("gen")).as("a refused DROP changes nothing").isPresent();
        assertThat(store.findStream("w")).isPresent();

        runtime.execute("DROP CONNECTOR hole");
        assertThat(runtime.execute("DROP CONNECTOR gen WITH STREAM").get(0).message())
                .isEqualTo("dropped connector gen, its task state and stream w");
        assertThat(store.findStream("w")).isEmpty();
    }

    @Test
    void alterValidatesMergesAndRestartsTheTask() {
        runtime.execute("CREATE SOURCE CONNECTOR gen FROM generator WITH (\"stream\"='a', \"rows\"=100)");
        await().atMost(Duration.ofSeconds(20)).until(() -> "COMPLETED".equals(view("gen").get("status")));
        runtime.execute("ALTER CONNECTOR gen SET (\"rows\"=300)");
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered("gen") == 301
                && "COMPLETED".equals(view("gen").get("status")));
        Map<String, Object> expected = new HashMap<>(Map.of("stream", "a", "rows", 300L));
        assertThat(view("gen").get("config")).isEqualTo(expected);
    }
}
