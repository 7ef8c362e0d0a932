package io.streamwatch.flink.udf;

import org.apache.flink.table.functions.ScalarFunction;

/** True when a raw payload is one JSON object in strict UTF-8 (see JsonRecord). */
public final class JsonObjectCheck extends ScalarFunction {
    public Boolean eval(byte[] payload) {
        return JsonRecord.of(payload).isObject();
    }
}
