package io.streamwatch.flink.udf;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.functions.UserDefinedFunction;

/**
 * The SQL names of Streamwatch's functions, registered in every job's table environment by
 * the runner, so that the job files use them without each restating the same declarations.
 */
public final class SqlFunctions {
    public static final Map<String, Class<? extends UserDefinedFunction>> BY_NAME = byName();

    private SqlFunctions() {}

    private static Map<String, Class<? extends UserDefinedFunction>> byName() {
        Map<String, Class<? extends UserDefinedFunction>> m = new LinkedHashMap<>();
        // Typed field reads of raw records, judged as lib/schemas judges them (see JsonRecord).
        m.put("json_object_check", JsonObjectCheck.class);
        m.put("json_has", JsonHas.class);
        m.put("json_string", JsonString.class);
        m.put("json_number", JsonNumber.class);
        m.put("json_safe_integer", JsonSafeInteger.class);
        m.put("full_match", FullMatch.class);
        m.put("body_event_time", BodyEventTime.class);
        // Surge.
        m.put("h3_cell", H3Cell.class);
        m.put("surge_tenths", SurgeTenths.class);
        m.put("surge_smoothed", SurgeSmoothed.class);
        m.put("h3_neighbours", H3Neighbours.class);
        // Fraud.
        m.put("card_token", CardToken.class);
        m.put("geo_distance_km", GeoDistanceKm.class);
        m.put("now_millis", NowMillis.class);
        m.put("id_list", IdList.class);
        return java.util.Collections.unmodifiableMap(m);
    }

    public static void registerAll(TableEnvironment tEnv) {
        BY_NAME.forEach(tEnv::createTemporarySystemFunction);
    }
}
