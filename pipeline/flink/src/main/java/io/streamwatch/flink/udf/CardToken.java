package io.streamwatch.flink.udf;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * A keyed hash of a card number (HMAC-SHA256, first 32 hex digits): the same card gives the
 * same token, so rules and analysts can follow a card, but the number cannot be recovered
 * without the key. lib/card-token.ts computes the same; lib/card-token-vectors.json checks it.
 */
public final class CardToken extends ScalarFunction {
    private transient Mac mac;
    private transient String macKey;

    public String eval(String cardNumber, String key) {
        if (cardNumber == null || key == null || key.isEmpty()) return null;
        try {
            if (mac == null || !key.equals(macKey)) {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                macKey = key;
            }
            byte[] digest = mac.doFinal(cardNumber.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
