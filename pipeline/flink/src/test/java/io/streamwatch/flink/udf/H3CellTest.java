package io.streamwatch.flink.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class H3CellTest {
    private final H3Cell h3 = new H3Cell();

    @Test
    void agreesWithH3JsOnEverySharedVector() throws Exception {
        for (JsonNode c : SharedVectors.cases("h3-vectors.json")) {
            double lat = c.get("lat").asDouble();
            double lon = c.get("lon").asDouble();
            int res = c.get("res").asInt();
            assertEquals(c.get("cell").asText(), h3.eval(lat, lon, res), lat + "," + lon + " res " + res);
        }
    }

    @Test
    void rejectsWhatH3CannotPlace() {
        assertNull(h3.eval(null, 77.6, 8));
        assertNull(h3.eval(12.9, 77.6, 16));
        assertNull(h3.eval(91.0, 77.6, 8));
        assertNull(h3.eval(Double.NaN, 77.6, 8));
    }
}
