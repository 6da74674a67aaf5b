package io.hstreamio.core.options;

import static io.hstreamio.core.options.SampleOptions.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading parsed options: values, defaults, what was given, and the masked and raw maps. */
class OptionsTest {

    @Test
    void getReturnsGivenValueElseDefaultElseNull() {
        Map<String, Object> raw = minimal();
        raw.put("port", "3307");
        Options options = MYSQL.parse(raw);

        assertThat(options.get(PORT)).isEqualTo(3307);
        assertThat(options.get(SERVER_ID)).isEqualTo(5400L);
        assertThat(options.get(MAX_AGE)).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.get(SKIP_STRATEGY)).isEqualTo(SkipStrategy.NeverSkip);
        assertThat(options.get(TIME_ZONE)).isNull();
        assertThat(options.find(TIME_ZONE)).isEmpty();
        assertThat(options.find(HOST)).contains("db1");
    }

    @Test
    void isSetOnlyForOptionsGivenExplicitly() {
        Map<String, Object> raw = minimal();
        raw.put("port", 3306);
        Options options = MYSQL.parse(raw);

        assertThat(options.isSet(PORT)).isTrue();
        assertThat(options.isSet(SERVER_ID)).isFalse();
        assertThat(options.get(SERVER_ID)).isEqualTo(5400L);
    }

    @Test
    void optionOfAnotherDefinitionIsRejectedByName() {
        Options options = MYSQL.parse(minimal());
        OptionDef<Integer> lookalike = OptionDef.integer("port").build();
        OptionDef<String> foreign = OptionDef.string("url").build();

        assertThatThrownBy(() -> options.get(foreign))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("option 'url' is not defined for mysql source; add it to that component's "
                        + "OptionsDefinition");
        assertThatThrownBy(() -> options.get(lookalike)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'port'");
        assertThatThrownBy(() -> options.isSet(foreign)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> options.find(foreign)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void maskedHasGivenOptionsInDefinitionOrderWithSecretsHidden() {
        Map<String, Object> raw = minimal();
        raw.put("buffer.batch.maxAge", 90_000);
        raw.put("table", "a,b");
        raw.put("task.error.skipStrategy", "skipsome");

        Map<String, Object> masked = MYSQL.parse(raw).masked();

        assertThat(masked).containsExactly(
                entry("stream", "orders"), entry("host", "db1"), entry("user", "root"),
                entry("password", Options.MASK), entry("database", "shop"), entry("table", List.of("a", "b")),
                entry("buffer.batch.maxAge", "90s"), entry("task.error.skipStrategy", "SkipSome"));
        assertThatThrownBy(() -> masked.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void rawKeepsSecretsAndParsesBackToEqualOptions() {
        Map<String, Object> raw = minimal();
        raw.put("port", "3310");
        raw.put("buffer.batch.maxAge", "1500");
        raw.put("snapshot", "FALSE");
        raw.put("table", " a , b ");
        Options options = MYSQL.parse(raw);

        Map<String, Object> again = options.raw();

        assertThat(again).containsEntry("password", SECRET).containsEntry("port", 3310)
                .containsEntry("buffer.batch.maxAge", "1500ms").containsEntry("snapshot", false);
        assertThat(MYSQL.parse(again)).isEqualTo(options).hasSameHashCodeAs(options);
    }

    @Test
    void parsesTheConnectorSectionOfAConfigJsonAsJacksonReadsIt() throws Exception {
        String json = """
                {"stream":"orders","host":"db1","port":3307,"user":"root","password":"pw","database":"shop",
                 "table":["a","b"],"snapshot":false,"buffer.batch.maxAge":1500,"server.id":12345678901,
                 "task.error.skipStrategy":"SkipAll"}""";
        @SuppressWarnings("unchecked")
        Map<String, Object> raw = new com.fasterxml.jackson.databind.ObjectMapper().readValue(json, Map.class);

        Options options = MYSQL.parse(raw);

        assertThat(options.get(PORT)).isEqualTo(3307);
        assertThat(options.get(TABLES)).containsExactly("a", "b");
        assertThat(options.get(SNAPSHOT)).isFalse();
        assertThat(options.get(MAX_AGE)).isEqualTo(Duration.ofMillis(1500));
        assertThat(options.get(SERVER_ID)).isEqualTo(12_345_678_901L);
        assertThat(options.get(SKIP_STRATEGY)).isEqualTo(SkipStrategy.SkipAll);
    }

    @Test
    void toStringIsTheMaskedForm() {
        String text = MYSQL.parse(minimal()).toString();
        assertThat(text).isEqualTo("mysql source options {stream=orders, host=db1, user=root, password=******, "
                + "database=shop}");
    }

    @Test
    void optionsFromDifferentConfigsDiffer() {
        Map<String, Object> other = minimal();
        other.put("host", "db2");
        assertThat(MYSQL.parse(other)).isNotEqualTo(MYSQL.parse(minimal()));
    }
}
