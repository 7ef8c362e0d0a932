package io.streamwatch.flink.udf;

import org.apache.flink.table.functions.ScalarFunction;

/** True when a raw JSON object names the field, whatever its value (null included). */
public final class JsonHas extends ScalarFunction {
    public Boolean eval(byte[] payload, String field) {
        return JsonRecord.of(payload).has(field);
    }
}
