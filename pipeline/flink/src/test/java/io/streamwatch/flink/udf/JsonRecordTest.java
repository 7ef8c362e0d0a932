package io.streamwatch.flink.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonRecordTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsFieldsOnlyWithTheirJsonType() {
        byte[] p = utf8("{\"id\":\"d-1\",\"lat\":12.5,\"latText\":\"12.5\",\"n\":123,\"ts\":1700000000000,\"nil\":null,\"obj\":{\"a\":[1,2]}}");
        assertEquals("d-1", new JsonString().eval(p, "id"));
        assertNull(new JsonString().eval(p, "n"), "a number is not a string");
        assertEquals(12.5, new JsonNumber().eval(p, "lat"));
        assertNull(new JsonNumber().eval(p, "latText"), "a numeric string is not a number");
        assertEquals(1700000000000L, new JsonSafeInteger().eval(p, "ts"));
        assertNull(new JsonSafeInteger().eval(p, "lat"), "12.5 is not whole");
        assertTrue(new JsonHas().eval(p, "nil"));
        assertNull(new JsonNumber().eval(p, "nil"));
        assertFalse(new JsonHas().eval(p, "missing"));
        assertTrue(new JsonHas().eval(p, "obj"));
        assertTrue(new JsonObjectCheck().eval(p));
    }

    @Test
    void numbersAsJavaScriptReadsThem() {
        assertEquals(1L, new JsonSafeInteger().eval(utf8("{\"ts\":1.0}"), "ts"), "1.0 is the integer 1 in JavaScript");
        assertNull(new JsonSafeInteger().eval(utf8("{\"ts\":9007199254740993}"), "ts"), "beyond Number.MAX_SAFE_INTEGER");
        assertNull(new JsonNumber().eval(utf8("{\"lat\":1e400}"), "lat"), "JSON.parse gives Infinity");
        assertEquals(-0.0, new JsonNumber().eval(utf8("{\"lat\":-0}"), "lat"));
    }

    @Test
    void refusesWhatIsNotOneObjectInStrictUtf8() {
        assertFalse(new JsonObjectCheck().eval(utf8("[1,2]")));
        assertFalse(new JsonObjectCheck().eval(utf8("{\"a\":1}{\"b\":2}")), "two values");
        assertFalse(new JsonObjectCheck().eval(utf8("{\"a\":1")), "truncated");
        assertFalse(new JsonObjectCheck().eval(utf8("{\"a\":NaN}")));
        assertFalse(new JsonObjectCheck().eval(utf8("{'a':1}")));
        assertFalse(new JsonObjectCheck().eval(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xff, '"', '}'}), "invalid UTF-8 in a string");
        assertFalse(new JsonObjectCheck().eval(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', '}'}), "an encoded surrogate");
        assertFalse(new JsonObjectCheck().eval(null));
        assertTrue(new JsonObjectCheck().eval(utf8(" {\"a\":1} \n")), "whitespace around is fine");
        assertEquals("b", new JsonString().eval(utf8("{\"a\":\"x\",\"a\":\"b\"}"), "a"), "the last of a duplicated key wins, as in JSON.parse");
    }

    @Test
    void reusesTheParseOnlyForTheSameBytes() {
        assertEquals("one", new JsonString().eval(utf8("{\"a\":\"one\"}"), "a"));
        assertEquals("two", new JsonString().eval(utf8("{\"a\":\"two\"}"), "a"));
        assertEquals("two", new JsonString().eval(utf8("{\"a\":\"two\"}"), "a"));
    }
}
