package io.streamwatch.flink.udf;

import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.functions.ScalarFunction;

/** Evidence ids as an array: a comma-joined list (what LISTAGG gives in MATCH_RECOGNIZE) split apart. */
public final class IdList extends ScalarFunction {
    public @DataTypeHint("ARRAY<STRING>") String[] eval(String joined) {
        if (joined == null || joined.isEmpty()) return new String[0];
        return joined.split(",");
    }
}
