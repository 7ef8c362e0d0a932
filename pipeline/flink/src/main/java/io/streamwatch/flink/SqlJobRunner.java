package io.streamwatch.flink;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one or more Flink SQL job files. Started with plain `java` it executes them in a local
 * mini-cluster; submitted with `flink run` it executes them on that cluster. It only reads and
 * submits statements: the jobs themselves live in the .sql files.
 *
 * <pre>
 * SqlJobRunner --job jobs/drivers-positions.sql [--job ...] [--vars vars.properties]
 *              [--var name=value ...] [--set flink.key=value ...]
 * </pre>
 */
public final class SqlJobRunner {
    private static final Logger LOG = LoggerFactory.getLogger(SqlJobRunner.class);

    public static void main(String[] args) throws Exception {
        Args parsed;
        try {
            parsed = Args.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("streamwatch-flink: " + e.getMessage());
            System.exit(2);
            return;
        }
        Configuration conf = new Configuration();
        parsed.settings.forEach(conf::setString);
        TableEnvironment tEnv = TableEnvironment.create(
                EnvironmentSettings.newInstance().inStreamingMode().withConfiguration(conf).build());

        List<TableResult> jobs = new ArrayList<>();
        for (Path job : parsed.jobs) {
            String script = Files.readString(job);
            // The job is known by its file (drivers-positions), in Flink's UI and to the gateway.
            tEnv.getConfig().set("pipeline.name", jobName(job));
            for (String statement : SqlScript.statements(script, parsed.vars)) {
                TableResult result = tEnv.executeSql(statement);
                result.getJobClient().ifPresent(client -> {
                    LOG.info("Submitted {} as Flink job {}", job.getFileName(), client.getJobID());
                    System.out.println("streamwatch-flink: submitted " + job.getFileName() + " as job " + client.getJobID());
                    jobs.add(result);
                });
            }
        }
        if (jobs.isEmpty()) {
            System.err.println("streamwatch-flink: the job files submitted no INSERT; nothing to run");
            System.exit(2);
        }
        // Streaming jobs never finish on their own; waiting keeps the mini-cluster alive and
        // surfaces a failed job as a non-zero exit the stack can report.
        for (TableResult job : jobs) {
            job.await();
        }
    }

    static String jobName(Path job) {
        return job.getFileName().toString().replaceFirst("\\.sql$", "");
    }

    static final class Args {
        final List<Path> jobs = new ArrayList<>();
        final Map<String, String> vars = new LinkedHashMap<>();
        final Map<String, String> settings = new LinkedHashMap<>();

        static Args parse(String[] args) throws IOException {
            Args a = new Args();
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (i + 1 >= args.length) throw new IllegalArgumentException(flag + " needs a value");
                String value = args[++i];
                switch (flag) {
                    case "--job" -> {
                        Path p = Path.of(value);
                        if (!Files.isReadable(p)) throw new IllegalArgumentException("cannot read job file " + p.toAbsolutePath());
                        a.jobs.add(p);
                    }
                    case "--vars" -> loadProperties(Path.of(value), a.vars);
                    case "--var" -> putPair(value, a.vars, flag);
                    case "--set" -> putPair(value, a.settings, flag);
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            if (a.jobs.isEmpty()) throw new IllegalArgumentException("give at least one --job file.sql");
            return a;
        }

        private static void putPair(String pair, Map<String, String> into, String flag) {
            int eq = pair.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException(flag + " expects name=value, got '" + pair + "'");
            into.put(pair.substring(0, eq), pair.substring(eq + 1));
        }

        private static void loadProperties(Path file, Map<String, String> into) throws IOException {
            Properties props = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                props.load(in);
            }
            props.stringPropertyNames().forEach(k -> into.put(k, props.getProperty(k)));
        }
    }
}
