package io.hstreamio.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hstreamio.core.testing.TestDatabase;
import io.hstreamio.core.testing.TestDatabases;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Array;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * {@code load} and {@code verify} against the real servers: MariaDB -> PostgreSQL and PostgreSQL -> PostgreSQL for
 * dense, sparse, composite and text keys, a table without primary key and an every-type table, in small chunks on
 * several workers; the target is compared with the source row by row through plain JDBC (not through the code under
 * test). Then --consistent, --verify on equal and on tampered data, and the bad-input one-liners.
 */
class LoadIT {
    @RegisterExtension
    static final TestDatabases DBS = new TestDatabases();

    static final List<String> TABLES = List.of("dense", "sparse", "composite", "strkey", "keyless");

    record Run(int exit, String out, String err) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new HStreamIoCli());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static String url(TestDatabase db, String scheme, String query) {
        String pw = db.password() == null || db.password().isEmpty() ? "" : ":" + db.password();
        return scheme + "://" + db.user() + pw + "@" + db.host() + ":" + db.port() + "/" + db.name()
                + (query == null ? "" : "?" + query);
    }

    static String mariadb() {
        return url(DBS.mariadb(), "mariadb", null);
    }

    static String postgres(String schema) {
        return url(DBS.postgres(), "postgresql", schema == null ? null : "schema=" + schema);
    }

    @BeforeAll
    static void sources() throws Exception {
        DBS.mariadb().execute(
                "CREATE TABLE dense (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL, "
                        + "amount DECIMAL(12,2), d DATE, UNIQUE KEY uk_name (name))",
                "INSERT INTO dense (name, amount, d) SELECT CONCAT('n', seq), seq / 100, "
                        + "'2024-01-01' + INTERVAL (seq % 300) DAY FROM seq_1_to_5000",
                "CREATE TABLE sparse (id BIGINT PRIMARY KEY, v VARCHAR(20))",
                "INSERT INTO sparse SELECT CAST(seq AS SIGNED) * 7919 - 50000, CONCAT('v', seq) FROM seq_1_to_3000",
                "CREATE TABLE composite (region CHAR(2) NOT NULL, n INT NOT NULL, note VARCHAR(20), "
                        + "PRIMARY KEY (region, n))",
                "INSERT INTO composite SELECT ELT(1 + seq % 5, 'eu', 'us', 'ap', 'af', 'sa'), seq, "
                        + "IF(seq % 4 = 0, NULL, CONCAT('note ', seq)) FROM seq_1_to_2500",
                "CREATE TABLE strkey (code VARCHAR(30) NOT NULL PRIMARY KEY, v INT) DEFAULT CHARSET=utf8mb4",
                "INSERT INTO strkey SELECT CONCAT('k', seq), seq FROM seq_1_to_2000",
                "INSERT INTO strkey VALUES ('Zürich', 1), ('zeta', 2), ('ÅÄÖ', 3), ('a b', 4), ('😀', 5)",
                "CREATE TABLE keyless (a INT, b VARCHAR(10))",
                "INSERT INTO keyless SELECT seq % 10, IF(seq % 3 = 0, NULL, 'x') FROM seq_1_to_1500",
                "CREATE TABLE every_type (id INT NOT NULL PRIMARY KEY, c_tinyint1 TINYINT(1), "
                        + "c_bigint_u BIGINT UNSIGNED, c_int_u INT UNSIGNED, c_decimal DECIMAL(65,30), c_float FLOAT, "
                        + "c_double DOUBLE, c_bit1 BIT(1), c_bit10 BIT(10), c_date DATE, c_datetime DATETIME(6), "
                        + "c_timestamp TIMESTAMP(6) NULL, c_time TIME(6), c_year YEAR, c_char CHAR(4), "
                        + "c_varchar VARCHAR(50) CHARACTER SET utf8mb4, c_text TEXT, c_binary BINARY(4), "
                        + "c_blob BLOB, c_enum ENUM('a','b c','d''e'), c_set SET('x','y','z'), c_json JSON, "
                        + "c_geom GEOMETRY) DEFAULT CHARSET=utf8mb4",
                "SET time_zone = '+00:00'",
                "INSERT INTO every_type VALUES (1, 1, 18446744073709551615, 4294967295, "
                        + "12345678901234567890123456789012345.123456789012345678901234567890, 1.5, "
                        + "3.141592653589793, b'1', b'1000000001', '2024-02-29', '9999-12-31 23:59:59.999999', "
                        + "'2038-01-19 03:14:07.999999', '12:34:56.000001', 2155, 'ab', 'héllo 😀 世界', "
                        + "'tab\there\nnewline\\\\backslash', x'0102', x'deadbeef', 'd''e', 'z,x', "
                        + "'{\"k\": [1, 2.50, \"v\"]}', ST_GeomFromText('POINT(1 2)', 4326))",
                "INSERT INTO every_type (id) VALUES (2)");

        DBS.postgres().execute(
                "CREATE TABLE dense (id serial PRIMARY KEY, name varchar(40) NOT NULL UNIQUE, amount numeric(12,2), "
                        + "d date)",
                "INSERT INTO dense (name, amount, d) SELECT 'n' || g, g / 100.0, DATE '2024-01-01' + g % 300 "
                        + "FROM generate_series(1, 5000) g",
                "CREATE TABLE sparse (id int8 PRIMARY KEY, v text)",
                "INSERT INTO sparse SELECT g * 7919 - 50000, 'v' || g FROM generate_series(1, 3000) g",
                "CREATE TABLE composite (region char(2), n int4, note text, PRIMARY KEY (region, n))",
                "INSERT INTO composite SELECT (ARRAY['eu','us','ap','af','sa'])[1 + g % 5], g, "
                        + "CASE WHEN g % 4 = 0 THEN NULL ELSE 'note ' || g END FROM generate_series(1, 2500) g",
                "CREATE TABLE strkey (code text PRIMARY KEY, v int4)",
                "INSERT INTO strkey SELECT 'k' || g, g FROM generate_series(1, 2000) g",
                "INSERT INTO strkey VALUES ('Zürich', 1), ('zeta', 2), ('ÅÄÖ', 3), ('a b', 4), ('😀', 5)",
                "CREATE TABLE keyless (a int4, b text)",
                "INSERT INTO keyless SELECT g % 10, CASE WHEN g % 3 = 0 THEN NULL ELSE 'x' END "
                        + "FROM generate_series(1, 3000) g",
                "CREATE TABLE every_type (id int4 PRIMARY KEY, c_smallint int2, c_numeric numeric(38,10), "
                        + "c_numeric_free numeric, c_real float4, c_double float8, c_bool bool, c_text text, "
                        + "c_bytea bytea, c_date date, c_ts timestamp(6), c_tstz timestamptz(6), c_time time(6), "
                        + "c_timetz timetz, c_uuid uuid, c_json json, c_jsonb jsonb, c_bit bit(10), c_varbit varbit(8), "
                        + "c_arr text[], c_interval interval, c_ident int8 GENERATED BY DEFAULT AS IDENTITY)",
                "INSERT INTO every_type VALUES (1, -32768, 1234567890123456789012345678.0123456789, "
                        + "-0.000000000000000000000000000000012345, 1.5, 3.141592653589793, true, "
                        + "E'héllo 😀 世界\\ttab\\nline', '\\x00ff10', '2024-02-29', '2024-02-29 23:59:59.123456', "
                        + "'2024-02-29 23:59:59.123456+02', '23:59:59.999999', '12:34:56+02', "
                        + "'6f1c2b9e-3a4d-4e5f-8a9b-0c1d2e3f4a5b', '{\"k\": [1, 2.50]}', '{\"b\": 1, \"a\": [2.50]}', "
                        + "B'1000000001', B'101', ARRAY['a', 'b \"q\"', NULL], '1 day 02:03:04', 42)",
                "INSERT INTO every_type (id, c_ident) VALUES (2, 7)");
    }

    /** Rows of a table through plain JDBC, each as its values' text, sorted (keys order differently per server). */
    static List<String> rows(TestDatabase db, String table) throws Exception {
        return rowsOf(db, "SELECT * FROM " + table);
    }

    static List<String> rowsOf(TestDatabase db, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> r : db.query(sql)) {
            List<String> values = new ArrayList<>();
            for (Object v : r.values()) {
                values.add(text(v));
            }
            out.add(String.join("|", values));
        }
        out.sort(null);
        return out;
    }

    static String text(Object v) throws Exception {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof BigDecimal d) {
            return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
        }
        if (v instanceof byte[] b) {
            return HexFormat.of().formatHex(b);
        }
        if (v instanceof Array a) {
            return java.util.Arrays.deepToString((Object[]) a.getArray());
        }
        return v.toString();
    }

    static void assertSameRows(TestDatabase source, String sourcePrefix, TestDatabase target, String targetPrefix,
                               List<String> tables) throws Exception {
        for (String t : tables) {
            List<String> expected = rows(source, sourcePrefix + t);
            assertThat(expected).as("source rows of %s", t).isNotEmpty();
            assertThat(rows(target, targetPrefix + t)).as("target rows of %s", t)
                    .containsExactlyElementsOf(expected);
        }
    }

    @Test
    void mariadbToPostgresRowByRow() throws Exception {
        DBS.postgres().execute("CREATE SCHEMA m2p");
        Run r = cli("load", "--from", mariadb(), "--to", postgres("m2p"), "--parallelism", "3", "--chunk-rows",
                "500", "--progress-interval", "200ms");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Total import time").contains("dense").contains("keyless");
        assertSameRows(DBS.mariadb(), "", DBS.postgres(), "m2p.", TABLES);

        // Every type: the target holds the values, read back independently.
        Map<String, Object> row = DBS.postgres().query("SELECT * FROM m2p.every_type WHERE id = 1").get(0);
        // TINYINT(1) keeps its display width, as from the CDC source: the sink makes it a boolean (by default).
        assertThat(DBS.postgres().queryValue("SELECT data_type FROM information_schema.columns WHERE "
                + "table_schema = 'm2p' AND table_name = 'every_type' AND column_name = 'c_tinyint1'"))
                .isEqualTo("boolean");
        assertThat(row.get("c_tinyint1")).isEqualTo(true);
        assertThat(row.get("c_bigint_u")).isEqualTo(new BigDecimal("18446744073709551615"));
        assertThat(row.get("c_int_u")).isEqualTo(4294967295L);
        assertThat(row.get("c_decimal")).isEqualTo(
                new BigDecimal("12345678901234567890123456789012345.123456789012345678901234567890"));
        assertThat(row.get("c_float")).isEqualTo(1.5f);
        assertThat(text(row.get("c_datetime"))).isEqualTo("9999-12-31 23:59:59.999999");
        assertThat(DBS.postgres().queryValue(
                "SELECT to_char(c_timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') FROM m2p.every_type"
                        + " WHERE id = 1")).isEqualTo("2038-01-19 03:14:07.999999");
        assertThat(text(row.get("c_time"))).startsWith("12:34:56");
        assertThat(DBS.postgres().queryValue("SELECT c_time::text FROM m2p.every_type WHERE id = 1"))
                .isEqualTo("12:34:56.000001");
        assertThat(DBS.postgres().queryValue("SELECT c_bit10::text FROM m2p.every_type WHERE id = 1"))
                .isEqualTo("1000000001");
        assertThat(row.get("c_varchar")).isEqualTo("héllo 😀 世界");
        assertThat(row.get("c_text")).isEqualTo("tab\there\nnewline\\backslash");
        assertThat(row.get("c_enum")).isEqualTo("d'e");
        assertThat(DBS.postgres().queryValue("SELECT c_set::text FROM m2p.every_type WHERE id = 1"))
                .isEqualTo("{x,z}");
        assertThat(DBS.postgres().queryValue("SELECT c_json::text FROM m2p.every_type WHERE id = 1"))
                .isEqualTo("{\"k\": [1, 2.50, \"v\"]}");
        assertThat((byte[]) row.get("c_blob")).containsExactly(0xde, 0xad, 0xbe, 0xef);
        byte[] point = ByteBuffer.allocate(21).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) 1).putInt(1).putDouble(1.0).putDouble(2.0).array();
        assertThat((byte[]) row.get("c_geom")).containsExactly(point);
        assertThat(DBS.postgres().query("SELECT * FROM m2p.every_type WHERE id = 2").get(0).values().stream()
                .filter(v -> v != null).toList()).containsExactly(2);

        Run v = cli("verify", "--from", mariadb(), "--to", postgres("m2p"), "--chunk-rows", "700");
        assertThat(v.exit()).as(v.out() + v.err()).isZero();
        assertThat(v.out()).contains("source and target are equal");
    }

    @Test
    void postgresToPostgresRowByRow() throws Exception {
        DBS.postgres().execute("CREATE SCHEMA p2p");
        // Two writers shared by three readers: each writer's transaction takes rows of several chunks and tables.
        Run r = cli("load", "--from", postgres(null), "--to", postgres("p2p"), "--parallelism", "3",
                "--writers", "2", "--chunk-rows", "500");
        assertThat(r.exit()).as(r.err()).isZero();
        assertSameRows(DBS.postgres(), "public.", DBS.postgres(), "p2p.", TABLES);
        // Every type; arrays and intervals have no carrier of their own yet and travel as text, as from the CDC
        // source (JSON arrays, ISO-8601 intervals).
        String cols = "id, c_smallint, c_numeric, c_numeric_free, c_real, c_double, c_bool, c_text, c_bytea, c_date, "
                + "c_ts, c_tstz, c_time, c_timetz, c_uuid, c_json::text, c_jsonb, c_bit, c_varbit, c_ident";
        assertThat(rowsOf(DBS.postgres(), "SELECT " + cols + " FROM p2p.every_type"))
                .containsExactlyElementsOf(rowsOf(DBS.postgres(), "SELECT " + cols + " FROM public.every_type"));
        assertThat(DBS.postgres().queryValue("SELECT c_arr FROM p2p.every_type WHERE id = 1"))
                .isEqualTo("[\"a\",\"b \\\"q\\\"\",null]");
        assertThat(DBS.postgres().queryValue("SELECT c_interval FROM p2p.every_type WHERE id = 1"))
                .isEqualTo("P0Y0M1DT2H3M4S");
        // The keyless table was read in several ctid ranges, each row once.
        assertThat(r.out()).contains("at-least-once");
        // The identity continues after the highest copied value.
        DBS.postgres().execute("INSERT INTO p2p.dense (name) VALUES ('after')");
        assertThat(DBS.postgres().queryValue("SELECT id FROM p2p.dense WHERE name = 'after'")).isEqualTo(5001);
    }

    @Test
    void consistentLoadsFromOneSnapshot() throws Exception {
        DBS.postgres().execute("CREATE SCHEMA cm", "CREATE SCHEMA cp");
        Run m = cli("load", "--from", mariadb(), "--to", postgres("cm"), "--consistent", "--parallelism", "2",
                "--chunk-rows", "400", "--verify");
        assertThat(m.exit()).as(m.err()).isZero();
        assertThat(m.err()).contains("one consistent snapshot");
        assertSameRows(DBS.mariadb(), "", DBS.postgres(), "cm.", TABLES);
        Run p = cli("load", "--from", postgres(null), "--to", postgres("cp"), "--consistent", "--parallelism", "2",
                "--chunk-rows", "400", "--tables", "dense,sparse,keyless");
        assertThat(p.exit()).as(p.err()).isZero();
        assertSameRows(DBS.postgres(), "public.", DBS.postgres(), "cp.", List.of("dense", "sparse", "keyless"));
        // With one snapshot the keyless table is exact, so it is not marked at-least-once.
        assertThat(p.out()).doesNotContain("at-least-once");
    }

    @Test
    void verifyReportsRangesThenRows() throws Exception {
        DBS.postgres().execute("CREATE SCHEMA ver");
        Run r = cli("load", "--from", mariadb(), "--to", postgres("ver"), "--tables", "dense,strkey,keyless",
                "--verify");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("source and target are equal");

        DBS.postgres().execute("UPDATE ver.dense SET name = 'tampered' WHERE id = 1234",
                "DELETE FROM ver.strkey WHERE code = 'k77'",
                "INSERT INTO ver.dense (id, name) VALUES (999999, 'extra')",
                "INSERT INTO ver.strkey VALUES ('intruder', 0)",
                "DELETE FROM ver.keyless WHERE ctid IN (SELECT ctid FROM ver.keyless LIMIT 1)");
        Run v = cli("verify", "--from", mariadb(), "--to", postgres("ver"), "--tables", "dense,strkey,keyless",
                "--chunk-rows", "1000");
        assertThat(v.exit()).as(v.out() + v.err()).isEqualTo(LoadCommand.EXIT_DIFFERENCES);
        assertThat(v.out())
                .contains("DIFF")
                .contains("dense chunk 1 id in (1000, 2000]")
                .contains("differs: id=1234")
                .contains("tampered")
                .contains("only in target: id=999999")
                .contains("missing in target: code=k77")
                .contains("1 row(s) whose key the source does not have")
                .contains("keyless whole table (no primary key): source 1,500 rows")
                .doesNotContain("source and target are equal");
    }

    @Test
    void badInputIsOneLineAndExitCodeTwo() throws Exception {
        TestDatabase my = DBS.mariadb();
        String target = postgres(null);
        assertBadInput(cli("load", "--from", "oracle://u@h/db", "--to", target), "unknown scheme 'oracle'");
        assertBadInput(cli("load", "--from", "mariadb://root@127.0.0.1:1/" + my.name(), "--to", target),
                "cannot reach");
        assertBadInput(cli("load", "--from", "mariadb://" + my.user() + ":definitely-wrong@" + my.host() + ":"
                + my.port() + "/" + my.name(), "--to", target), "check the user and password");
        assertBadInput(cli("load", "--from", mariadb(), "--to", target, "--tables", "dense,nosuch*"),
                "--tables pattern 'nosuch*' matches no table");
        assertBadInput(cli("load", "--from", mariadb(), "--to", postgres("nosuch")),
                "schema 'nosuch' does not exist");
        assertBadInput(cli("verify", "--from", mariadb(), "--to", "postgresql://u@h"), "names no database");
        DBS.postgres().execute("CREATE SCHEMA clash", "CREATE TABLE clash.sparse (id text PRIMARY KEY)");
        assertBadInput(cli("load", "--from", mariadb(), "--to", postgres("clash"), "--tables", "sparse"),
                "cannot take rows of");

        // A target that takes no writes.
        String ro = DBS.postgres().name() + "_ro";
        DBS.postgres().execute("CREATE DATABASE " + ro, "ALTER DATABASE " + ro
                + " SET default_transaction_read_only = on");
        try {
            String roUrl = target.replace("/" + DBS.postgres().name(), "/" + ro);
            assertBadInput(cli("load", "--from", mariadb(), "--to", roUrl, "--tables", "dense"), "read-only");
        } finally {
            DBS.postgres().execute("DROP DATABASE " + ro + " WITH (FORCE)");
        }
    }

    private static void assertBadInput(Run r, String says) {
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(HStreamIoCli.EXIT_USAGE);
        assertThat(r.err()).startsWith("error: ").contains(says);
        assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
    }
}
