package io.hstreamio.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import io.hstreamio.cdc.internal.DebeziumCapture;
import io.hstreamio.cdc.internal.Dialect;
import io.hstreamio.cdc.internal.EngineProperties;
import io.hstreamio.cdc.testing.InMemoryKeyValueStore;
import io.hstreamio.core.record.ChangeEvent;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExploreIT {
    @Test
    void explore() throws Exception {
        String db = "cdc_explore_" + System.nanoTime();
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:3306/", "root", "");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db);
            s.execute("CREATE TABLE " + db + ".t (id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, "
                    + "u BIGINT UNSIGNED, d DECIMAL(38,10), dt DATETIME(6), dt0 DATETIME NOT NULL DEFAULT '2000-01-01', ts TIMESTAMP(6) NULL, tm TIME(6), y YEAR, "
                    + "b1 BIT(1), b10 BIT(10), e ENUM('a','b c'), st SET('x','y'), j JSON, g GEOMETRY, p POINT, "
                    + "v VARCHAR(20) CHARACTER SET utf8mb4, bl BLOB, bn BINARY(4), f FLOAT, z DATE NOT NULL DEFAULT '2000-01-01')");
            s.execute("INSERT INTO " + db + ".t (id, dt0, z) VALUES (1, '2001-01-01', '2001-01-01')");
            var store = new InMemoryKeyValueStore();
            CdcConfig cfg = new CdcConfig("explore-" + db, "mariadb", "127.0.0.1", 3306, "root", "", db,
                    List.of("t"), null, null, null, "initial", Map.of());
            try (DebeziumCapture cap = new DebeziumCapture(cfg.name(), Dialect.MARIADB,
                    EngineProperties.of(cfg, Dialect.MARIADB), store, 4)) {
                cap.start();
                List<ChangeEvent> all = new ArrayList<>();
                long end = System.currentTimeMillis() + 20000;
                boolean inserted = false;
                while (System.currentTimeMillis() < end) {
                    all.addAll(cap.poll(Duration.ofMillis(500)));
                    if (!inserted && all.stream().anyMatch(e -> e.after() != null)) {
                        s.execute("SET sql_mode=''");
                        s.execute("INSERT INTO " + db + ".t (id,u,d,dt,dt0,ts,tm,y,b1,b10,e,st,j,g,p,v,bl,bn,f,z) VALUES "
                                + "(2, 18446744073709551615, 12345678901234567890.0123456789, '2024-02-29 23:59:59.123456', '0000-00-00 00:00:00', "
                                + "'2024-01-01 00:00:00.000001', '-838:59:59.000000', 2024, b'1', b'1000000001', 'b c', 'x,y', '{\"a\": 1.10}', "
                                + "ST_GeomFromText('LINESTRING(0 0, 1 1)', 4326), POINT(1,2), 'héllo 😀', x'00ff', x'01', 1.5, '0000-00-00')");
                        s.execute("UPDATE " + db + ".t SET id = 100, u = 0 WHERE id = 2");
                        s.execute("ALTER TABLE " + db + ".t ADD COLUMN extra INT DEFAULT 7");
                        s.execute("DELETE FROM " + db + ".t");
                        inserted = true;
                    }
                }
                for (ChangeEvent e : all) {
                    System.out.println("EVENT " + e.type() + " " + e.table() + " pos=" + e.position() + " ddl=" + e.ddl());
                    if (e.schema() != null) {
                        e.schema().columns().forEach(col -> System.out.println("   COL " + col));
                        System.out.println("   PK " + e.schema().primaryKey());
                    }
                    if (e.before() != null) System.out.println("   BEFORE " + e.before());
                    if (e.after() != null) System.out.println("   AFTER  " + e.after());
                }
                System.out.println("KV " + store.scan(""). keySet());
                System.out.println("ZERO " + cap.zeroDates());
                assertThat(all).isNotEmpty();
            }
        }
    }
}
