package io.hstreamio.sink.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.hstreamio.sink.dialect.MySqlDialect;
import org.junit.jupiter.api.Test;

class MySqlColumnTest {
    private static final MySqlDialect D = MySqlDialect.INSTANCE;

    private static MySqlColumn mariadb(String def, String extra) {
        return new MySqlColumn(def, extra, "", null, null, true);
    }

    private static MySqlColumn mysql(String def, String extra) {
        return new MySqlColumn(def, extra, "", null, null, false);
    }

    @Test
    void restatesEverythingButTheNewType() {
        assertThat(new MySqlColumn(null, "auto_increment", "the key", null, null, true)
                .restate(D, "id", "BIGINT", false)).isEqualTo("`id` BIGINT NOT NULL AUTO_INCREMENT COMMENT 'the key'");
        assertThat(new MySqlColumn("'it''s'", "", "two\nlines 'quoted'", "latin1", "latin1_swedish_ci", true)
                .restate(D, "name", "VARCHAR(50)", true)).isEqualTo("`name` VARCHAR(50) CHARACTER SET latin1 "
                        + "COLLATE latin1_swedish_ci NULL DEFAULT 'it''s' COMMENT 'two\nlines ''quoted'''");
        assertThat(mariadb("current_timestamp(3)", "on update current_timestamp(3)")
                .restate(D, "ts", "DATETIME(3)", false))
                .isEqualTo("`ts` DATETIME(3) NOT NULL DEFAULT current_timestamp(3) ON UPDATE current_timestamp(3)");
        assertThat(mysql("CURRENT_TIMESTAMP", "DEFAULT_GENERATED on update CURRENT_TIMESTAMP")
                .restate(D, "ts", "TIMESTAMP", true))
                .isEqualTo("`ts` TIMESTAMP NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP");
        assertThat(mariadb("7", "INVISIBLE").restate(D, "n", "BIGINT", true))
                .isEqualTo("`n` BIGINT NULL DEFAULT 7 INVISIBLE");
    }

    @Test
    void mariaDbDefaultsAreReQuotedForNoBackslashEscapes() {
        // information_schema prints 'a\\b\nc''d' for the four-line-free text a\b<newline>c'd.
        assertThat(mariadb("'a\\\\b\\nc''d'", "").defaultSql(D)).isEqualTo("'a\\b\nc''d'");
        assertThat(mariadb("NULL", "").defaultSql(D)).isNull();
        assertThat(mariadb(null, "").defaultSql(D)).isNull();
        assertThat(mariadb("-1.5e3", "").defaultSql(D)).isEqualTo("-1.5e3");
        assertThat(mariadb("b'101'", "").defaultSql(D)).isEqualTo("b'101'");
        assertThat(mariadb("(1 + 1)", "").defaultSql(D)).isEqualTo("(1 + 1)");
        assertThat(mariadb("(1) + (2)", "").defaultSql(D)).isEqualTo("((1) + (2))");
        assertThat(mariadb("concat('p\\\\q',')')", "").defaultSql(D)).isEqualTo("(concat('p\\q',')'))");
        assertThat(MySqlColumn.requote(D, "`a``'b` = 'x\\'y'")).isEqualTo("`a``'b` = 'x''y'");
    }

    @Test
    void mySqlDefaultsAreRawLiteralsOrFlaggedExpressions() {
        assertThat(mysql("it's", "").defaultSql(D)).isEqualTo("'it''s'");
        assertThat(mysql("back\\slash", "").defaultSql(D)).isEqualTo("'back\\slash'");
        assertThat(mysql("7", "").defaultSql(D)).isEqualTo("'7'");
        assertThat(mysql(null, "").defaultSql(D)).isNull();
        assertThat(mysql("concat(_utf8mb4\\'a\\',_utf8mb4\\'b\\')", "DEFAULT_GENERATED").defaultSql(D))
                .isEqualTo("(concat(_utf8mb4'a',_utf8mb4'b'))");
    }

    @Test
    void generatedColumnsAreRecognised() {
        assertThat(mariadb(null, "VIRTUAL GENERATED").generated()).isTrue();
        assertThat(mysql(null, "STORED GENERATED").generated()).isTrue();
        assertThat(mariadb(null, "auto_increment").generated()).isFalse();
    }
}
