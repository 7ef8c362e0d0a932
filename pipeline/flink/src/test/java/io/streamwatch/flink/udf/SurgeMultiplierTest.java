package io.streamwatch.flink.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class SurgeMultiplierTest {
    private final SurgeMultiplier surge = new SurgeMultiplier();

    @Test
    void meetsEverySharedVector() throws Exception {
        JsonNode cases = SharedVectors.cases("surge-vectors.json");
        for (JsonNode c : cases) {
            long demand = c.get("demand").asLong();
            long supply = c.get("supply").asLong();
            int minDemand = c.get("minDemand").asInt();
            assertEquals(c.get("multiplier").asDouble(), surge.eval(demand, supply, minDemand), "demand=" + demand + " supply=" + supply + " minDemand=" + minDemand);
        }
    }

    @Test
    void nullInputGivesNull() {
        assertNull(surge.eval(null, 3L, 3));
        assertNull(surge.eval(3L, null, 3));
        assertNull(surge.eval(3L, 3L, null));
    }
}
