package io.hstreamio.core.options;

import static io.hstreamio.core.options.SampleOptions.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import io.hstreamio.core.testing.RandomCases;
import org.junit.jupiter.api.Test;

/** Properties over many generated values: conversions, the raw() round trip, and that secrets never leak. */
class OptionsPropertiesTest {

    @Test
    void everyIntParsesFromNumberAndFromText() {
        OptionDef<Integer> def = OptionDef.integer("n").build();
        RandomCases.forAll(gen -> {
            int value = gen.anyInt();
            assertThat(def.convert(value)).isEqualTo(value);
            assertThat(def.convert(Integer.toString(value))).isEqualTo(value);
            assertThat(def.convert((long) value)).isEqualTo(value);
        });
    }

    @Test
    void integersBeyondIntRangeAreRejected() {
        OptionsDefinition def = OptionsDefinition.builder("c").add(OptionDef.integer("n").build()).build();
        RandomCases.forAll(gen -> {
        long value = gen.anyLong();
        if (value == (int) value) {
            assertThat(def.parse(Map.of("n", value)).raw()).containsEntry("n", (int) value);
        } else {
            assertThat(catchThrowableOfType(OptionException.class, () -> def.parse(Map.of("n", Long.toString(value))))
                    .getMessage()).contains("between -2147483648 and 2147483647");
        }
        });
    }

    @Test
    void everyLongTextParsesAndOneMoreOverflows() {
        OptionDef<Long> def = OptionDef.longInt("n").build();
        RandomCases.forAll(gen -> {
        long value = gen.anyLong();
        assertThat(def.convert(Long.toString(value))).isEqualTo(value);
        BigInteger beyond = BigInteger.valueOf(value).add(BigInteger.valueOf(Long.MAX_VALUE)).add(BigInteger.ONE);
        if (beyond.bitLength() > 63) {
            assertThat(catchThrowableOfType(Values.BadValue.class, () -> def.convert(beyond.toString())))
                    .isNotNull();
        }
        });
    }

    @Test
    void durationTextReadsBackExactly() {
        RandomCases.forAll(gen -> {
        long millis = gen.longIn(0, 100L * 365 * 86_400_000);
        Duration d = Duration.ofMillis(millis);
        String text = Values.formatDuration(d);
        assertThat(Values.toDuration(text)).isEqualTo(d);
        assertThat(text).hasSizeLessThanOrEqualTo(Long.toString(millis).length() + 2);
        });
    }

    @Test
    void rawParsesBackToEqualOptions() {
        RandomCases.forAll(gen -> {
        int port = gen.intIn(1, 65_535);
        List<String> tables = gen.list(4, () -> gen.string(1, 8, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"));
        long maxAgeMillis = gen.longIn(0, 1_000_000_000);
        SkipStrategy strategy = gen.oneOf(SkipStrategy.class);
        boolean snapshot = gen.bool();
        Map<String, Object> raw = minimal();
        raw.put("port", Integer.toString(port));
        raw.put("table", String.join(",", tables));
        raw.put("buffer.batch.maxAge", maxAgeMillis);
        raw.put("task.error.skipStrategy", strategy.name().toLowerCase());
        raw.put("snapshot", Boolean.toString(snapshot).toUpperCase());

        Options options = MYSQL.parse(raw);

        assertThat(MYSQL.parse(options.raw())).isEqualTo(options);
        assertThat(options.get(TABLES)).isEqualTo(tables);
        assertThat(options.get(MAX_AGE)).isEqualTo(Duration.ofMillis(maxAgeMillis));
        assertThat(options.get(SKIP_STRATEGY)).isEqualTo(strategy);
        });
    }

    private static final OptionDef<String> KEY = OptionDef.password("key")
            .validator((name, v) -> {
                if (v.length() > 20) {
                    throw new OptionException(name, "option '" + name + "' is too long: " + v);
                }
            }).build();
    private static final OptionDef<Integer> PIN = OptionDef.integer("pin").secret().build();
    private static final OptionDef<String> USER = OptionDef.string("user").build();
    private static final OptionsDefinition VAULT = OptionsDefinition.builder("vault")
            .add(KEY, PIN, USER)
            .rule(o -> {
                if (o.get(USER) != null && o.get(KEY) != null && o.get(USER).contains(o.get(KEY))) {
                    throw new OptionException("user must not contain the key " + o.get(KEY));
                }
            })
            .build();

    @Test
    void secretsNeverShowInMessagesMaskedOrToString() {
        RandomCases.forAll(gen -> {
        String secret = gen.alphanumeric(8, 40);
        // Wrong type for a secret integer.
        OptionException wrongType = catchThrowableOfType(OptionException.class,
                () -> VAULT.parse(Map.of("pin", secret + "x")));
        assertThat(wrongType.getMessage()).doesNotContain(secret);

        // A validator or cross rule that quotes the secret; valid otherwise.
        Map<String, Object> raw = Map.of("key", secret, "user", "u-" + secret);
        try {
            Options options = VAULT.parse(raw);
            throw new AssertionError("expected the cross rule to fail, got " + options);
        } catch (OptionException e) {
            assertThat(e.getMessage()).doesNotContain(secret);
        }

        Options ok = VAULT.parse(Map.of("key", secret.substring(0, 8), "pin", 1234));
        assertThat(ok.toString()).doesNotContain(secret.substring(0, 8), "1234");
        assertThat(ok.masked().values()).containsOnly(Options.MASK);
        });
    }
}
