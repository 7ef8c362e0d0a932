package io.streamwatch.flink.udf;

import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * Whether the whole string matches a pattern, as an anchored JavaScript pattern (^...$, no
 * flags) tests it. Flink's REGEXP searches with find(), where "$" also matches before a final
 * line terminator, so "4111...1111\n" passed a check that zod refuses.
 */
public final class FullMatch extends ScalarFunction {
    /** The patterns come from the job files (lib/schemas), so there are a handful. */
    private static final ConcurrentHashMap<String, Pattern> COMPILED = new ConcurrentHashMap<>();

    public Boolean eval(String value, String pattern) {
        if (value == null || pattern == null) return null;
        return COMPILED.computeIfAbsent(pattern, Pattern::compile).matcher(value).matches();
    }
}
