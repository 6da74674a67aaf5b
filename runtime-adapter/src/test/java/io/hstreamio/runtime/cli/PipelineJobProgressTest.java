package io.hstreamio.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How sync reads per-table snapshot progress out of a CDC source's metrics, and how it words a lag. */
class PipelineJobProgressTest {
    @Test
    void oneItemPerTableFromTheSourcesMetrics() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("records_delivered", 10L);
        m.put("snapshot_rows", 1_500L);
        m.put("snapshot_rows_estimate", 2_000L);
        m.put("snapshot_rows/shop.orders", 1_000L);
        m.put("snapshot_rows_estimate/shop.orders", 1_000L);
        m.put("snapshot_table_done/shop.orders", 1L);
        m.put("snapshot_rows/shop.items", 500L); // no estimate from the server
        assertThat(PipelineJob.tables(m)).containsExactly(
                new ProgressBars.Item("shop.items", 500, -1, false),
                new ProgressBars.Item("shop.orders", 1_000, 1_000, true));
        assertThat(PipelineJob.tables(Map.of("records_delivered", 3L))).as("no snapshot in this run").isEmpty();
    }

    @Test
    void lagsReadAsPeopleSayThem() {
        assertThat(PipelineJob.duration(Duration.ofMillis(850))).isEqualTo("850 ms");
        assertThat(PipelineJob.duration(Duration.ofMillis(4_240))).isEqualTo("4.2 s");
        assertThat(PipelineJob.duration(Duration.ofSeconds(185))).isEqualTo("3:05");
    }
}
