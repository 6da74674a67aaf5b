package io.hstreamio.core.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each built-in validator: what passes, the message of what fails, and its schema keywords. */
class ValidatorsTest {

    private static String failure(Validator<?> v, Object value) {
        @SuppressWarnings("unchecked")
        Validator<Object> any = (Validator<Object>) v;
        try {
            any.validate("x", value);
        } catch (OptionException e) {
            assertThat(e.optionName()).isEqualTo("x");
            return e.getMessage();
        }
        throw new AssertionError(value + " passed");
    }

    @Test
    void rangeIsInclusive() {
        Validator<Number> v = Validators.range(1, 10);
        assertThatCode(() -> v.validate("x", 1)).doesNotThrowAnyException();
        assertThatCode(() -> v.validate("x", 10L)).doesNotThrowAnyException();
        assertThat(failure(v, 0)).isEqualTo("option 'x' must be between 1 and 10");
        assertThat(failure(v, 11)).isEqualTo("option 'x' must be between 1 and 10");
        assertThat(failure(Validators.min(5), 4)).isEqualTo("option 'x' must be at least 5");
        assertThat(failure(Validators.range(Long.MIN_VALUE, 0), 1)).isEqualTo("option 'x' must be at most 0");
        assertThatThrownBy(() -> Validators.range(2, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void positiveNonNegativeAndPort() {
        assertThat(failure(Validators.positive(), 0)).isEqualTo("option 'x' must be greater than 0");
        assertThat(failure(Validators.nonNegative(), -1)).isEqualTo("option 'x' must be 0 or greater");
        assertThatCode(() -> Validators.nonNegative().validate("x", 0)).doesNotThrowAnyException();
        assertThat(failure(Validators.port(), 0)).isEqualTo("option 'x' must be a port number between 1 and 65535");
        assertThat(failure(Validators.port(), 65536)).contains("between 1 and 65535");
        assertThatCode(() -> Validators.port().validate("x", 65535)).doesNotThrowAnyException();
    }

    @Test
    void nonEmptyRejectsBlankTextAndEmptyLists() {
        assertThat(failure(Validators.nonEmpty(), "")).isEqualTo("option 'x' must not be empty");
        assertThat(failure(Validators.nonEmpty(), " \t")).isEqualTo("option 'x' must not be empty");
        assertThat(failure(Validators.nonEmpty(), List.of())).isEqualTo("option 'x' must not be empty");
        assertThatCode(() -> Validators.nonEmpty().validate("x", List.of("a"))).doesNotThrowAnyException();
        assertThatCode(() -> Validators.nonEmpty().validate("x", "a")).doesNotThrowAnyException();
    }

    @Test
    void oneOfComparesExactly() {
        Validator<String> v = Validators.oneOf("EARLIEST", "LATEST");
        assertThatCode(() -> v.validate("x", "LATEST")).doesNotThrowAnyException();
        assertThat(failure(v, "latest")).isEqualTo("option 'x' must be one of EARLIEST, LATEST");
    }

    @Test
    void patternMatchesTheWholeValue() {
        Validator<String> v = Validators.pattern("[a-z_]+", "lowercase letters and _");
        assertThatCode(() -> v.validate("x", "a_b")).doesNotThrowAnyException();
        assertThat(failure(v, "a_b1")).isEqualTo("option 'x' must be lowercase letters and _");
    }

    @Test
    void durationRangeNamesBoundsInDurationText() {
        Validator<Duration> v = Validators.durationRange(Duration.ofMillis(100), Duration.ofMinutes(5));
        assertThatCode(() -> v.validate("x", Duration.ofMinutes(5))).doesNotThrowAnyException();
        assertThat(failure(v, Duration.ofMinutes(6))).isEqualTo("option 'x' must be between 100ms and 5m");
    }

    @Test
    void eachNamesTheBadItem() {
        Validator<List<String>> v = Validators.each(Validators.oneOf("a", "b"));
        assertThatCode(() -> v.validate("x", List.of("a", "b"))).doesNotThrowAnyException();
        assertThat(failure(v, List.of("a", "c")))
                .isEqualTo("option 'x' has an invalid item 'c': it must be one of a, b");
    }

    @Test
    void inADefinitionMessagesGainComponentAndValue() {
        OptionDef<List<String>> modes = OptionDef.list("modes").validator(Validators.each(Validators.oneOf("a")))
                .build();
        OptionDef<Duration> wait = OptionDef.duration("wait")
                .validator(Validators.durationRange(Duration.ZERO, Duration.ofSeconds(1))).build();
        OptionsDefinition def = OptionsDefinition.builder("demo sink").add(modes, wait).build();
        assertThatThrownBy(() -> def.parse(Map.of("modes", "a,z", "wait", "2s")))
                .hasMessage("option 'modes' of demo sink has an invalid item 'z': it must be one of a; "
                        + "option 'wait' of demo sink must be between 0s and 1s, got '2s'");
    }

    @Test
    void schemaKeywords() {
        OptionsDefinition def = OptionsDefinition.builder("demo")
                .add(OptionDef.string("mode").validator(Validators.oneOf("EARLIEST", "LATEST")).build(),
                        OptionDef.string("id").validator(Validators.pattern("[a-z]+", "lowercase")).build(),
                        OptionDef.list("tables").validator(Validators.nonEmpty())
                                .validator(Validators.each(Validators.pattern("[a-z.]+", "a table name"))).build(),
                        OptionDef.integer("n").validator(Validators.range(Integer.MIN_VALUE, 5)).build())
                .build();
        JsonNode p = def.jsonSchema().get("properties");
        assertThat(p.at("/mode/enum").toString()).isEqualTo("[\"EARLIEST\",\"LATEST\"]");
        assertThat(p.at("/id/pattern").asText()).isEqualTo("^(?:[a-z]+)$");
        assertThat(p.at("/tables/minItems").asInt()).isEqualTo(1);
        assertThat(p.at("/tables/items/pattern").asText()).isEqualTo("^(?:[a-z.]+)$");
        assertThat(p.at("/n").has("minimum")).isFalse();
        assertThat(p.at("/n/maximum").asInt()).isEqualTo(5);
    }
}
