package io.hstreamio.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.hstreamio.core.record.TableId;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadReportTest {
    @Test
    void summaryHasATableLinePerTableAndTotals() {
        TableStats a = new TableStats(TableId.of("shop", "orders"), 1000);
        a.addRead(1000);
        a.addWritten(1000);
        TableStats b = new TableStats(TableId.of("shop", "log"), -1);
        b.addRead(10);
        b.addWritten(7);
        b.addErrors(3);
        b.note("at-least-once: no primary key");
        StringWriter out = new StringWriter();
        LoadReport.summary(new PrintWriter(out), List.of(a, b), Duration.ofMillis(2000));
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(6);
        assertThat(lines.get(0)).startsWith("table name").contains("read").contains("written").contains("errors");
        assertThat(lines.get(2)).startsWith("shop.orders").contains("1,000");
        assertThat(lines.get(3)).startsWith("shop.log").contains(" 7 ").contains(" 3 ").endsWith("at-least-once: no primary key");
        assertThat(lines.get(5)).startsWith("Total import time").contains("1,010").contains("1,007").contains("2.000s")
                .contains("504 rows/s");
    }

    @Test
    void progressLineCountsAgainstTheEstimate() {
        TableStats a = new TableStats(TableId.of("shop", "orders"), 1000);
        a.addRead(600);
        a.addWritten(500);
        assertThat(LoadReport.progressLine(List.of(a), Duration.ofSeconds(5)))
                .isEqualTo("load: 500 rows written of ~1,000 (50%), 600 read, 0/1 tables, 100 rows/s, 5 s");
    }
}
