package io.streamwatch.flink.udf;

import org.apache.flink.table.functions.ScalarFunction;

/**
 * A cell's smoothed surge multiplier from its own and its neighbours' multipliers in one
 * window: lib/surge.ts's smoothedTenths. Given the sum of weight x tenths over the cells that
 * had a window, the sum of their weights, and the weight of the cell and all its neighbours
 * together (the job's surge.smoothTotalWeight, from lib/surge.ts), the cells that had none count
 * as 1.0x; integer tenths, so that Java and TypeScript cannot round apart
 * (lib/surge-smoothing-vectors.json).
 */
public final class SurgeSmoothed extends ScalarFunction {
    public Double eval(Long weightedTenths, Long weights, Integer totalWeight) {
        if (weightedTenths == null || weights == null || totalWeight == null || totalWeight <= 0) return null;
        return tenths(weightedTenths, weights, totalWeight) / 10.0;
    }

    public static int tenths(long weightedTenths, long weights, int totalWeight) {
        long missing = Math.max(0, totalWeight - weights);
        return (int) Math.floorDiv(weightedTenths + missing * SurgeMultiplier.BASE_TENTHS, (long) totalWeight);
    }
}
