package io.hstreamio.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bars' text from figures and a fake clock: rates over the window, ETA, unknown and exceeded estimates, widths. */
class ProgressBarsTest {
    /** A clock the test moves. */
    static final class FakeClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final FakeClock clock = new FakeClock();
    private final ProgressBars bars = new ProgressBars(clock, Duration.ofSeconds(10));

    private static ProgressBars.Item item(String name, long done, long estimate) {
        return new ProgressBars.Item(name, done, estimate, false);
    }

    private List<String> at(long seconds, List<ProgressBars.Item> items) {
        clock.advance(Duration.ofSeconds(seconds));
        return bars.render(items, List.of(), 100, 20);
    }

    @Test
    void rateIsOverTheSlidingWindowNotSinceTheStart() {
        at(0, List.of(item("db.orders", 0, 100_000)));
        List<String> first = at(5, List.of(item("db.orders", 5_000, 100_000)));
        assertThat(first.get(0)).startsWith("db.orders").contains("5,000/~100k", "  5%", "1,000/s",
                "ETA 1:35"); // 95,000 rows left at 1,000/s
        // Then it speeds up to 10,000/s: after the window has passed, only the new pace counts.
        at(5, List.of(item("db.orders", 55_000, 100_000)));
        List<String> later = at(10, List.of(item("db.orders", 95_000, 100_000)));
        assertThat(later.get(0)).contains(" 95%").contains("ETA 0:01");
        assertThat(rate(later.get(0))).isEqualTo("4,000/s"); // (95,000 - 55,000) / 10 s, not 95,000 / 20 s
    }

    private static String rate(String line) {
        return line.replaceAll(".*  (\\S+/s)  .*", "$1");
    }

    @Test
    void noRateOrEtaBeforeTwoSamples() {
        List<String> l = at(0, List.of(item("t", 10, 100)));
        assertThat(l.get(0)).contains("-/s", "ETA ?");
    }

    @Test
    void unknownEstimateShowsRowsAndRateButNoPercentOrEta() {
        at(0, List.of(item("t", 0, -1)));
        List<String> l = at(2, List.of(item("t", 2_000, -1)));
        assertThat(l.get(0)).contains("2,000 ", "?%", "1,000/s", "ETA ?").doesNotContain("/~");
        assertThat(l.get(0)).contains("[" + ".".repeat(10)); // an empty bar, not a guess
        assertThat(l.get(1)).as("the total cannot know either").startsWith("total").contains("?%");
    }

    @Test
    void anExceededEstimateNeverShowsMoreThanAFullBarNorANegativeEta() {
        at(0, List.of(item("t", 0, 1_000)));
        List<String> l = at(1, List.of(item("t", 1_500, 1_000)));
        assertThat(l.get(0)).contains("1,500/~1,000", ">99%", "ETA ?").doesNotContain("150%");
        // The total counts the table's rows so far as its estimate: 1,500, not 1,000.
        assertThat(l.get(1)).contains("1,500/~1,500");
    }

    @Test
    void finishedTablesShowTheirAverageAndTime() {
        at(0, List.of(item("a", 0, 100), item("b", 0, 50)));
        at(2, List.of(item("a", 40, 100), item("b", 0, 50)));
        List<String> l = at(2, List.of(new ProgressBars.Item("a", 100, 100, true), item("b", 10, 50)));
        assertThat(l.get(0)).contains("[####", "100/~100 100%", "done in 0:04");
        assertThat(l.get(2)).startsWith("total").contains("110/~150", " 73%", "1/2 tables");
    }

    @Test
    void everyLineFitsNarrowAndWideTerminals() {
        List<ProgressBars.Item> items = List.of(item("a_database_with_a_long_name.a_table_with_a_long_name", 123_456,
                9_876_543), item("s.t", 5, -1), new ProgressBars.Item("x", 10, 20, true));
        for (int width = 10; width <= 200; width++) {
            for (String line : bars.render(items, List.of("streaming: lag 0.4 s, 12 events behind"), width, 30)) {
                assertThat(line.length()).as("width %d: %s", width, line).isLessThanOrEqualTo(width);
            }
        }
        List<String> narrow = bars.render(items, List.of(), 40, 30);
        assertThat(narrow.get(0)).as("the bar gives way before the figures").doesNotContain("[");
        List<String> wide = bars.render(items, List.of(), 160, 30);
        assertThat(wide.get(0)).contains("a_database_with_a_long_name.a_table_with_a_long_name", "  [..");
    }

    @Test
    void moreTablesThanLinesFoldFinishedAndWaitingOnesIntoTheTotal() {
        List<ProgressBars.Item> items = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            items.add(new ProgressBars.Item("done" + i, 10, 10, true));
        }
        items.add(item("waiting", 0, 10));
        items.add(item("busy", 5, 10));
        List<String> l = bars.render(items, List.of("extra"), 100, 4);
        assertThat(l).hasSize(4);
        assertThat(l.get(0)).startsWith("busy");
        assertThat(l.get(1)).startsWith("waiting");
        assertThat(l.get(2)).startsWith("total").contains("10/12 tables, 10 not shown");
        assertThat(l.get(3)).isEqualTo("extra");
    }

    @Test
    void aFrameRedrawsInPlaceAndTheFinalOneStays() {
        StringWriter out = new StringWriter();
        LiveProgress p = LiveProgress.forTest(ProgressMode.BARS, new PrintWriter(out), clock, 80, 10);
        p.update(List.of(item("t", 1, 10)), List.of());
        assertThat(out.toString()).doesNotContain("\033[2A"); // nothing to move over yet
        p.update(List.of(item("t", 5, 10)), List.of());
        assertThat(out.toString()).contains("\033[2A"); // back over the two lines of the first frame
        p.finish(List.of(new ProgressBars.Item("t", 10, 10, true)), List.of());
        String after = out.toString();
        p.finish(List.of(new ProgressBars.Item("t", 10, 10, true)), List.of());
        assertThat(out.toString().substring(after.length())).as("after the final frame nothing moves up")
                .doesNotContain("A\r");
    }
}
