package io.streamwatch.flink;

import io.streamwatch.flink.udf.SqlFunctions;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Properties;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.functions.TableFunction;
import org.apache.flink.types.Row;

/**
 * Judges records with the very SQL the jobs dead-letter by (the check.<Schema> variables the
 * stack builds from lib/schemas), in a Flink batch job, and prints each record's reason. The
 * property test compares these verdicts with zod's, record for record.
 *
 * <pre>
 * RecordChecker --vars vars.properties --records records.csv
 *   records.csv: one record a line, "index,Schema,base64" ("-" in place of base64 for a null value)
 *   stdout:      "index\treason" a line, reason empty when the record is valid
 * </pre>
 */
public final class RecordChecker {
    private RecordChecker() {}

    /** The records file as rows (the job jar carries no filesystem connector). */
    @FunctionHint(output = @DataTypeHint("ROW<idx BIGINT, schema_name STRING, payload BYTES>"))
    public static final class ReadRecords extends TableFunction<Row> {
        public void eval(String path) throws IOException {
            try (BufferedReader in = Files.newBufferedReader(Path.of(path), StandardCharsets.US_ASCII)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    String[] f = line.split(",", 3);
                    byte[] payload = f[2].equals("-") ? null : Base64.getDecoder().decode(f[2]);
                    collect(Row.of(Long.parseLong(f[0]), f[1], payload));
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4 || !args[0].equals("--vars") || !args[2].equals("--records")) {
            System.err.println("usage: RecordChecker --vars vars.properties --records records.csv");
            System.exit(2);
        }
        Properties vars = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
            vars.load(in);
        }
        TableEnvironment tEnv = TableEnvironment.create(EnvironmentSettings.inBatchMode());
        SqlFunctions.registerAll(tEnv);
        tEnv.createTemporarySystemFunction("read_records", ReadRecords.class);
        String file = Path.of(args[3]).toAbsolutePath().toString().replace("'", "''");
        StringBuilder reason = new StringBuilder("CASE schema_name");
        for (String name : vars.stringPropertyNames()) {
            if (!name.startsWith("check.")) continue;
            String schema = name.substring("check.".length());
            reason.append("\n WHEN '").append(schema).append("' THEN (").append(vars.getProperty(name)).append(')');
        }
        reason.append("\n ELSE 'no check for this schema' END");
        String query = "SELECT idx, " + reason + " AS reason FROM (VALUES (1)) AS single_row(x), LATERAL TABLE(read_records('" + file + "'))";
        try (BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
                var rows = tEnv.executeSql(query).collect()) {
            for (Iterator<Row> it = rows; it.hasNext(); ) {
                Row row = it.next();
                Object r = row.getField(1);
                out.write(row.getField(0) + "\t" + (r == null ? "" : r) + "\n");
            }
        }
        System.exit(0);
    }
}
