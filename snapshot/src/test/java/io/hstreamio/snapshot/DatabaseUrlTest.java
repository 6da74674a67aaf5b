package io.hstreamio.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {
    @Test
    void mysqlUrlWithPercentEncodedPassword() {
        DatabaseUrl u = DatabaseUrl.parse("--from", "mysql://app:p%40ss:w@db.example:3307/shop");
        assertThat(u.kind()).isEqualTo(DatabaseUrl.Kind.MYSQL);
        assertThat(u.user()).isEqualTo("app");
        assertThat(u.password()).isEqualTo("p@ss:w");
        assertThat(u.host()).isEqualTo("db.example");
        assertThat(u.port()).isEqualTo(3307);
        assertThat(u.database()).isEqualTo("shop");
        assertThat(u.schema()).isNull();
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:mariadb://db.example:3307/shop");
        assertThat(u.toString()).doesNotContain("p@ss").doesNotContain("ss:w").isEqualTo("mysql://app@db.example:3307/shop");
    }

    @Test
    void postgresDefaultsAndSchema() {
        DatabaseUrl u = DatabaseUrl.parse("--to", "postgresql://postgres@localhost/target?schema=copy");
        assertThat(u.port()).isEqualTo(5432);
        assertThat(u.schema()).isEqualTo("copy");
        assertThat(u.password()).isNull();
        assertThat(DatabaseUrl.parse("--to", "postgres://u@h/db").schema()).isEqualTo("public");
        assertThat(DatabaseUrl.parse("--from", "mariadb://u@h/db").port()).isEqualTo(3306);
    }

    @Test
    void jdbcUrlsWithCredentialsAsParameters() {
        DatabaseUrl pg = DatabaseUrl.parse("--from",
                "jdbc:postgresql://h:5433/db?user=alice&password=secret&currentSchema=s1");
        assertThat(pg.kind()).isEqualTo(DatabaseUrl.Kind.POSTGRESQL);
        assertThat(pg.user()).isEqualTo("alice");
        assertThat(pg.password()).isEqualTo("secret");
        assertThat(pg.schema()).isEqualTo("s1");
        assertThat(pg.toString()).doesNotContain("secret");
        DatabaseUrl my = DatabaseUrl.parse("--from", "jdbc:mysql://h/db?user=bob");
        assertThat(my.kind()).isEqualTo(DatabaseUrl.Kind.MYSQL);
        assertThat(my.jdbcUrl()).startsWith("jdbc:mariadb://h:3306/db");
    }

    @Test
    void badUrlsNameTheFix() {
        assertThatThrownBy(() -> DatabaseUrl.parse("--from", "oracle://u@h/db")).isInstanceOf(BadInputException.class)
                .hasMessage("--from has unknown scheme 'oracle': use mysql://, mariadb:// or postgresql:// (JDBC URLs "
                        + "of those work too)");
        assertThatThrownBy(() -> DatabaseUrl.parse("--to", "h:5432/db")).hasMessageContaining("has no scheme");
        assertThatThrownBy(() -> DatabaseUrl.parse("--to", "postgresql://u@h")).hasMessageContaining("names no database");
        assertThatThrownBy(() -> DatabaseUrl.parse("--to", "postgresql:///db")).hasMessageContaining("names no host");
        assertThatThrownBy(() -> DatabaseUrl.parse("--to", "  ")).hasMessageContaining("is empty");
        assertThatThrownBy(() -> DatabaseUrl.parse("--to", "mysql://u:p w@h/db"))
                .hasMessageContaining("percent-encode");
    }
}
