package io.hstreamio.core.options;

import static io.hstreamio.core.options.SampleOptions.MYSQL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The JSON Schema 2020-12 that the spec command prints, with HStream's UI keys. */
class JsonSchemaTest {

    private final ObjectNode schema = MYSQL.jsonSchema();

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void topLevelIsAnObjectSchemaOfDialect2020_12() {
        assertThat(schema.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        assertThat(schema.get("type").asText()).isEqualTo("object");
        assertThat(schema.get("title").asText()).isEqualTo("mysql source");
        assertThat(schema.get("additionalProperties").asBoolean(true)).isFalse();
    }

    @Test
    void uiOrderAndPropertiesFollowDefinitionOrder() {
        List<String> names = MYSQL.options().stream().map(OptionDef::name).toList();
        assertThat(texts(schema.get("ui:order"))).isEqualTo(names);
        List<String> propertyNames = new ArrayList<>();
        schema.get("properties").fieldNames().forEachRemaining(propertyNames::add);
        assertThat(propertyNames).isEqualTo(names);
    }

    @Test
    void requiredListsExactlyTheRequiredOptionsInOrder() {
        assertThat(texts(schema.get("required")))
                .containsExactly("stream", "host", "user", "password", "database");
    }

    @Test
    void eachTypeMapsToItsJsonType() {
        JsonNode p = schema.get("properties");
        assertThat(p.at("/host/type").asText()).isEqualTo("string");
        assertThat(p.at("/port/type").asText()).isEqualTo("integer");
        assertThat(p.at("/server.id/type").asText()).isEqualTo("integer");
        assertThat(p.at("/snapshot/type").asText()).isEqualTo("boolean");
        assertThat(p.at("/buffer.batch.maxAge/type").asText()).isEqualTo("string");
        assertThat(p.at("/task.error.skipStrategy/type").asText()).isEqualTo("string");
        assertThat(texts(p.at("/task.error.skipStrategy/enum"))).containsExactly("SkipAll", "SkipSome", "NeverSkip");
        assertThat(p.at("/table/type").asText()).isEqualTo("array");
        assertThat(p.at("/table/items/type").asText()).isEqualTo("string");
    }

    @Test
    void defaultsAreRenderedInTheirJsonForm() {
        JsonNode p = schema.get("properties");
        assertThat(p.at("/port/default").isInt()).isTrue();
        assertThat(p.at("/port/default").asInt()).isEqualTo(3306);
        assertThat(p.at("/server.id/default").asLong()).isEqualTo(5400L);
        assertThat(p.at("/snapshot/default").isBoolean()).isTrue();
        assertThat(p.at("/buffer.batch.maxAge/default").asText()).isEqualTo("10s");
        assertThat(p.at("/task.error.skipStrategy/default").asText()).isEqualTo("NeverSkip");
        assertThat(p.get("host").has("default")).isFalse();
    }

    @Test
    void docDisplayNameAndUiTypeAreShown() {
        JsonNode stream = schema.at("/properties/stream");
        assertThat(stream.get("description").asText()).isEqualTo("the stream that receives the changes");
        assertThat(stream.get("title").asText()).isEqualTo("Stream Name");
        assertThat(stream.get("ui:showName").asText()).isEqualTo("Stream Name");
        assertThat(stream.get("ui:type").asText()).isEqualTo("stream");
        assertThat(schema.at("/properties/password/ui:type").asText()).isEqualTo("secret");
        assertThat(schema.at("/properties/host").has("ui:type")).isFalse();
        assertThat(schema.at("/properties/host").has("title")).isFalse();
    }

    @Test
    void validatorsAddTheirKeywords() {
        JsonNode p = schema.get("properties");
        assertThat(p.at("/port/minimum").asLong()).isEqualTo(1);
        assertThat(p.at("/port/maximum").asLong()).isEqualTo(65535);
        assertThat(p.at("/server.id/minimum").asLong()).isEqualTo(1);
        assertThat(p.at("/server.id").has("maximum")).isFalse();
        assertThat(p.at("/host/minLength").asInt()).isEqualTo(1);
    }

    @Test
    void durationPatternAcceptsWhatTheParserAccepts() {
        Pattern pattern = Pattern.compile(schema.at("/properties/buffer.batch.maxAge/pattern").asText());
        for (String ok : List.of("500ms", "10s", "5m", "5MIN", "1h", "2D", "250", "10 s")) {
            assertThat(pattern.matcher(ok).find()).as(ok).isTrue();
            OptionDef.duration("d").build().convert(ok);
        }
        for (String bad : List.of("-5s", "1.5s", "10 seconds", "PT10S")) {
            assertThat(pattern.matcher(bad).find()).as(bad).isFalse();
        }
    }

    @Test
    void callersGetTheirOwnCopy() {
        ObjectNode mine = MYSQL.jsonSchema();
        mine.put("title", "changed");
        ((ObjectNode) mine.get("properties")).remove("host");
        assertThat(MYSQL.jsonSchema().get("title").asText()).isEqualTo("mysql source");
        assertThat(MYSQL.jsonSchema().at("/properties/host").isMissingNode()).isFalse();
    }

    @Test
    void schemaIsValidJsonText() throws Exception {
        String text = new ObjectMapper().writeValueAsString(schema);
        assertThat(new ObjectMapper().readTree(text)).isEqualTo(schema);
    }
}
