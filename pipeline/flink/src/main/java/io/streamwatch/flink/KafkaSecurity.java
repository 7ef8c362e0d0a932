package io.streamwatch.flink;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The Kafka credentials of one job, as the SQL variables every Kafka table uses
 * (kafka.security.protocol, kafka.sasl.mechanism, kafka.sasl.jaas.config). They come from the
 * environment only, never from SQL text or a file on disk: the same names the TypeScript
 * services read (lib/kafka-auth.ts), each first with the job's suffix, so that one JVM running
 * several jobs gives each its own principal:
 *
 * <pre>
 * KAFKA_SASL_USERNAME_FRAUD, KAFKA_SASL_PASSWORD_FRAUD   (job fraud.sql; drivers-positions.sql: _DRIVERS_POSITIONS)
 * KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD               (any job without its own)
 * KAFKA_SASL_MECHANISM                                   SCRAM-SHA-512 (default), SCRAM-SHA-256 or PLAIN
 * KAFKA_SECURITY_PROTOCOL                                SASL_PLAINTEXT with credentials, else PLAINTEXT
 * </pre>
 */
final class KafkaSecurity {
    private static final Set<String> MECHANISMS = Set.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN");
    private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL", "SSL");

    private KafkaSecurity() {}

    /** The variables with the job's Kafka security added. */
    static Map<String, String> withJobCredentials(Map<String, String> vars, String jobName, Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>(vars);
        out.putAll(variables(jobName, env));
        return out;
    }

    static Map<String, String> variables(String jobName, Map<String, String> env) {
        String suffix = "_" + jobName.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        String username = blankToNull(env.get("KAFKA_SASL_USERNAME" + suffix));
        String password = blankToNull(env.get("KAFKA_SASL_PASSWORD" + suffix));
        if (username == null && password == null) {
            username = blankToNull(env.get("KAFKA_SASL_USERNAME"));
            password = blankToNull(env.get("KAFKA_SASL_PASSWORD"));
        }
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException("job " + jobName + ": KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD go together");
        }
        String mechanism = orDefault(env.get("KAFKA_SASL_MECHANISM"), "SCRAM-SHA-512").toUpperCase(Locale.ROOT);
        if (!MECHANISMS.contains(mechanism)) {
            throw new IllegalArgumentException("KAFKA_SASL_MECHANISM " + mechanism + " is not one of " + MECHANISMS);
        }
        String protocol = orDefault(env.get("KAFKA_SECURITY_PROTOCOL"), username != null ? "SASL_PLAINTEXT" : "PLAINTEXT").toUpperCase(Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            throw new IllegalArgumentException("KAFKA_SECURITY_PROTOCOL " + protocol + " is not one of " + PROTOCOLS);
        }
        boolean sasl = protocol.startsWith("SASL_");
        if (sasl && username == null) {
            throw new IllegalArgumentException("job " + jobName + ": " + protocol + " needs KAFKA_SASL_USERNAME" + suffix + " and KAFKA_SASL_PASSWORD" + suffix + " (or the unsuffixed pair)");
        }
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("kafka.security.protocol", protocol);
        vars.put("kafka.sasl.mechanism", mechanism);
        // Kafka ignores the JAAS line on a listener without SASL; an empty one keeps the tables alike.
        vars.put("kafka.sasl.jaas.config", sasl ? sqlLiteral(jaas(mechanism, username, password)) : "");
        return vars;
    }

    private static String jaas(String mechanism, String username, String password) {
        String module = mechanism.equals("PLAIN")
                ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        return module + " required username=\"" + jaasQuoted(username) + "\" password=\"" + jaasQuoted(password) + "\";";
    }

    /** JAAS quoted strings take backslash escapes. */
    private static String jaasQuoted(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** The value lands inside a SQL string literal ('...'), where a quote is doubled. */
    private static String sqlLiteral(String s) {
        return s.replace("'", "''");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String orDefault(String s, String fallback) {
        return s == null || s.isBlank() ? fallback : s;
    }
}
