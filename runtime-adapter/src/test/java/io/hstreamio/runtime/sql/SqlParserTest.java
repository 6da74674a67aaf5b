package io.hstreamio.runtime.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hstreamio.runtime.protocol.ConnectorKind;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SqlParserTest {
    private final SqlParser parser = new SqlParser(Set.of("mysql", "mariadb", "postgresql", "generator"),
            Set.of("postgresql", "mysql", "mariadb", "blackhole"));

    private Statement one(String sql) {
        List<Statement> all = parser.parse(sql);
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    @Test
    void theStockCreateSourceStatementParsesWithItsOptionsInOrderAndTyped() {
        Statement s = one("CREATE SOURCE CONNECTOR source01 FROM mysql IF NOT EXIST WITH (\"host\"='mysql-s1', "
                + "\"port\"=3306, \"user\"='root', \"password\"='password', \"database\"='d1', \"table\"='person', "
                + "\"stream\"='stream01');");
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("host", "mysql-s1");
        expected.put("port", 3306);
        expected.put("user", "root");
        expected.put("password", "password");
        expected.put("database", "d1");
        expected.put("table", "person");
        expected.put("stream", "stream01");
        assertThat(s).isEqualTo(new Statement.CreateConnector(ConnectorKind.SOURCE, "source01", "mysql", true,
                expected));
        assertThat(((Statement.CreateConnector) s).options().keySet()).containsExactlyElementsOf(expected.keySet());
    }

    @Test
    void sinkWithExistsDoubleQuotedValuesBooleansDecimalsAndLowerCaseKeywords() {
        Statement s = one("create sink connector \"sink 01\" to PostgreSQL if not exists with (\"stream\"=\"s1\", "
                + "\"task.error.skipStrategy\"='SkipAll', \"flag\"=TRUE, \"off\"=false, \"ratio\"=0.5, \"neg\"=-3, "
                + "\"big\"=12345678901, \"quote\"='it''s')");
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("stream", "s1");
        expected.put("task.error.skipStrategy", "SkipAll");
        expected.put("flag", true);
        expected.put("off", false);
        expected.put("ratio", new BigDecimal("0.5"));
        expected.put("neg", -3);
        expected.put("big", 12345678901L);
        expected.put("quote", "it's");
        assertThat(s).isEqualTo(new Statement.CreateConnector(ConnectorKind.SINK, "sink 01", "postgresql", true,
                expected));
    }

    @Test
    void everyOtherStatementAndSeveralSeparatedBySemicolons() {
        List<Statement> all = parser.parse("""
                SHOW CONNECTORS;
                -- a comment
                describe connector c1;
                DROP CONNECTOR c1; DROP CONNECTOR c2 IF EXISTS; DROP CONNECTOR c4 WITH STREAM;
                PAUSE CONNECTOR c3;;
                RESUME CONNECTOR c3;
                ALTER CONNECTOR c3 SET ("rows"=10, "table"='t');
                CREATE STREAM s1; CREATE STREAM s2 WITH (shards=4);
                SHOW STREAMS; DROP STREAM s1; DROP STREAM s9 IF EXISTS
                """);
        assertThat(all).containsExactly(
                new Statement.ShowConnectors(),
                new Statement.DescribeConnector("c1"),
                new Statement.DropConnector("c1", false, false),
                new Statement.DropConnector("c2", true, false),
                new Statement.DropConnector("c4", false, true),
                new Statement.PauseConnector("c3"),
                new Statement.ResumeConnector("c3"),
                new Statement.AlterConnector("c3", Map.of("rows", 10, "table", "t")),
                new Statement.CreateStream("s1", Map.of()),
                new Statement.CreateStream("s2", Map.of("shards", 4)),
                new Statement.ShowStreams(),
                new Statement.DropStream("s1", false),
                new Statement.DropStream("s9", true));
    }

    @Test
    void anEmptyWithIsAllowedAndAGeneratorSourceToo() {
        assertThat(one("CREATE SOURCE CONNECTOR g FROM generator WITH ()"))
                .isEqualTo(new Statement.CreateConnector(ConnectorKind.SOURCE, "g", "generator", false, Map.of()));
    }

    /** The corpus of bad statements: each gets its line, column and what was expected. */
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "``| line 1, column 1: expected a statement (CREATE, SHOW, DESCRIBE, DROP, PAUSE, RESUME or ALTER), found the end of the input",
            "SELECT 1| line 1, column 1: expected a statement (CREATE, SHOW, DESCRIBE, DROP, PAUSE, RESUME or ALTER), found 'SELECT'",
            "CREATE TABLE t| line 1, column 8: expected SOURCE, SINK or STREAM, found 'TABLE'",
            "CREATE SOURCE t| line 1, column 15: expected CONNECTOR, found 't'",
            "CREATE SOURCE CONNECTOR FROM mysql WITH ()| line 1, column 30: expected FROM, found 'mysql'",
            "CREATE SOURCE CONNECTOR s FORM mysql WITH ()| line 1, column 27: expected FROM, found 'FORM'",
            "CREATE SOURCE CONNECTOR s TO mysql WITH ()| line 1, column 27: expected FROM, found 'TO'",
            "CREATE SOURCE CONNECTOR s FROM oracle WITH ()| line 1, column 32: expected a source connector (generator, mariadb, mysql, postgresql), found 'oracle'",
            "CREATE SINK CONNECTOR s TO generator WITH ()| line 1, column 28: expected a sink connector (blackhole, mariadb, mysql, postgresql), found 'generator'",
            "CREATE SOURCE CONNECTOR s FROM mysql| line 1, column 37: expected WITH, found the end of the input",
            "CREATE SOURCE CONNECTOR s FROM mysql IF EXISTS WITH ()| line 1, column 41: expected NOT, found 'EXISTS'",
            "CREATE SOURCE CONNECTOR s FROM mysql IF NOT THERE WITH ()| line 1, column 45: expected EXIST or EXISTS, found 'THERE'",
            "CREATE SOURCE CONNECTOR s FROM mysql WITH \"host\"='h'| line 1, column 43: expected '(', found \"host\"",
            "CREATE SOURCE CONNECTOR s FROM mysql WITH (\"host\" 'h')| line 1, column 51: expected '=' after option \"host\", found string 'h'",
            "CREATE SOURCE CONNECTOR s FROM mysql WITH (\"host\"='h' \"port\"=1)| line 1, column 55: expected ',' or ')', found \"port\"",
            "CREATE SOURCE CONNECTOR s FROM mysql WITH (\"host\"='h',)| line 1, column 55: expected an option name (\"name\"), found ')'",
            "CREATE SOURCE CONNECTOR s FROM mysql WITH (\"host\"=)| line 1, column 51: expected a value for option \"host\" ('text', a number, TRUE or FALSE), found ')'",
            "CREATE SOURCE CONNECTOR s FROM mysql WITH (\"host\"=localhost)| line 1, column 51: expected a value for option \"host\" ('text', a number, TRUE or FALSE), found 'localhost'",
            "CREATE SOURCE CONNECTOR s FROM mysql WITH (\"port\"=33o6)| line 1, column 53: expected a number, found '33o...'; quote text values with '...'",
            "CREATE SOURCE CONNECTOR s FROM mysql WITH (\"host\"='h', \"host\"='i')| line 1, column 56: option \"host\" is given twice; give it once",
            "CREATE SOURCE CONNECTOR s FROM mysql WITH (\"host\"='h)| line 1, column 51: expected a closing ' for the text that starts here, found the end of the input",
            "CREATE SOURCE CONNECTOR s FROM mysql WITH (\"host\"='h'))| line 1, column 55: expected ';' or the end of the input, found ')'",
            "SHOW CONNECTOR| line 1, column 6: expected CONNECTORS or STREAMS, found 'CONNECTOR'",
            "DESCRIBE c1| line 1, column 10: expected CONNECTOR, found 'c1'",
            "DROP CONNECTOR| line 1, column 15: expected a connector name, found the end of the input",
            "DROP CONNECTOR c1 IF EXIST| line 1, column 22: expected EXISTS, found 'EXIST'",
            "DROP TABLE t| line 1, column 6: expected CONNECTOR or STREAM, found 'TABLE'",
            "PAUSE CONNECTOR c1 now| line 1, column 20: expected ';' or the end of the input, found 'now'",
            "ALTER CONNECTOR c1 (\"rows\"=1)| line 1, column 20: expected SET, found '('",
            "CREATE STREAM| line 1, column 14: expected a stream name, found the end of the input",
            "CREATE STREAM s WITH shards=2| line 1, column 22: expected '(', found 'shards'",
            "SHOW STREAMS # x| line 1, column 14: unexpected character '#'",
    })
    void aBadStatementIsRefusedWithLineColumnAndWhatWasExpected(String sql, String message) {
        assertThatThrownBy(() -> parser.parse(sql)).isInstanceOf(SqlSyntaxException.class).hasMessage(message.strip());
    }

    @Test
    void anErrorOnALaterLinePointsAtThatLine() {
        String sql = "SHOW CONNECTORS;\nCREATE SINK CONNECTOR k TO blackhole WITH (\n  \"stream\"='s'\n  \"x\"=1)";
        assertThatThrownBy(() -> parser.parse(sql)).isInstanceOfSatisfying(SqlSyntaxException.class, e -> {
            assertThat(e.line()).isEqualTo(4);
            assertThat(e.column()).isEqualTo(3);
            assertThat(e).hasMessage("line 4, column 3: expected ',' or ')', found \"x\"");
        });
    }
}
