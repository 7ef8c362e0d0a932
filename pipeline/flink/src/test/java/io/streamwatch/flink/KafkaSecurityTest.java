package io.streamwatch.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaSecurityTest {
    @Test
    void plaintextWithoutCredentials() {
        Map<String, String> v = KafkaSecurity.variables("surge", Map.of());
        assertEquals("PLAINTEXT", v.get("kafka.security.protocol"));
        assertEquals("", v.get("kafka.sasl.jaas.config"));
    }

    @Test
    void eachJobGetsItsOwnPrincipalBeforeTheSharedOne() {
        Map<String, String> env = Map.of(
                "KAFKA_SASL_USERNAME_DRIVERS_POSITIONS", "flink-dp", "KAFKA_SASL_PASSWORD_DRIVERS_POSITIONS", "pw-dp",
                "KAFKA_SASL_USERNAME", "shared", "KAFKA_SASL_PASSWORD", "pw-shared");
        String dp = KafkaSecurity.variables("drivers-positions", env).get("kafka.sasl.jaas.config");
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"flink-dp\" password=\"pw-dp\";", dp);
        Map<String, String> surge = KafkaSecurity.variables("surge", env);
        assertTrue(surge.get("kafka.sasl.jaas.config").contains("username=\"shared\""));
        assertEquals("SASL_PLAINTEXT", surge.get("kafka.security.protocol"));
        assertEquals("SCRAM-SHA-512", surge.get("kafka.sasl.mechanism"));
    }

    @Test
    void quotesSurviveJaasAndTheSqlLiteral() {
        Map<String, String> env = Map.of("KAFKA_SASL_USERNAME", "o'brien", "KAFKA_SASL_PASSWORD", "a\"b\\c", "KAFKA_SASL_MECHANISM", "plain");
        Map<String, String> v = KafkaSecurity.variables("fraud", env);
        // Placed in a table's WITH ('properties.sasl.jaas.config' = '...'), the script still splits into one statement.
        List<String> s = SqlScript.statements("CREATE TABLE t (x INT) WITH ('j' = '${kafka.sasl.jaas.config}');", v);
        assertEquals(1, s.size());
        assertEquals("CREATE TABLE t (x INT) WITH ('j' = 'org.apache.kafka.common.security.plain.PlainLoginModule required username=\"o''brien\" password=\"a\\\"b\\\\c\";')", s.get(0));
    }

    @Test
    void refusesHalfACredentialAndSaslWithout() {
        assertThrows(IllegalArgumentException.class, () -> KafkaSecurity.variables("fraud", Map.of("KAFKA_SASL_USERNAME_FRAUD", "x")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KafkaSecurity.variables("fraud", Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")));
        assertTrue(e.getMessage().contains("KAFKA_SASL_USERNAME_FRAUD"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KafkaSecurity.variables("fraud", Map.of("KAFKA_SASL_USERNAME", "x", "KAFKA_SASL_PASSWORD", "y", "KAFKA_SASL_MECHANISM", "GSSAPI")));
    }
}
