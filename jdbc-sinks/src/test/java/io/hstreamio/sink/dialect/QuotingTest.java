package io.hstreamio.sink.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hstreamio.core.testing.RandomCases;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QuotingTest {

    /** Reads a quoted identifier back the way the SQL lexer does: outer quotes off, doubled quotes single. */
    private static String unquote(String quoted, char q) {
        assertThat(quoted.charAt(0)).isEqualTo(q);
        assertThat(quoted.charAt(quoted.length() - 1)).isEqualTo(q);
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < quoted.length() - 1; i++) {
            char c = quoted.charAt(i);
            if (c == q) {
                assertThat(quoted.charAt(i + 1)).as("lone quote inside %s", quoted).isEqualTo(q);
                i++;
            }
            sb.append(c);
        }
        return sb.toString();
    }

    @Test
    void postgresQuotingRoundTrips() {
        RandomCases.forAll(1000, gen -> {
            String name = gen.text(15);
            if (name.isEmpty() || name.indexOf('\0') >= 0 || name.getBytes(StandardCharsets.UTF_8).length > 63) {
                return; // refused, see namesTheDatabaseWouldMangleAreRefused
            }
            assertThat(unquote(PostgresDialect.INSTANCE.quote(name), '"')).isEqualTo(name);
        });
    }

    @Test
    void mysqlQuotingRoundTrips() {
        RandomCases.forAll(1000, gen -> {
            String name = gen.text(15);
            if (name.isEmpty() || name.indexOf('\0') >= 0 || name.endsWith(" ")
                    || name.codePoints().anyMatch(c -> c > 0xFFFF)) {
                return;
            }
            assertThat(unquote(MySqlDialect.INSTANCE.quote(name), '`')).isEqualTo(name);
        });
    }

    @Test
    void awkwardNames() {
        assertThat(PostgresDialect.INSTANCE.quote("order")).isEqualTo("\"order\"");
        assertThat(PostgresDialect.INSTANCE.quote("a\"b")).isEqualTo("\"a\"\"b\"");
        assertThat(PostgresDialect.INSTANCE.quote("MiXed Case")).isEqualTo("\"MiXed Case\"");
        assertThat(MySqlDialect.INSTANCE.quote("a`b")).isEqualTo("`a``b`");
        assertThat(MySqlDialect.INSTANCE.quote("user")).isEqualTo("`user`");
        assertThat(MySqlDialect.INSTANCE.quote("naïve ☃")).isEqualTo("`naïve ☃`");
    }

    @Test
    void namesTheDatabaseWouldMangleAreRefused() {
        String long64 = "é".repeat(32); // 64 bytes: PostgreSQL would truncate it to 63
        assertThatThrownBy(() -> PostgresDialect.INSTANCE.quote(long64)).hasMessageContaining("63");
        assertThat(MySqlDialect.INSTANCE.quote(long64)).isNotNull(); // 32 characters are fine in MySQL
        assertThatThrownBy(() -> MySqlDialect.INSTANCE.quote("x".repeat(65))).hasMessageContaining("64");
        assertThatThrownBy(() -> MySqlDialect.INSTANCE.quote("trailing ")).hasMessageContaining("space");
        assertThatThrownBy(() -> MySqlDialect.INSTANCE.quote("emoji😀")).hasMessageContaining("U+FFFF");
        assertThatThrownBy(() -> PostgresDialect.INSTANCE.quote("a\0b")).hasMessageContaining("NUL");
    }

    @Test
    void derivedNamesStayWithinTheLimitAndDistinct() {
        String a = PostgresDialect.INSTANCE.derivedName("t".repeat(40), "index_one_" + "x".repeat(30));
        String b = PostgresDialect.INSTANCE.derivedName("t".repeat(40), "index_two_" + "x".repeat(30));
        assertThat(a.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void literalsDoubleQuotesOnly() {
        assertThat(PostgresDialect.INSTANCE.literal("it's \\n")).isEqualTo("'it''s \\n'");
        assertThat(MySqlDialect.INSTANCE.literal("it's \\n")).isEqualTo("'it''s \\n'");
        assertThat(MySqlDialect.INSTANCE.sessionInitSql()).contains("NO_BACKSLASH_ESCAPES");
    }
}
