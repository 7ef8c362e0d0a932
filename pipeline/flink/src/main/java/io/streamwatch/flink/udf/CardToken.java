package io.streamwatch.flink.udf;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * A keyed hash of a card number (HMAC-SHA256, first 32 hex digits): the same card gives the
 * same token, so rules and analysts can follow a card, but the number cannot be recovered
 * without the key. lib/card-token.ts computes the same; lib/card-token-vectors.json checks it.
 *
 * <p>The jobs call the one-argument form: the key comes from the TaskManager's environment
 * ({@value #KEY_VARIABLE}), never from SQL text or a variables file, which are logged, shown
 * by Flink's REST API and left on disk.
 */
public final class CardToken extends ScalarFunction {
    public static final String KEY_VARIABLE = "CARD_TOKEN_KEY";

    private transient Mac mac;
    private transient String macKey;
    private transient String environmentKey;

    @Override
    public void open(FunctionContext context) {
        environmentKey = System.getenv(KEY_VARIABLE);
    }

    public String eval(String cardNumber) {
        if (environmentKey == null || environmentKey.isEmpty()) {
            throw new IllegalStateException(KEY_VARIABLE + " is not set in this TaskManager's environment: card numbers cannot be tokenised");
        }
        return eval(cardNumber, environmentKey);
    }

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
