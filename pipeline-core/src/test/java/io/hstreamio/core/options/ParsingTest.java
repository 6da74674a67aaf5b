package io.hstreamio.core.options;

import static io.hstreamio.core.options.SampleOptions.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How raw values of each type are converted, and the one-line messages for those that cannot be. */
class ParsingTest {

    private static Options parseWith(String name, Object value) {
        Map<String, Object> raw = minimal();
        raw.put(name, value);
        return MYSQL.parse(raw);
    }

    private static String problemWith(String name, Object value) {
        Map<String, Object> raw = minimal();
        raw.put(name, value);
        try {
            MYSQL.parse(raw);
        } catch (OptionException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected " + name + "=" + value + " to be rejected");
    }

    @Test
    void integersComeFromNumbersOrDigitStrings() {
        assertThat(parseWith("port", 5432).get(PORT)).isEqualTo(5432);
        assertThat(parseWith("port", "5432").get(PORT)).isEqualTo(5432);
        assertThat(parseWith("port", " 5433 ").get(PORT)).isEqualTo(5433);
        assertThat(parseWith("port", 5434L).get(PORT)).isEqualTo(5434);
        assertThat(parseWith("port", 5435.0d).get(PORT)).isEqualTo(5435);
        assertThat(parseWith("port", new BigDecimal("5436.000")).get(PORT)).isEqualTo(5436);
        assertThat(parseWith("port", BigInteger.valueOf(5437)).get(PORT)).isEqualTo(5437);
    }

    @Test
    void wrongTypeNamesOptionComponentAndValue() {
        assertThat(problemWith("port", "abc"))
                .isEqualTo("option 'port' of mysql source must be an integer, got 'abc'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"5.5", "1e3", "", "0x10", "true"})
    void integersRejectTextThatIsNotWholeDigits(String text) {
        assertThat(problemWith("port", text)).startsWith("option 'port' of mysql source must be an integer, got '");
    }

    @Test
    void integersRejectFractionsBooleansAndLists() {
        assertThat(problemWith("port", 5.5d)).isEqualTo("option 'port' of mysql source must be an integer, got 5.5");
        assertThat(problemWith("port", new BigDecimal("1.25"))).contains("must be an integer, got 1.25");
        assertThat(problemWith("port", Double.NaN)).contains("must be an integer");
        assertThat(problemWith("port", true)).contains("must be an integer, got true");
        assertThat(problemWith("port", List.of(1))).contains("must be an integer, got [1]");
    }

    @Test
    void integersRejectOverflowNamingTheRange() {
        assertThat(problemWith("port", "2147483648")).isEqualTo("option 'port' of mysql source must be an integer "
                + "between -2147483648 and 2147483647, got '2147483648'");
        assertThat(problemWith("port", 1L << 40)).contains("between -2147483648 and 2147483647");
        assertThat(problemWith("server.id", "9223372036854775808"))
                .contains("option 'server.id' of mysql source must be an integer between "
                        + "-9223372036854775808 and 9223372036854775807");
        assertThat(parseWith("server.id", "9223372036854775807").get(SERVER_ID)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void booleansAcceptTrueAndFalseInAnyCase() {
        assertThat(parseWith("snapshot", "TRUE").get(SNAPSHOT)).isTrue();
        assertThat(parseWith("snapshot", "False").get(SNAPSHOT)).isFalse();
        assertThat(parseWith("snapshot", false).get(SNAPSHOT)).isFalse();
        assertThat(problemWith("snapshot", "yes"))
                .isEqualTo("option 'snapshot' of mysql source must be true or false, got 'yes'");
        assertThat(problemWith("snapshot", 1)).contains("must be true or false, got 1");
    }

    @Test
    void durationsTakeUnitsOrMilliseconds() {
        assertThat(parseWith("buffer.batch.maxAge", "500ms").get(MAX_AGE)).isEqualTo(Duration.ofMillis(500));
        assertThat(parseWith("buffer.batch.maxAge", "10s").get(MAX_AGE)).isEqualTo(Duration.ofSeconds(10));
        assertThat(parseWith("buffer.batch.maxAge", "5m").get(MAX_AGE)).isEqualTo(Duration.ofMinutes(5));
        assertThat(parseWith("buffer.batch.maxAge", "5min").get(MAX_AGE)).isEqualTo(Duration.ofMinutes(5));
        assertThat(parseWith("buffer.batch.maxAge", "1H").get(MAX_AGE)).isEqualTo(Duration.ofHours(1));
        assertThat(parseWith("buffer.batch.maxAge", "2d").get(MAX_AGE)).isEqualTo(Duration.ofDays(2));
        assertThat(parseWith("buffer.batch.maxAge", "10 s").get(MAX_AGE)).isEqualTo(Duration.ofSeconds(10));
        assertThat(parseWith("buffer.batch.maxAge", 250).get(MAX_AGE)).isEqualTo(Duration.ofMillis(250));
        assertThat(parseWith("buffer.batch.maxAge", "250").get(MAX_AGE)).isEqualTo(Duration.ofMillis(250));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-5s", "10 seconds", "1.5s", "s", "PT10S", "99999999999999999999ms", "9999999999999999d"})
    void durationsRejectOtherText(String text) {
        assertThat(problemWith("buffer.batch.maxAge", text)).startsWith("option 'buffer.batch.maxAge' of mysql "
                + "source must be a duration like 500ms, 10s, 5m, 1h or a number of milliseconds, got '");
    }

    @Test
    void durationsRejectNegativeAndFractionalNumbers() {
        assertThat(problemWith("buffer.batch.maxAge", -1)).contains("must be a duration", "got -1");
        assertThat(problemWith("buffer.batch.maxAge", 1.5d)).contains("must be a duration", "got 1.5");
    }

    @Test
    void enumsMatchConstantNamesInAnyCase() {
        assertThat(parseWith("task.error.skipStrategy", "skipall").get(SKIP_STRATEGY))
                .isEqualTo(SkipStrategy.SkipAll);
        assertThat(parseWith("task.error.skipStrategy", "NEVERSKIP").get(SKIP_STRATEGY))
                .isEqualTo(SkipStrategy.NeverSkip);
        assertThat(problemWith("task.error.skipStrategy", "skip")).isEqualTo("option 'task.error.skipStrategy' of "
                + "mysql source must be one of SkipAll, SkipSome, NeverSkip, got 'skip'");
    }

    @Test
    void listsComeFromArraysOrCommaSeparatedText() {
        assertThat(parseWith("table", List.of("a", "b.c")).get(TABLES)).containsExactly("a", "b.c");
        assertThat(parseWith("table", " a , b.c,,").get(TABLES)).containsExactly("a", "b.c");
        assertThat(parseWith("table", "").get(TABLES)).isEmpty();
        assertThat(parseWith("table", List.of(1, true)).get(TABLES)).containsExactly("1", "true");
        assertThat(problemWith("table", List.of(List.of("x"))))
                .startsWith("option 'table' of mysql source must be a list of strings or a comma-separated string");
        assertThat(problemWith("table", 5)).contains("must be a list of strings", "got 5");
    }

    @Test
    void parsedListsCannotBeChanged() {
        List<String> tables = parseWith("table", new java.util.ArrayList<>(List.of("a"))).get(TABLES);
        assertThatThrownBy(() -> tables.add("b")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void stringsTakeScalarsAsTextButNotListsOrObjects() {
        assertThat(parseWith("serverTimeZone", "UTC").get(TIME_ZONE)).isEqualTo("UTC");
        assertThat(parseWith("serverTimeZone", 8).get(TIME_ZONE)).isEqualTo("8");
        assertThat(parseWith("serverTimeZone", new BigDecimal("1E+3")).get(TIME_ZONE)).isEqualTo("1000");
        assertThat(problemWith("serverTimeZone", List.of("a"))).isEqualTo(
                "option 'serverTimeZone' of mysql source must be a string, got ['a']");
        assertThat(problemWith("serverTimeZone", Map.of("a", 1))).contains("must be a string, got an object");
    }

    @Test
    void unknownOptionSuggestsTheClosestNameAndListsAllKnownSorted() {
        Map<String, Object> raw = minimal();
        raw.put("hots", "x");
        assertThatThrownBy(() -> MYSQL.parse(raw))
                .isInstanceOf(OptionException.class)
                .hasMessage("unknown option 'hots' for mysql source; did you mean 'host'? (known: buffer.batch.maxAge, "
                        + "database, host, password, port, server.id, serverTimeZone, snapshot, stream, table, "
                        + "task.error.skipStrategy, user)")
                .extracting(e -> ((OptionException) e).optionName()).isEqualTo("hots");
    }

    @Test
    void unknownOptionSuggestionIgnoresCaseButNamesAreCaseSensitive() {
        assertThat(problemWith("Task.Error.SkipStrategy", "SkipAll"))
                .startsWith("unknown option 'Task.Error.SkipStrategy' for mysql source; "
                        + "did you mean 'task.error.skipStrategy'?");
        assertThat(problemWith("pasword", "x")).contains("did you mean 'password'?");
    }

    @Test
    void unknownOptionFarFromAnyNameGetsNoSuggestion() {
        assertThat(problemWith("zzz", "x")).startsWith("unknown option 'zzz' for mysql source (known: ");
        assertThat(problemWith("zzz", "x")).doesNotContain("did you mean");
    }

    @Test
    void missingRequiredOptionQuotesItsDoc() {
        Map<String, Object> raw = minimal();
        raw.remove("host");
        assertThatThrownBy(() -> MYSQL.parse(raw))
                .hasMessage("option 'host' of mysql source is required: MySQL host name");
    }

    @Test
    void nullValueCountsAsNotGiven() {
        Map<String, Object> raw = minimal();
        raw.put("port", null);
        Options options = MYSQL.parse(raw);
        assertThat(options.isSet(PORT)).isFalse();
        assertThat(options.get(PORT)).isEqualTo(3306);
        raw.put("host", null);
        assertThatThrownBy(() -> MYSQL.parse(raw)).hasMessageContaining("option 'host' of mysql source is required");
    }

    @Test
    void nullConfigIsEmptyConfig() {
        assertThatThrownBy(() -> MYSQL.parse(null)).isInstanceOf(OptionException.class)
                .hasMessageContaining("option 'stream' of mysql source is required");
    }

    @Test
    void allProblemsAreReportedTogetherOnOneLine() {
        Map<String, Object> raw = new HashMap<>(minimal());
        raw.remove("user");
        raw.put("port", "abc");
        raw.put("hots", "x");
        raw.put("snapshot", "maybe\nnot");

        OptionException e = org.junit.jupiter.api.Assertions.assertThrows(OptionException.class,
                () -> MYSQL.parse(raw));

        assertThat(e.problems()).containsExactly(
                e.problems().get(0),
                "option 'port' of mysql source must be an integer, got 'abc'",
                "option 'user' of mysql source is required: MySQL user",
                "option 'snapshot' of mysql source must be true or false, got 'maybe\\nnot'");
        assertThat(e.problems().get(0)).startsWith("unknown option 'hots'");
        assertThat(e.getMessage()).isEqualTo(String.join("; ", e.problems())).doesNotContain("\n", "\r");
        assertThat(e.optionName()).isEqualTo("hots");
    }

    @Test
    void validatorFailureNamesTheOptionWhatIsAllowedAndTheValue() {
        assertThat(problemWith("port", 70000))
                .isEqualTo("option 'port' of mysql source must be a port number between 1 and 65535, got 70000");
        assertThat(problemWith("host", "  ")).isEqualTo("option 'host' of mysql source must not be empty, got '  '");
    }

    @Test
    void longValuesAreCutInMessages() {
        String longText = "x".repeat(500);
        String message = problemWith("port", longText);
        assertThat(message).endsWith("...").hasSizeLessThan(200);
    }

    @Test
    void optionNamesKeepDotsAndCamelCase() {
        Options options = parseWith("task.error.skipStrategy", "SkipSome");
        assertThat(options.raw()).containsEntry("task.error.skipStrategy", "SkipSome");
        assertThat(MYSQL.find("task.error.skipStrategy")).containsSame(SKIP_STRATEGY);
        assertThat(MYSQL.find("task.error.skipstrategy")).isEmpty();
    }

    @Test
    void editDistanceCountsASwapAsOneEdit() {
        assertThat(OptionsDefinition.editDistance("hots", "host")).isEqualTo(1);
        assertThat(OptionsDefinition.editDistance("port", "host")).isEqualTo(2);
        assertThat(OptionsDefinition.editDistance("", "abc")).isEqualTo(3);
        assertThat(OptionsDefinition.editDistance("kitten", "sitting")).isEqualTo(3);
    }
}
