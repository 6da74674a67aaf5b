package io.hstreamio.runtime.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hstreamio.core.runner.Connectors;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.embedded.EmbeddedStreamStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code /metrics} renders, read from a runtime in this JVM: exact counts, states, and meters that follow drops. */
class RuntimeMetricsTest {
    private static final String RECORDS = "hstreamio_connector_records_delivered_total";
    private static final String BYTES = "hstreamio_connector_bytes_delivered_total";
    private static final String RESTARTS = "hstreamio_connector_restarts_total";
    private static final String SKIPPED = "hstreamio_connector_records_skipped_total";
    private static final String STATE = "hstreamio_connector_state";
    private static final String PAUSED = "hstreamio_connector_paused";
    private static final String LAG = "hstreamio_connector_lag_seconds";
    private static final String AGE = "hstreamio_connector_last_event_age_seconds";

    @TempDir
    Path dir;

    private StreamStore store;
    private RuntimeService runtime;
    private RuntimeMetrics metrics;

    @BeforeEach
    void open() {
        store = EmbeddedStreamStore.open(dir);
        runtime = new RuntimeService(store, Connectors.discover(), Clock.systemUTC(), RuntimeServiceTest.FAST);
        metrics = new RuntimeMetrics(runtime, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        metrics.close();
        runtime.close();
        store.close();
    }

    private PrometheusText scrape() {
        return PrometheusText.parse(metrics.scrape());
    }

    private String status(String name) {
        return (String) runtime.connectorView(name).orElseThrow().get("status");
    }

    /** The connector's state series as state → value; exactly one of them must be 1. */
    private static Map<String, Double> states(PrometheusText m, String connector) {
        Map<String, Double> out = new TreeMap<>();
        m.find(STATE, "connector", connector).forEach(s -> out.put(s.labels().get("state"), s.value()));
        return out;
    }

    @Test
    void countersMatchTheRuntimesStatusExactlyPerConnector() {
        // 100 rows and a schema change; the picky sink refuses the rows whose id is a multiple of 10 and skips them.
        runtime.execute("CREATE SOURCE CONNECTOR gen FROM generator WITH (\"stream\"='s', \"rows\"=100, "
                + "\"batch\"=25); CREATE SINK CONNECTOR picky TO picky WITH (\"stream\"='s', "
                + "\"task.error.skipStrategy\"='SkipAll')");
        await().atMost(Duration.ofSeconds(30)).until(() -> "COMPLETED".equals(status("gen"))
                && ((Number) runtime.connectorView("picky").orElseThrow().get("deliveredRecords")).longValue() == 91);

        PrometheusText m = scrape();
        String[] gen = {"connector", "gen", "type", "source", "target", "generator"};
        String[] picky = {"connector", "picky", "type", "sink", "target", "picky"};
        assertThat(m.value(RECORDS, gen)).contains(101.0);
        assertThat(m.value(RECORDS, picky)).contains(91.0);
        assertThat(m.value(SKIPPED, picky)).contains(10.0);
        assertThat(m.value(SKIPPED, gen)).contains(0.0);
        assertThat(m.value(RESTARTS, gen)).contains(0.0);
        Map<String, Object> genView = runtime.connectorView("gen").orElseThrow();
        assertThat(m.value(BYTES, gen)).contains(((Number) genView.get("deliveredBytes")).doubleValue());
        assertThat(m.value(BYTES, gen).orElseThrow()).isPositive();
        assertThat(runtime.connectorView("picky").orElseThrow().get("skippedRecords")).isEqualTo(10L);

        assertThat(states(m, "gen")).isEqualTo(Map.of("NEW", 0.0, "RUNNING", 0.0, "STOPPED", 0.0, "FAILED", 0.0,
                "COMPLETED", 1.0));
        assertThat(states(m, "picky")).containsEntry("RUNNING", 1.0).containsEntry("COMPLETED", 0.0);
        assertThat(m.value(PAUSED, picky)).contains(0.0);
        // Lag: the running sink caught up with the completed source, so 0; the source runs no task, so unknown.
        await().atMost(Duration.ofSeconds(30)).until(() -> scrape().value(LAG, picky).equals(Optional.of(0.0)));
        assertThat(scrape().value(LAG, gen)).hasValue(Double.NaN);
        // The generator's changes carry commit times: both know how old the newest change they delivered is.
        assertThat(scrape().value(AGE, gen).orElseThrow()).isBetween(0.0, 60.0);
        assertThat(scrape().value(AGE, picky).orElseThrow()).isBetween(0.0, 60.0);
        // JVM basics come along.
        assertThat(m.find("jvm_memory_used_bytes")).isNotEmpty();
        assertThat(m.find("jvm_threads_live_threads")).hasSize(1);
    }

    @Test
    void restartsPauseAndDropShowInTheSeries() {
        runtime.execute("CREATE SOURCE CONNECTOR flaky FROM flaky WITH (\"stream\"='f', \"rows\"=0, \"rate\"=2000, "
                + "\"failRuns\"=2, \"pollsBeforeFailure\"=3); CREATE SINK CONNECTOR hole TO blackhole WITH "
                + "(\"stream\"='f')");
        await().atMost(Duration.ofSeconds(30)).until(() -> scrape().value(RESTARTS, "connector", "flaky")
                .equals(Optional.of(2.0)) && "RUNNING".equals(status("flaky")));
        assertThat(states(scrape(), "flaky")).containsEntry("RUNNING", 1.0).containsEntry("FAILED", 0.0);

        runtime.execute("PAUSE CONNECTOR hole");
        PrometheusText paused = scrape();
        assertThat(paused.value(PAUSED, "connector", "hole")).contains(1.0);
        assertThat(states(paused, "hole")).containsEntry("STOPPED", 1.0).containsEntry("RUNNING", 0.0);
        double holeRecords = paused.value(RECORDS, "connector", "hole").orElseThrow();
        // A paused connector's counters stay where its last run left them: read from the persisted status.
        assertThat(scrape().value(RECORDS, "connector", "hole")).contains(holeRecords);

        runtime.execute("DROP CONNECTOR hole");
        PrometheusText dropped = scrape();
        assertThat(dropped.ofConnector("hole")).isEmpty();
        assertThat(dropped.ofConnector("flaky")).isNotEmpty();

        // A new connector of the same name but another kind gets fresh series, not the old ones.
        runtime.execute("CREATE SOURCE CONNECTOR hole FROM generator WITH (\"stream\"='g', \"rows\"=10)");
        await().atMost(Duration.ofSeconds(30)).until(() -> "COMPLETED".equals(status("hole")));
        List<PrometheusText.Sample> again = scrape().find(RECORDS, "connector", "hole");
        assertThat(again).singleElement().satisfies(s -> {
            assertThat(s.labels()).containsEntry("type", "source").containsEntry("target", "generator");
            assertThat(s.value()).isEqualTo(11.0);
        });
    }
}
