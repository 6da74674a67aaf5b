package io.hstreamio.snapshot.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hstreamio.core.record.BitString;
import io.hstreamio.core.testing.RandomCases;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MySQL's text forms of temporal and bit values, parsed by hand on the hot path. */
class MariaDbTextTest {

    @Test
    void zeroAndPartialZeroDatesAreNull() {
        assertThat(MariaDbSource.date("0000-00-00")).isNull();
        assertThat(MariaDbSource.date("2024-00-10")).isNull();
        assertThat(MariaDbSource.date("2024-03-00")).isNull();
        assertThat(MariaDbSource.dateTime("0000-00-00 00:00:00")).isNull();
        assertThat(MariaDbSource.date("1000-01-01")).isEqualTo(LocalDate.of(1000, 1, 1));
    }

    @Test
    void dateTimesWithAnyFractionDigits() {
        assertThat(MariaDbSource.dateTime("9999-12-31 23:59:59.999999"))
                .isEqualTo(LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000));
        assertThat(MariaDbSource.dateTime("2024-02-29 12:34:56.7"))
                .isEqualTo(LocalDateTime.of(2024, 2, 29, 12, 34, 56, 700_000_000));
        assertThat(MariaDbSource.dateTime("2024-02-29 12:34:56"))
                .isEqualTo(LocalDateTime.of(2024, 2, 29, 12, 34, 56));
    }

    @Test
    void dateTimeParsingAgreesWithTheJdkOnRandomValues() {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
        RandomCases.forAll(500, g -> {
            LocalDateTime t = LocalDateTime.of(g.intIn(1000, 9999), g.intIn(1, 12), g.intIn(1, 28), g.intIn(0, 23),
                    g.intIn(0, 59), g.intIn(0, 59), g.intIn(0, 999_999) * 1000);
            assertThat(MariaDbSource.dateTime(t.format(f))).isEqualTo(t);
        });
    }

    @Test
    void timesBeyondADayAndNegative() {
        assertThat(MariaDbSource.time("-838:59:59.000000"))
                .isEqualTo(Duration.ofHours(-838).minusMinutes(59).minusSeconds(59));
        assertThat(MariaDbSource.time("12:34:56.000001"))
                .isEqualTo(Duration.ofHours(12).plusMinutes(34).plusSeconds(56).plusNanos(1000));
        assertThat(MariaDbSource.time("-00:00:01.5")).isEqualTo(Duration.ofMillis(-1500));
    }

    @Test
    void bitsAreLeftAlignedToTheirDeclaredLength() {
        assertThat(MariaDbSource.bits(new byte[] {0x02, 0x01}, 10)).isEqualTo(BitString.parse("1000000001"));
        assertThat(MariaDbSource.bits(new byte[] {0}, 3)).isEqualTo(BitString.parse("000"));
    }

    @Test
    void enumMembersWithQuotesAndCommas() {
        assertThat(MariaDbSource.members("enum('a','b c','d''e','f,g')")).isEqualTo(List.of("a", "b c", "d'e", "f,g"));
    }
}
