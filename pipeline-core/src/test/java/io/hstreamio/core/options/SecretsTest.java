package io.hstreamio.core.options;

import static io.hstreamio.core.options.SampleOptions.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Secret values never show: not in messages of any kind, not in masked(), toString() or the schema. */
class SecretsTest {

    private static final OptionDef<Integer> SECRET_PIN = OptionDef.integer("pin").secret()
            .validator(Validators.range(1000, 9999)).build();
    private static final OptionDef<String> TOKEN = OptionDef.password("token")
            .validator((name, value) -> {
                if (!value.startsWith("tk_")) {
                    // A careless validator that quotes the value; the framework must still hide it.
                    throw new OptionException(name, "option '" + name + "' must start with tk_, got '" + value + "'");
                }
            }).build();
    private static final OptionDef<List<String>> KEYS = OptionDef.list("keys").secret()
            .validator(Validators.each(Validators.pattern("k-[0-9]+", "k- and digits"))).build();
    private static final OptionDef<String> USER_NAME = OptionDef.string("user").build();

    private static final OptionsDefinition DEF = OptionsDefinition.builder("vault sink")
            .add(SECRET_PIN, TOKEN, KEYS, USER_NAME)
            .rule(options -> {
                if (options.get(TOKEN) != null && options.get(TOKEN).equals(options.get(USER_NAME))) {
                    throw new OptionException("token '" + options.get(TOKEN) + "' must differ from the user");
                }
            })
            .build();

    private static OptionException failure(Map<String, ?> raw) {
        return catchThrowableOfType(OptionException.class, () -> DEF.parse(raw));
    }

    @Test
    void wrongTypeOfSecretDoesNotShowTheValue() {
        OptionException e = failure(Map.of("pin", "12ab34"));
        assertThat(e.getMessage())
                .isEqualTo("option 'pin' of vault sink must be an integer (the value is secret and not shown)")
                .doesNotContain("12ab34");
    }

    @Test
    void builtInValidatorOnSecretDoesNotShowTheValue() {
        OptionException e = failure(Map.of("pin", 123456));
        assertThat(e.getMessage()).isEqualTo(
                "option 'pin' of vault sink must be between 1000 and 9999 (the value is secret and not shown)");
    }

    @Test
    void customValidatorQuotingTheSecretIsRedacted() {
        OptionException e = failure(Map.of("token", SECRET));
        assertThat(e.getMessage()).isEqualTo("option 'token' of vault sink must start with tk_, got '******'")
                .doesNotContain(SECRET);
    }

    @Test
    void listItemsOfSecretListAreRedacted() {
        OptionException e = failure(Map.of("keys", List.of("k-1", "x-secret-key")));
        assertThat(e.getMessage()).contains("option 'keys' of vault sink has an invalid item '******'")
                .doesNotContain("x-secret-key");
    }

    @Test
    void crossRuleQuotingTheSecretIsRedacted() {
        OptionException e = failure(Map.of("token", "tk_same", "user", "tk_same"));
        assertThat(e.getMessage()).isEqualTo("token '******' must differ from the user").doesNotContain("tk_same");
    }

    @Test
    void secretsNeverShowInMaskedOrToString() {
        Map<String, Object> raw = minimal();
        raw.put("port", 3307);
        Options options = MYSQL.parse(raw);

        assertThat(options.masked()).containsEntry("password", "******");
        assertThat(options.masked().toString()).doesNotContain(SECRET);
        assertThat(options.toString()).doesNotContain(SECRET).contains("password=******");
        assertThat(options.get(PASSWORD)).isEqualTo(SECRET);
    }

    @Test
    void secretListAndNumberAreMaskedWhole() {
        Options options = DEF.parse(Map.of("pin", 4321, "keys", "k-1,k-2", "token", "tk_x"));
        assertThat(options.masked()).containsEntry("pin", "******").containsEntry("keys", "******")
                .containsEntry("token", "******");
        assertThat(options.toString()).doesNotContain("4321", "k-1", "tk_x");
        assertThat(options.raw()).containsEntry("pin", 4321).containsEntry("keys", List.of("k-1", "k-2"));
    }

    @Test
    void unknownOptionsNeverShowTheirValues() {
        Map<String, Object> raw = minimal();
        raw.put("pasword", SECRET);
        OptionException e = catchThrowableOfType(OptionException.class, () -> MYSQL.parse(raw));
        assertThat(e.getMessage()).contains("unknown option 'pasword'").doesNotContain(SECRET);
    }

    @Test
    void secretDefaultIsNotInTheSchema() {
        OptionDef<String> withDefault = OptionDef.password("apiKey").defaultValue("default-key").build();
        String schema = OptionsDefinition.builder("x").add(withDefault).build().jsonSchema().toString();
        assertThat(schema).doesNotContain("default-key").contains("\"ui:type\":\"secret\"");
    }

    @Test
    void invalidSecretDefaultIsRejectedWithoutShowingIt() {
        var builder = OptionDef.integer("pin").secret().validator(Validators.range(1000, 9999)).defaultValue(77);
        assertThat(catchThrowableOfType(IllegalArgumentException.class, builder::build).getMessage())
                .contains("'pin'").doesNotContain("77");
    }
}
