package io.streamwatch.flink;

import io.streamwatch.flink.udf.SqlFunctions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one or more Flink SQL job files, each as its own Flink job named after its file. With
 * --local it starts one mini-cluster in this JVM and submits every job to it (one REST API,
 * one slot pool); submitted with `flink run` (no --local) the jobs go to that cluster. It
 * registers the project's SQL functions (udf.SqlFunctions) and submits the files' statements:
 * the jobs themselves live in the .sql files.
 *
 * <pre>
 * SqlJobRunner --job jobs/drivers-positions.sql [--job ...] [--shared jobs/shared.sql]
 *              [--vars vars.properties]
 *              [--var name=value ...] [--set flink.key=value ...] [--local true]
 *              [--checkpoints dir] [--restore-latest true]
 * </pre>
 *
 * --detached true is for a session cluster's REST submission (/jars/:id/run), where main runs
 * inside the JobManager: it submits the jobs and returns; a failure is thrown, never System.exit,
 * which would take the JobManager down with it.
 *
 * --explain true plans every job (tables, views, UDFs, types, the generated checks) and prints
 * its plan instead of running it: no cluster, no Kafka; exit 0 when every job plans.
 *
 * --shared names a file of statements every job file begins with (the tables their Kafka tables
 * are made LIKE), run in each job's own table environment with that job's variables.
 *
 * --checkpoints gives each job its own directory (dir/job-name) so that --restore-latest can
 * resume every job from its own newest completed checkpoint after a crash.
 */
public final class SqlJobRunner {
    private static final Logger LOG = LoggerFactory.getLogger(SqlJobRunner.class);

    public static void main(String[] args) throws Exception {
        if (Args.isDetached(args)) {
            run(Args.parse(args));
            return;
        }
        Args parsed;
        try {
            parsed = Args.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("streamwatch-flink: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            run(parsed);
        } catch (Exception e) {
            // Without this the mini-cluster's threads would keep a JVM alive whose jobs never ran.
            LOG.error("Flink SQL jobs failed", e);
            System.err.println("streamwatch-flink: " + rootMessage(e));
            System.exit(1);
        }
        if (parsed.explain) System.exit(0);
        // Streaming jobs never finish on their own; reaching here means a job ended.
        System.err.println("streamwatch-flink: a streaming job finished; stopping");
        System.exit(1);
    }

    private static void run(Args parsed) throws Exception {
        Configuration conf = new Configuration();
        parsed.settings.forEach(conf::setString);
        if (parsed.explain) {
            explain(parsed, conf);
            return;
        }
        if (parsed.local) startMiniCluster(conf, parsed.jobs.size());

        List<TableResult> jobs = new ArrayList<>();
        for (Path job : parsed.jobs) {
            // One table environment per file: each job has its own catalog, so files may name
            // their tables alike.
            TableEnvironment tEnv = TableEnvironment.create(
                    EnvironmentSettings.newInstance().inStreamingMode().withConfiguration(conf).build());
            SqlFunctions.registerAll(tEnv);
            String script = parsed.script(job);
            String name = jobName(job);
            tEnv.getConfig().set("pipeline.name", name);
            if (parsed.checkpoints != null) {
                Path dir = parsed.checkpoints.resolve(name);
                tEnv.getConfig().set("execution.checkpointing.dir", dir.toUri().toString());
                if (parsed.restoreLatest) {
                    Optional<Path> latest = CheckpointDirs.latestCompleted(dir);
                    if (latest.isPresent()) {
                        tEnv.getConfig().set("execution.state-recovery.path", latest.get().toUri().toString());
                        System.out.println("streamwatch-flink: " + name + " restores from " + latest.get());
                    } else {
                        System.out.println("streamwatch-flink: " + name + " has no completed checkpoint; starting fresh");
                    }
                }
            }
            for (String statement : SqlScript.statements(script, KafkaSecurity.withJobCredentials(parsed.vars, name, System.getenv()))) {
                TableResult result = tEnv.executeSql(statement);
                result.getJobClient().ifPresent(client -> {
                    LOG.info("Submitted {} as Flink job {}", job.getFileName(), client.getJobID());
                    System.out.println("streamwatch-flink: submitted " + job.getFileName() + " as job " + client.getJobID());
                    jobs.add(result);
                });
            }
        }
        if (jobs.isEmpty()) throw new IllegalArgumentException("the job files submitted no INSERT; nothing to run");
        // The session cluster owns the jobs now; whoever submitted them cancels them.
        if (parsed.detached) return;
        // Stopped with SIGTERM (the stack's Ctrl-C), cancel the jobs so that their Kafka sinks abort
        // open transactions: left open, each would hide everything after it from read_committed
        // readers until the broker times it out (transaction.timeout.ms, 10 min).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (TableResult job : jobs) {
                job.getJobClient().ifPresent(client -> {
                    try {
                        client.cancel().get(5, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (Exception e) {
                        System.err.println("streamwatch-flink: could not cancel job " + client.getJobID() + " on shutdown: " + e);
                    }
                });
            }
        }, "cancel-jobs-on-shutdown"));
        for (TableResult job : jobs) {
            job.await();
        }
    }

    /** Plans each job file's INSERTs (EXPLAIN) after running its DDL, without submitting anything. */
    private static void explain(Args parsed, Configuration conf) throws Exception {
        for (Path job : parsed.jobs) {
            TableEnvironment tEnv = TableEnvironment.create(
                    EnvironmentSettings.newInstance().inStreamingMode().withConfiguration(conf).build());
            SqlFunctions.registerAll(tEnv);
            int inserts = 0;
            for (String statement : SqlScript.statements(parsed.script(job), KafkaSecurity.withJobCredentials(parsed.vars, jobName(job), System.getenv()))) {
                String upper = statement.stripLeading().toUpperCase(java.util.Locale.ROOT);
                if (upper.startsWith("EXECUTE STATEMENT SET")) {
                    tEnv.executeSql("EXPLAIN " + statement.stripLeading().substring("EXECUTE ".length())).collect().close();
                    inserts++;
                } else if (upper.startsWith("INSERT")) {
                    tEnv.executeSql("EXPLAIN " + statement).collect().close();
                    inserts++;
                } else {
                    tEnv.executeSql(statement);
                }
            }
            System.out.println("streamwatch-flink: " + jobName(job) + " plans (" + inserts + " INSERT statement" + (inserts == 1 ? "" : "s") + ")");
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return e.getMessage() + (root != e ? " (" + root.getMessage() + ")" : "");
    }

    /**
     * One mini-cluster for all jobs, then point the table environment at its REST API: per-job
     * mini-clusters would each want the same REST port and their own slots.
     */
    private static void startMiniCluster(Configuration conf, int jobs) throws Exception {
        int parallelism = Integer.parseInt(conf.toMap().getOrDefault("parallelism.default", "1"));
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(jobs * parallelism)
                .build());
        cluster.start();
        java.net.URI rest = cluster.getRestAddress().get();
        conf.set(DeploymentOptions.TARGET, "remote");
        conf.set(RestOptions.ADDRESS, rest.getHost());
        conf.set(RestOptions.PORT, rest.getPort());
        System.out.println("streamwatch-flink: mini-cluster REST API at " + rest);
    }

    static String jobName(Path job) {
        return job.getFileName().toString().replaceFirst("\\.sql$", "");
    }

    static final class Args {
        final List<Path> jobs = new ArrayList<>();
        final List<Path> shared = new ArrayList<>();
        final Map<String, String> vars = new LinkedHashMap<>();
        final Map<String, String> settings = new LinkedHashMap<>();
        boolean local;
        Path checkpoints;
        boolean restoreLatest;
        boolean explain;
        boolean detached;

        /** Whether the arguments ask for a detached submission, judged before they are parsed. */
        static boolean isDetached(String[] args) {
            for (int i = 0; i + 1 < args.length; i++) {
                if (args[i].equals("--detached") && Boolean.parseBoolean(args[i + 1])) return true;
            }
            return false;
        }

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
                    case "--shared" -> {
                        Path p = Path.of(value);
                        if (!Files.isReadable(p)) throw new IllegalArgumentException("cannot read shared SQL file " + p.toAbsolutePath());
                        a.shared.add(p);
                    }
                    case "--vars" -> loadProperties(Path.of(value), a.vars);
                    case "--var" -> putPair(value, a.vars, flag);
                    case "--set" -> putPair(value, a.settings, flag);
                    case "--local" -> a.local = Boolean.parseBoolean(value);
                    case "--checkpoints" -> a.checkpoints = Path.of(value).toAbsolutePath();
                    case "--restore-latest" -> a.restoreLatest = Boolean.parseBoolean(value);
                    case "--explain" -> a.explain = Boolean.parseBoolean(value);
                    case "--detached" -> a.detached = Boolean.parseBoolean(value);
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            if (a.jobs.isEmpty()) throw new IllegalArgumentException("give at least one --job file.sql");
            if (a.detached && a.local) throw new IllegalArgumentException("--detached submits to a running cluster; it cannot start a --local one");
            if (a.restoreLatest && a.checkpoints == null) throw new IllegalArgumentException("--restore-latest needs --checkpoints dir");
            return a;
        }

        /** A job file's statements after the shared ones. */
        String script(Path job) throws IOException {
            StringBuilder script = new StringBuilder();
            for (Path p : shared) script.append(Files.readString(p)).append('\n');
            return script.append(Files.readString(job)).toString();
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
