package io.streamwatch.flink.udf;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.JsonNode;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.databind.ObjectMapper;

/** Test vectors shared with the TypeScript side, read from lib/ at the repository root. */
final class SharedVectors {
    private SharedVectors() {}

    static JsonNode cases(String file) throws IOException {
        Path path = Path.of(System.getProperty("user.dir"), "..", "..", "lib", file).normalize();
        JsonNode cases = new ObjectMapper().readTree(path.toFile()).get("cases");
        if (cases == null || cases.size() == 0) throw new IllegalStateException(path + " holds no cases");
        return cases;
    }
}
