package io.hstreamio.core.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Building option definitions and composing them; cross-field rules. */
class DefinitionTest {

    enum Mode { fast, FAST }

    enum Offset { EARLIEST, LATEST }

    static final OptionDef<Offset> FROM = OptionDef.enumeration("task.reader.fromOffset", Offset.class)
            .defaultValue(Offset.LATEST).build();
    static final OptionDef<String> ERROR_STREAM = OptionDef.string("task.error.stream").build();
    static final OptionDef<Integer> SKIP_COUNT = OptionDef.integer("task.error.skipCount").defaultValue(5).build();
    static final OptionsDefinition TOOLKIT = OptionsDefinition.builder("sink toolkit")
            .add(FROM, ERROR_STREAM, SKIP_COUNT)
            .rule(o -> {
                if (o.isSet(SKIP_COUNT) && o.get(ERROR_STREAM) == null) {
                    throw OptionException.invalid(SKIP_COUNT.name(), "needs task.error.stream to be set");
                }
            })
            .build();

    @Test
    void builderRejectsContradictions() {
        assertThatThrownBy(() -> OptionDef.integer("a").required().defaultValue(1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("option 'a' is required and has a default; drop one of the two");
        assertThatThrownBy(() -> OptionDef.string("a").secret().uiType("stream").build())
                .hasMessageContaining("secret");
        assertThatThrownBy(() -> OptionDef.integer("port").defaultValue(0).validator(Validators.port()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("default of option 'port'").hasMessageContaining("between 1 and 65535");
        assertThatThrownBy(() -> OptionDef.duration("d").defaultValue(Duration.ofNanos(5)).build())
                .hasMessageContaining("whole number of milliseconds");
        assertThatThrownBy(() -> OptionDef.duration("d").defaultValue(Duration.ofSeconds(-1)).build())
                .hasMessageContaining("non-negative");
        assertThatThrownBy(() -> OptionDef.enumeration("m", Mode.class))
                .hasMessageContaining("differ only in case");
        assertThatThrownBy(() -> OptionDef.string(" a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OptionDef.string("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void accessorsReflectTheBuilder() {
        OptionDef<String> pw = OptionDef.password("password").doc(" the password ").build();
        assertThat(pw.secret()).isTrue();
        assertThat(pw.uiType()).isEqualTo("secret");
        assertThat(pw.type()).isEqualTo(OptionType.STRING);
        assertThat(pw.doc()).isEqualTo("the password");
        assertThat(pw.displayName()).isEqualTo("password");
        assertThat(pw.required()).isFalse();
        assertThat(pw.defaultValue()).isEmpty();

        OptionDef<String> viaUiType = OptionDef.string("key").uiType("secret").build();
        assertThat(viaUiType.secret()).isTrue();

        OptionDef<String> stream = OptionDef.string("stream").uiType("stream").displayName("Stream").build();
        assertThat(stream.uiType()).isEqualTo("stream");
        assertThat(stream.secret()).isFalse();
        assertThat(stream.displayName()).isEqualTo("Stream");
        assertThat(FROM.type()).isEqualTo(OptionType.ENUM);
        assertThat(FROM.defaultValue()).contains(Offset.LATEST);
    }

    @Test
    void addAllComposesOptionsAndRules() {
        OptionDef<String> url = OptionDef.string("url").required().build();
        OptionsDefinition sink = OptionsDefinition.builder("postgresql sink").add(url).addAll(TOOLKIT).build();

        assertThat(sink.options()).containsExactly(url, FROM, ERROR_STREAM, SKIP_COUNT);
        Options options = sink.parse(Map.of("url", "jdbc:x", "task.reader.fromOffset", "earliest"));
        assertThat(options.get(FROM)).isEqualTo(Offset.EARLIEST);
        assertThatThrownBy(() -> sink.parse(Map.of("url", "jdbc:x", "task.error.skipCount", 3)))
                .isInstanceOf(OptionException.class)
                .hasMessage("option 'task.error.skipCount' of postgresql sink needs task.error.stream to be set, "
                        + "got 3");
    }

    @Test
    void sameOptionTwiceIsKeptOnceButTwoOptionsWithOneNameAreRejected() {
        OptionsDefinition twice = OptionsDefinition.builder("c").add(FROM).addAll(TOOLKIT).build();
        assertThat(twice.options()).containsExactly(FROM, ERROR_STREAM, SKIP_COUNT);

        OptionDef<String> other = OptionDef.string("task.error.stream").build();
        assertThatThrownBy(() -> OptionsDefinition.builder("c").add(other).addAll(TOOLKIT).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("option 'task.error.stream' is defined twice in c; keep one definition");
    }

    @Test
    void crossRulesRunOnlyWhenEveryOptionIsValid() {
        int[] calls = {0};
        OptionDef<Integer> n = OptionDef.integer("n").build();
        OptionsDefinition def = OptionsDefinition.builder("c").add(n).rule(o -> calls[0]++).build();

        assertThatThrownBy(() -> def.parse(Map.of("n", "x"))).isInstanceOf(OptionException.class);
        assertThat(calls[0]).isZero();
        def.parse(Map.of("n", 1));
        assertThat(calls[0]).isEqualTo(1);
    }

    @Test
    void allFailingCrossRulesAreReported() {
        OptionsDefinition def = OptionsDefinition.builder("c").add(OptionDef.integer("n").build())
                .rule(o -> {
                    throw new OptionException("first rule broken");
                })
                .rule(o -> {
                    throw new OptionException("n", "second\nrule broken");
                })
                .build();
        OptionException e = org.junit.jupiter.api.Assertions.assertThrows(OptionException.class,
                () -> def.parse(Map.of()));
        assertThat(e.getMessage()).isEqualTo("first rule broken; second rule broken");
        assertThat(e.problems()).hasSize(2);
        assertThat(e.optionName()).as("the first problem that names an option").isEqualTo("n");
    }

    @Test
    void customValidatorMessageStartingWithTheOptionGetsTheComponent() {
        OptionDef<String> url = OptionDef.string("url")
                .validator((name, v) -> {
                    if (!v.startsWith("jdbc:")) {
                        throw new OptionException(name, "option '" + name + "' must start with jdbc:");
                    }
                }).build();
        OptionsDefinition def = OptionsDefinition.builder("pg sink").add(url).build();
        assertThatThrownBy(() -> def.parse(Map.of("url", "http://x")))
                .hasMessage("option 'url' of pg sink must start with jdbc:");
    }
}
