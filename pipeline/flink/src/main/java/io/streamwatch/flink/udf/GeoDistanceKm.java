package io.streamwatch.flink.udf;

import org.apache.flink.table.functions.ScalarFunction;

/** Great-circle distance in km between two points (haversine, mean Earth radius), as lib/geo.ts. */
public final class GeoDistanceKm extends ScalarFunction {
    private static final double EARTH_RADIUS_KM = 6371.0;

    public Double eval(Double lat1, Double lon1, Double lat2, Double lon2) {
        if (lat1 == null || lon1 == null || lat2 == null || lon2 == null) return null;
        double p1 = Math.toRadians(lat1), p2 = Math.toRadians(lat2);
        double dp = p2 - p1, dl = Math.toRadians(lon2 - lon1);
        double a = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
    }
}
