package io.streamwatch.flink.udf;

import org.apache.flink.table.functions.ScalarFunction;

/** A field of a raw JSON object if it is a string, else NULL (a number is not an id). */
public final class JsonString extends ScalarFunction {
    public String eval(byte[] payload, String field) {
        return JsonRecord.of(payload).string(field);
    }
}
