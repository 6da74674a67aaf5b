package io.hstreamio.sink.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TypeMappingDocTest {

    @Test
    void documentMatchesTheCode() throws Exception {
        Path doc = Path.of("TYPE-MAPPING.md"); // surefire runs in the module directory
        assertThat(doc).as("jdbc-sinks/TYPE-MAPPING.md; regenerate with TypeMappingDoc.main").exists();
        assertThat(Files.readString(doc, StandardCharsets.UTF_8))
                .as("TYPE-MAPPING.md is out of date: run TypeMappingDoc.main(\"TYPE-MAPPING.md\") from jdbc-sinks")
                .isEqualTo(TypeMappingDoc.render());
    }

    @Test
    void documentStatesTheRequiredMappings() {
        String doc = TypeMappingDoc.render();
        assertThat(doc)
                .contains("| INT UNSIGNED | INT64 | `bigint` |")
                .contains("| BIGINT UNSIGNED | UINT64 | `numeric(20,0)` | `BIGINT UNSIGNED` |")
                .contains("| TINYINT(1) | INT32 | `boolean` |")
                .contains("| DATETIME(6) | TIMESTAMP | `timestamp(6)` | `DATETIME(6)` |")
                .contains("| TIMESTAMP(6) | TIMESTAMP_TZ | `timestamptz(6)` | `TIMESTAMP(6)` |")
                .contains("| YEAR | YEAR | `smallint` | `YEAR` |")
                .contains("| JSON | JSON | `jsonb` |")
                .contains("| BLOB / LONGBLOB | BYTES | `bytea` | `LONGBLOB` |");
    }
}
