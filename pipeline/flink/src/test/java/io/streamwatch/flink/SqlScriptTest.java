package io.streamwatch.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlScriptTest {
    @Test
    void splitsStatementsOnSemicolonsOutsideStrings() {
        List<String> s = SqlScript.statements(
                "CREATE TABLE a (x STRING) WITH ('k' = 'a;b');\n-- a comment; with a semicolon\nINSERT INTO a SELECT 'x;y';\n",
                Map.of());
        assertEquals(2, s.size());
        assertTrue(s.get(0).contains("'a;b'"));
        assertEquals("INSERT INTO a SELECT 'x;y'", s.get(1));
    }

    @Test
    void keepsDoubleDashInsideStringLiterals() {
        List<String> s = SqlScript.statements("SELECT '--not a comment' AS c;", Map.of());
        assertEquals(List.of("SELECT '--not a comment' AS c"), s);
    }

    @Test
    void fillsPlaceholdersFromVariables() {
        List<String> s = SqlScript.statements("SELECT * FROM t WHERE topic = '${topic.raw}';", Map.of("topic.raw", "raw.x"));
        assertEquals(List.of("SELECT * FROM t WHERE topic = 'raw.x'"), s);
    }

    @Test
    void namesEveryMissingVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SqlScript.statements("SELECT '${a}', '${b}';", Map.of()));
        assertTrue(e.getMessage().contains("a, b"), e.getMessage());
    }

    @Test
    void keepsAStatementSetAsOneStatement() {
        List<String> s = SqlScript.statements(
                "CREATE TABLE a (x INT);\nEXECUTE STATEMENT SET\nBEGIN\nINSERT INTO a SELECT 1;\nINSERT INTO a SELECT 2;\nEND;\n",
                Map.of());
        assertEquals(2, s.size());
        assertEquals("EXECUTE STATEMENT SET\nBEGIN\nINSERT INTO a SELECT 1;\nINSERT INTO a SELECT 2;\nEND", s.get(1));
    }
}
