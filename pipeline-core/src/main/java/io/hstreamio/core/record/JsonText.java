package io.hstreamio.core.record;

import java.util.Objects;

/** A JSON document kept as the text the source gave, so that nothing (number precision, key order) is lost. */
public record JsonText(String json) {
    public JsonText {
        Objects.requireNonNull(json, "json");
    }

    @Override
    public String toString() {
        return json;
    }
}
