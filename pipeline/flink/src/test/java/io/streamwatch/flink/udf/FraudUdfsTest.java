package io.streamwatch.flink.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class FraudUdfsTest {
    @Test
    void cardTokenMeetsEverySharedVector() throws Exception {
        Path file = Path.of(System.getProperty("user.dir"), "..", "..", "lib", "card-token-vectors.json").normalize();
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        String key = root.get("key").asText();
        CardToken token = new CardToken();
        for (JsonNode c : SharedVectors.cases("card-token-vectors.json")) {
            assertEquals(c.get("token").asText(), token.eval(c.get("cardNumber").asText(), key));
        }
        assertNull(token.eval(null, key));
    }

    @Test
    void cardTokenWithoutAKeyInTheEnvironmentRefusesRatherThanTokenisingWithNone() {
        CardToken token = new CardToken();
        // Not opened: as on a TaskManager whose environment lacks CARD_TOKEN_KEY.
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> token.eval("4111111111111111"));
        assertTrue(e.getMessage().contains(CardToken.KEY_VARIABLE), e.getMessage());
    }

    @Test
    void distanceBengaluruToDelhiIsAbout1740Km() {
        double km = new GeoDistanceKm().eval(12.9716, 77.5946, 28.6139, 77.209);
        assertTrue(km > 1730 && km < 1750, "got " + km);
        assertEquals(0.0, new GeoDistanceKm().eval(12.97, 77.59, 12.97, 77.59), 1e-9);
    }
}
