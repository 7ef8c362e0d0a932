package io.streamwatch.flink.udf;

import com.uber.h3core.H3Core;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * The cells touching an H3 cell (its k-ring of 1 without itself: six, five around a pentagon),
 * sorted, or NULL for a string that is not a cell. Same C library as h3-js's gridDisk, which
 * the surge oracle uses (lib/h3-neighbour-vectors.json checks that).
 */
public final class H3Neighbours extends ScalarFunction {
    private static final Pattern HEX_CELL = Pattern.compile("[0-9a-f]{15}");
    private transient H3Core h3;

    @Override
    public void open(FunctionContext context) {
        h3 = load();
    }

    public @DataTypeHint("ARRAY<STRING>") String[] eval(String cell) {
        if (cell == null) return null;
        if (h3 == null) h3 = load();
        // isValidCell throws on what is not hexadecimal: a cell is 15 hex digits.
        if (!HEX_CELL.matcher(cell).matches() || !h3.isValidCell(cell)) return null;
        List<String> disk = h3.gridDisk(cell, 1);
        return disk.stream().filter(c -> !c.equals(cell)).sorted().toArray(String[]::new);
    }

    private static H3Core load() {
        try {
            return H3Core.newInstance();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the H3 native library", e);
        }
    }
}
