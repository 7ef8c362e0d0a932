package io.streamwatch.flink.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BodyEventTimeTest {
    private static final Instant RECORD_TIME = Instant.ofEpochMilli(1_800_000_000_000L);
    private static final long FIVE_MINUTES = 300_000L;

    private static Instant eventTime(String body) {
        return new BodyEventTime().eval(body == null ? null : body.getBytes(StandardCharsets.UTF_8), "ts", RECORD_TIME, FIVE_MINUTES);
    }

    @Test
    void takesTheBodysTsOverTheRecordTimestamp() {
        assertEquals(Instant.ofEpochMilli(1_700_000_000_000L), eventTime("{\"ts\":1700000000000}"));
    }

    @Test
    void fallsBackToTheRecordTimestampWhenTheBodyHasNoUsableTs() {
        assertEquals(RECORD_TIME, eventTime(null));
        assertEquals(RECORD_TIME, eventTime("not json"));
        assertEquals(RECORD_TIME, eventTime("{\"ts\":\"1700000000000\"}"));
        assertEquals(RECORD_TIME, eventTime("{\"ts\":0}"));
        assertEquals(RECORD_TIME, eventTime("{\"ts\":1700000000000.5}"));
    }

    @Test
    void neverLetsAFutureTsCarryEventTime() {
        long now = System.currentTimeMillis();
        assertEquals(RECORD_TIME, eventTime("{\"ts\":32503680000000}"), "the year 3000");
        assertEquals(RECORD_TIME, eventTime("{\"ts\":" + (now + FIVE_MINUTES + 60_000) + "}"));
        long soon = now + 60_000;
        assertEquals(Instant.ofEpochMilli(soon), eventTime("{\"ts\":" + soon + "}"), "within the bound");
    }
}
