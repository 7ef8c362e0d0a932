package io.streamwatch.flink.udf;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
// Flink's own (shaded) Jackson: present wherever Flink runs, so the job jar carries none.
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonFactory;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonParser;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.JsonToken;
import org.apache.flink.shaded.jackson2.com.fasterxml.jackson.core.StreamReadConstraints;

/**
 * A raw record's top-level fields with their JSON types, judged as the published schemas
 * (lib/schemas, zod) judge them: the bytes must be strict UTF-8 holding exactly one JSON
 * object; numbers are IEEE doubles as JavaScript reads them; a duplicated key keeps its last
 * value. Flink's JSON_VALUE cannot tell "12.5" from 12.5, which let wrongly typed records in.
 *
 * <p>A row's checks call several field functions on the same payload in a row, so the last
 * parse is kept per thread and reused while the bytes are the same.
 */
final class JsonRecord {
    /** A field's value: a String, a Double, Boolean.TRUE/FALSE, NULL_VALUE, or OTHER for objects and arrays. */
    static final Object NULL_VALUE = new Object();
    static final Object OTHER = new Object();
    static final double MAX_SAFE_INTEGER = 9007199254740991d;

    /**
     * JSON.parse has no nesting, number-length or name-length limit (the record size bounds them
     * all); Jackson's defaults (1,000 levels, 1,000 digits) refused records zod accepts.
     */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(Integer.MAX_VALUE)
                    .maxNumberLength(Integer.MAX_VALUE)
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNameLength(Integer.MAX_VALUE)
                    .build())
            .build();
    private static final JsonRecord NOT_AN_OBJECT = new JsonRecord(null);
    private static final ThreadLocal<Parsed> LAST = new ThreadLocal<>();

    /** The last payload a thread parsed, with what it held. */
    private record Parsed(byte[] bytes, JsonRecord record) {}

    /** Null when the payload is not one JSON object in strict UTF-8. */
    final Map<String, Object> fields;

    private JsonRecord(Map<String, Object> fields) {
        this.fields = fields;
    }

    static JsonRecord of(byte[] payload) {
        if (payload == null) return NOT_AN_OBJECT;
        Parsed last = LAST.get();
        if (last != null && Arrays.equals(last.bytes, payload)) return last.record;
        JsonRecord parsed = parse(payload);
        LAST.set(new Parsed(payload, parsed));
        return parsed;
    }

    private static JsonRecord parse(byte[] payload) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(payload))
                    .toString();
        } catch (CharacterCodingException e) {
            return NOT_AN_OBJECT;
        }
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return NOT_AN_OBJECT;
            Map<String, Object> fields = new HashMap<>();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (v) {
                    case VALUE_STRING -> fields.put(name, p.getText());
                    // From the text, as JSON.parse does: -0 stays -0, big integers round to the nearest double.
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> fields.put(name, Double.parseDouble(p.getText()));
                    case VALUE_TRUE -> fields.put(name, Boolean.TRUE);
                    case VALUE_FALSE -> fields.put(name, Boolean.FALSE);
                    case VALUE_NULL -> fields.put(name, NULL_VALUE);
                    default -> {
                        // Read through nested values: they must be well-formed too.
                        p.skipChildren();
                        fields.put(name, OTHER);
                    }
                }
            }
            // One value only, as JSON.parse demands: anything after the object is an error.
            if (p.nextToken() != null) return NOT_AN_OBJECT;
            return new JsonRecord(fields);
        } catch (Exception e) {
            return NOT_AN_OBJECT;
        }
    }

    boolean isObject() {
        return fields != null;
    }

    boolean has(String name) {
        return fields != null && fields.containsKey(name);
    }

    String string(String name) {
        return fields != null && fields.get(name) instanceof String s ? s : null;
    }

    /** A finite number (JavaScript's JSON.parse gives Infinity for 1e400, which the schemas refuse). */
    Double number(String name) {
        return fields != null && fields.get(name) instanceof Double d && Double.isFinite(d) ? d : null;
    }

    /** A whole number JavaScript holds exactly (Number.isSafeInteger). */
    Long safeInteger(String name) {
        Double d = number(name);
        return d != null && Math.floor(d) == d && Math.abs(d) <= MAX_SAFE_INTEGER ? d.longValue() : null;
    }
}
