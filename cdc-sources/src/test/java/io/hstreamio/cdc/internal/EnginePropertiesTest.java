package io.hstreamio.cdc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.hstreamio.cdc.CdcConfig;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import io.hstreamio.core.testing.RandomCases;
import org.junit.jupiter.api.Test;

class EnginePropertiesTest {

    @Test
    void slotAndPublicationNamesAreStableValidAndDistinct() {
        Pattern valid = Pattern.compile("[a-z0-9_]{1,63}");
        RandomCases.forAll(g -> {
            String a = g.text(200);
            String b = g.text(200);
            if (a.isEmpty()) {
                return;
            }
            assertThat(EngineProperties.slotName(a)).matches(valid).isEqualTo(EngineProperties.slotName(a));
            assertThat(EngineProperties.publicationName(a)).matches(valid);
            if (!a.equals(b)) {
                assertThat(EngineProperties.slotName(a)).isNotEqualTo(EngineProperties.slotName(b));
            }
        });
    }

    @Test
    void tablesAreQualifiedAndMatchedLiterally() {
        CdcConfig c = new CdcConfig("n", "mysql", "h", 3306, "u", "secret", "shop", List.of("orders", "other.t"),
                List.of("shop\\.audit_.*"), List.of("shop\\.tmp"), "UTC", null, false, Map.of());
        var p = EngineProperties.of(c, Dialect.MARIADB);
        List<Pattern> include = java.util.Arrays.stream(p.getProperty("table.include.list").split(","))
                .map(Pattern::compile).toList();
        assertThat(include).anyMatch(x -> x.matcher("shop.orders").matches());
        assertThat(include).anyMatch(x -> x.matcher("other.t").matches());
        assertThat(include).anyMatch(x -> x.matcher("shop.audit_2024").matches());
        assertThat(include).noneMatch(x -> x.matcher("shopXorders").matches());
        assertThat(p.getProperty("table.exclude.list")).isEqualTo("shop\\.tmp");
        assertThat(p.getProperty("database.timezone")).isEqualTo("+00:00");
        assertThat(p.getProperty("decimal.handling.mode")).isEqualTo("precise");
        assertThat(p.getProperty("bigint.unsigned.handling.mode")).isEqualTo("precise");
        assertThat(Long.parseLong(p.getProperty("database.server.id"))).isGreaterThanOrEqualTo(100_000L);
        assertThat(c.toString()).doesNotContain("secret");
    }

    @Test
    void publicationSchemasComeFromPatternsThatNameTheirSchema() {
        CdcConfig c = new CdcConfig("n", "postgresql", "h", 5432, "u", "", "db", List.of("orders", "sales.t"),
                List.of("public\\.audit_.*", "sales\\.x"), null, null, null, true, Map.of());
        assertThat(PostgresPublication.schemasOf(EngineProperties.includePatterns(c, Dialect.POSTGRESQL)))
                .contains(List.of("public", "sales"));
        assertThat(PostgresPublication.schemasOf(List.of(Pattern.quote("we\\ird.t")))).contains(List.of("we\\ird"));
        // A pattern whose schema part is itself a pattern could match schemas no list names.
        assertThat(PostgresPublication.schemasOf(List.of("public\\.a", "s.*\\.t"))).isEmpty();
        assertThat(PostgresPublication.schemasOf(List.of(".*\\.orders"))).isEmpty();
        assertThat(PostgresPublication.schemasOf(List.of())).isEmpty();
    }

    @Test
    void postgresGetsDerivedSlotAndHeartbeats() {
        CdcConfig c = new CdcConfig("Conn-1", "postgresql", "h", 5432, "u", "", "db", List.of("orders"),
                null, null, null, null, false, Map.of());
        var p = EngineProperties.of(c, Dialect.POSTGRESQL);
        assertThat(p.getProperty("plugin.name")).isEqualTo("pgoutput");
        assertThat(p.getProperty("slot.name")).isEqualTo(EngineProperties.slotName("Conn-1")).startsWith("hstream_conn_1_");
        assertThat(p.getProperty("slot.drop.on.stop")).isEqualTo("false");
        assertThat(Long.parseLong(p.getProperty("heartbeat.interval.ms"))).isPositive();
        assertThat(Pattern.compile(p.getProperty("table.include.list")).matcher("public.orders").matches()).isTrue();
    }
}
