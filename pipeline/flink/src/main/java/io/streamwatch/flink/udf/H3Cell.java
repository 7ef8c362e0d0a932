package io.streamwatch.flink.udf;

import com.uber.h3core.H3Core;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * The H3 cell (hex address, e.g. 8860145b4bfffff) holding a point at a resolution, or NULL
 * for a point or resolution H3 rejects. Same C library as h3-js, so the surge oracle in
 * TypeScript puts every event in the same cell (lib/h3-vectors.json checks that).
 */
public final class H3Cell extends ScalarFunction {
    private transient H3Core h3;

    @Override
    public void open(FunctionContext context) {
        h3 = load();
    }

    public String eval(Double lat, Double lon, Integer resolution) {
        if (lat == null || lon == null || resolution == null) return null;
        if (h3 == null) h3 = load();
        if (resolution < 0 || resolution > 15 || !Double.isFinite(lat) || !Double.isFinite(lon)) return null;
        if (lat < -90 || lat > 90 || lon < -180 || lon > 180) return null;
        return h3.latLngToCellAddress(lat, lon, resolution);
    }

    private static H3Core load() {
        try {
            return H3Core.newInstance();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the H3 native library", e);
        }
    }
}
