package io.streamwatch.flink.udf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class SurgeSmoothingTest {
    private final SurgeSmoothed smoothed = new SurgeSmoothed();
    private final H3Neighbours neighbours = new H3Neighbours();

    @Test
    void smoothsAsTheSharedVectorsSay() throws Exception {
        for (JsonNode c : SharedVectors.cases("surge-smoothing-vectors.json")) {
            long weighted = c.get("weightedTenths").asLong();
            long weights = c.get("weights").asLong();
            int total = c.get("totalWeight").asInt();
            assertEquals(c.get("multiplier").asDouble(), smoothed.eval(weighted, weights, total), "weightedTenths=" + weighted + " weights=" + weights + " of " + total);
        }
    }

    @Test
    void findsTheNeighboursH3JsFinds() throws Exception {
        for (JsonNode c : SharedVectors.cases("h3-neighbour-vectors.json")) {
            String[] want = new String[c.get("neighbours").size()];
            for (int i = 0; i < want.length; i++) want[i] = c.get("neighbours").get(i).asText();
            assertArrayEquals(want, neighbours.eval(c.get("cell").asText()), c.get("cell").asText());
        }
    }

    @Test
    void givesNullForWhatIsNotACell() {
        assertNull(neighbours.eval(null));
        assertNull(neighbours.eval("not-a-cell"));
        assertNull(smoothed.eval(null, 2L, 8));
        assertNull(smoothed.eval(20L, 2L, 0));
    }
}
