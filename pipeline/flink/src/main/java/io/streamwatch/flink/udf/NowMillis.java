package io.streamwatch.flink.udf;

import org.apache.flink.table.functions.ScalarFunction;

/** Wall-clock epoch milliseconds when a row is computed: an alert's detection time. */
public final class NowMillis extends ScalarFunction {
    public Long eval() {
        return System.currentTimeMillis();
    }

    @Override
    public boolean isDeterministic() {
        return false;
    }
}
