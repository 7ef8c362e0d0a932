package io.streamwatch.flink.udf;

import org.apache.flink.table.functions.ScalarFunction;

/** A field of a raw JSON object if it is a whole number within JavaScript's safe range, else NULL. */
public final class JsonSafeInteger extends ScalarFunction {
    public Long eval(byte[] payload, String field) {
        return JsonRecord.of(payload).safeInteger(field);
    }
}
