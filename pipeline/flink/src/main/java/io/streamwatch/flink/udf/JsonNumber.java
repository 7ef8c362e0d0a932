package io.streamwatch.flink.udf;

import org.apache.flink.table.functions.ScalarFunction;

/** A field of a raw JSON object if it is a finite number, else NULL (a numeric string is not a number). */
public final class JsonNumber extends ScalarFunction {
    public Double eval(byte[] payload, String field) {
        return JsonRecord.of(payload).number(field);
    }
}
