package io.streamwatch.flink.udf;

import org.apache.flink.table.functions.ScalarFunction;

/**
 * The surge multiplier for a cell's demand (ride requests) and supply (idle drivers) in one
 * window, given the demand a cell needs before it can surge. The rule is lib/surge.ts's
 * surgeTenths, in integer tenths so that Java and TypeScript cannot round differently;
 * lib/surge-vectors.json holds the cases both must meet (as multipliers, eval's form). The job
 * calls the rule as surge_tenths (SurgeTenths): smoothing weighs tenths, not multipliers.
 */
public final class SurgeMultiplier extends ScalarFunction {
    public static final int BASE_TENTHS = 10;
    public static final int CAP_TENTHS = 30;

    public Double eval(Long demand, Long supply, Integer minDemand) {
        if (demand == null || supply == null || minDemand == null) return null;
        return tenths(demand, supply, minDemand) / 10.0;
    }

    public static int tenths(long demand, long supply, long minDemand) {
        if (demand < minDemand || demand <= supply) return BASE_TENTHS;
        if (supply <= 0) return CAP_TENTHS;
        long tenths = BASE_TENTHS + (5 * (demand - supply)) / supply;
        return (int) Math.min(CAP_TENTHS, tenths);
    }
}
