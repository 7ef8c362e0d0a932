package io.streamwatch.flink.udf;

import java.time.Instant;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * A raw record's event time: its body's event-time field (ts) (what the schemas call event time, and what the
 * gateway orders by), or the Kafka record timestamp when the body has no usable ts. A ts
 * further ahead of the clock than the bound is not used either: one record from the year 3000
 * would otherwise carry the watermark there and make every later record late. Such records
 * are dead-lettered by the schema check; this keeps them from moving event time first.
 */
public final class BodyEventTime extends ScalarFunction {
    public @DataTypeHint("TIMESTAMP_LTZ(3)") Instant eval(byte[] payload, String field, Instant recordTime, Long maxFutureMs) {
        Long ts = payload == null ? null : JsonRecord.of(payload).safeInteger(field);
        long limit = System.currentTimeMillis() + (maxFutureMs == null ? 0 : maxFutureMs);
        if (ts != null && ts > 0 && ts <= limit) return Instant.ofEpochMilli(ts);
        return recordTime;
    }

    @Override
    public boolean isDeterministic() {
        return false;
    }
}
