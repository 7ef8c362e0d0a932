package io.streamwatch.flink;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A .sql job file as the SQL client would read it: statements end with ';', '--' starts a
 * comment, and ${name} placeholders are filled from the variables the stack passes (topic
 * names come from the catalog in lib/, so no job hard-codes one).
 */
final class SqlScript {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)}");

    private SqlScript() {}

    static List<String> statements(String script, Map<String, String> vars) {
        return split(substitute(stripComments(script), vars));
    }

    static String substitute(String sql, Map<String, String> vars) {
        Matcher m = PLACEHOLDER.matcher(sql);
        StringBuilder out = new StringBuilder();
        List<String> missing = new ArrayList<>();
        while (m.find()) {
            String value = vars.get(m.group(1));
            if (value == null) {
                missing.add(m.group(1));
                value = m.group(0);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    "SQL uses variables that were not given: " + String.join(", ", missing)
                            + " (pass them with --var name=value or a --vars file)");
        }
        return out.toString();
    }

    /** Removes '--' comments outside string literals, keeping line breaks. */
    static String stripComments(String script) {
        StringBuilder out = new StringBuilder(script.length());
        boolean inString = false;
        for (int i = 0; i < script.length(); i++) {
            char c = script.charAt(i);
            if (c == '\'') {
                inString = !inString;
            } else if (!inString && c == '-' && i + 1 < script.length() && script.charAt(i + 1) == '-') {
                while (i < script.length() && script.charAt(i) != '\n') i++;
                if (i < script.length()) out.append('\n');
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }

    private static final Pattern STATEMENT_SET_START =
            Pattern.compile("^(EXECUTE\\s+STATEMENT\\s+SET|BEGIN\\s+STATEMENT\\s+SET)\\b.*", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern STATEMENT_SET_END = Pattern.compile(".*\\bEND\\s*$", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    /** Inside EXECUTE STATEMENT SET BEGIN ... END the ';' separate INSERTs of one statement. */
    private static boolean insideStatementSet(StringBuilder current) {
        String s = current.toString().trim();
        return STATEMENT_SET_START.matcher(s).matches() && !STATEMENT_SET_END.matcher(s).matches();
    }

    /** Splits on ';' outside string literals and statement sets; blank statements are dropped. */
    static List<String> split(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inString = false;
        for (int i = 0; i < script.length(); i++) {
            char c = script.charAt(i);
            if (c == '\'') inString = !inString;
            if (c == ';' && !inString && !insideStatementSet(current)) {
                addIfNotBlank(statements, current);
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        addIfNotBlank(statements, current);
        return statements;
    }

    private static void addIfNotBlank(List<String> statements, StringBuilder sb) {
        String s = sb.toString().trim();
        if (!s.isEmpty()) statements.add(s);
    }
}
