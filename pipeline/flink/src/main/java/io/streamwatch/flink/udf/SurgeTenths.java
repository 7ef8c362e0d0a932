package io.streamwatch.flink.udf;

import org.apache.flink.table.functions.ScalarFunction;

/** SurgeMultiplier's rule in integer tenths (15 for 1.5x), for sums that smoothing weighs. */
public final class SurgeTenths extends ScalarFunction {
    public Integer eval(Long demand, Long supply, Integer minDemand) {
        if (demand == null || supply == null || minDemand == null) return null;
        return SurgeMultiplier.tenths(demand, supply, minDemand);
    }
}
