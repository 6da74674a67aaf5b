package io.hstreamio.sink.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import io.hstreamio.sink.dialect.DefaultValue.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DefaultValueTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "NULL | NULL | ",
        "42 | NUMBER | 42",
        "-1.5 | NUMBER | -1.5",
        "(0)::numeric | NUMBER | 0",
        "'abc' | STRING | abc",
        "'it''s'::character varying | STRING | it's",
        "'a::b'::text | STRING | a::b",
        "current_timestamp(6) | CURRENT_TIMESTAMP | ",
        "CURRENT_TIMESTAMP | CURRENT_TIMESTAMP | ",
        "now() | CURRENT_TIMESTAMP | ",
        "true | BOOLEAN | true",
        "nextval('t_id_seq'::regclass) | SEQUENCE | ",
        "'0000-00-00 00:00:00' | NOT_PORTABLE | '0000-00-00 00:00:00'",
        "uuid_generate_v4() | NOT_PORTABLE | uuid_generate_v4()",
    })
    void classifies(String raw, Kind kind, String text) {
        DefaultValue d = DefaultValue.parse(raw);
        assertThat(d.kind()).isEqualTo(kind);
        assertThat(d.text()).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource({"current_timestamp(6), 6", "CURRENT_TIMESTAMP(3), 3"})
    void keepsPrecision(String raw, int precision) {
        assertThat(DefaultValue.parse(raw).precision()).isEqualTo(precision);
    }
}
