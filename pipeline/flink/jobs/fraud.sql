-- Fraud rules over card payments, in event time, each alert carrying its evidence:
--   card-testing       a run of tiny payments then a large one (MATCH_RECOGNIZE)
--   velocity           6 payments on one card within 2 minutes (MATCH_RECOGNIZE)
--   impossible-travel  two consecutive payments >= 500 km apart faster than 900 km/h
--   amount-anomaly     a payment >= 3x the card's recent mean and >= 6 deviations above it
--
-- Card numbers stop here: alerts carry BIN (first 6), last 4 and a keyed token (CardToken
-- UDF). Invalid payments, and payments behind the watermark, go to dlq.payments, which like
-- raw.payments is in PCI scope (and a payload-free notice of each to dlq.payments.notices): this job owns late routing for payments, and a late payment is
-- recorded there only (late.events is not in PCI scope). fraud.alerts is written in Kafka transactions (exactly-once).

-- Functions (json_string, h3_cell, ...) are registered by the runner: udf/SqlFunctions.java.

CREATE TABLE payments_raw (
  -- A short delay: every rule fires only once the watermark passes its last payment.
  record_time TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
  event_time AS ${time.bodyEventTime},
  WATERMARK FOR event_time AS event_time - INTERVAL '${fraud.latenessSeconds}' SECOND
) WITH (
  'topic' = '${topic.paymentsRaw}',
  'properties.group.id' = '${group.fraud}'
) LIKE raw_topic;

CREATE TABLE fraud_alerts (
  alertId    STRING,
  rule       STRING,
  score      DOUBLE,
  cardToken  STRING,
  bin        STRING,
  last4      STRING,
  paymentIds ARRAY<STRING>,
  lat        DOUBLE,
  lon        DOUBLE,
  eventTime  BIGINT,
  detectedAt BIGINT
) WITH (
  'connector' = 'kafka',
  'topic' = '${topic.fraudAlerts}',
  'properties.bootstrap.servers' = '${kafka.bootstrap}',
  'properties.security.protocol' = '${kafka.security.protocol}',
  'properties.sasl.mechanism' = '${kafka.sasl.mechanism}',
  'properties.sasl.jaas.config' = '${kafka.sasl.jaas.config}',
  'key.format' = 'raw',
  'key.fields' = 'alertId',
  'value.format' = 'json',
  'value.fields-include' = 'ALL',
  'value.json.encode.decimal-as-plain-number' = 'true',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.transactional-id-prefix' = '${group.fraud}-alerts',
  'sink.transaction-naming-strategy' = 'POOLING',
  'properties.transaction.timeout.ms' = '600000'
);

CREATE TABLE payments_dlq WITH ('topic' = '${topic.paymentsDlq}') LIKE set_aside;

-- The same dead letters without their payloads, for the gateway (which may not read dlq.payments).
CREATE TABLE payments_dlq_notices WITH ('topic' = '${topic.paymentsDlqNotices}') LIKE payments_dlq;

-- The check is built from the Payment schema in lib/schemas (the check.* variables); a valid
-- payment behind the watermark is refused as late.
CREATE TEMPORARY VIEW payments_checked AS
SELECT *,
  COALESCE(invalid, CASE WHEN wm IS NOT NULL AND event_time <= wm THEN 'late: behind the watermark' END) AS reason
FROM (
  SELECT payload, src_topic, src_partition, src_offset, event_time,
    json_string(payload, 'paymentId')            AS paymentId,
    json_string(payload, 'cardNumber')           AS cardNumber,
    json_number(payload, 'amount')               AS amount,
    json_number(payload, 'ipLat')                AS ipLat,
    json_number(payload, 'ipLon')                AS ipLon,
    json_safe_integer(payload, 'ts')             AS ts,
    ${check.Payment}                             AS invalid,
    CURRENT_WATERMARK(event_time)                AS wm
  FROM payments_raw
);

-- What is refused, with why and where from: the dead letter's headers.
CREATE TEMPORARY VIEW payments_dead AS
SELECT
  payload,
  MAP[
    '${dlqHeader.reason}',           CAST(reason AS BYTES),
    '${dlqHeader.sourceTopic}',      CAST(src_topic AS BYTES),
    '${dlqHeader.sourcePartition}',  CAST(CAST(src_partition AS STRING) AS BYTES),
    '${dlqHeader.sourceOffset}',     CAST(CAST(src_offset AS STRING) AS BYTES),
    '${dlqHeader.job}',              CAST('fraud' AS BYTES)
  ] AS headers
FROM payments_checked
WHERE reason IS NOT NULL;

-- From here on no card number: a token to follow the card by, BIN and last 4 to show.
CREATE TEMPORARY VIEW payments AS
SELECT
  paymentId,
  card_token(cardNumber)                                        AS cardToken,
  SUBSTRING(cardNumber FROM 1 FOR 6)                            AS bin,
  SUBSTRING(cardNumber FROM CHAR_LENGTH(cardNumber) - 3 FOR 4)  AS last4,
  amount, ipLat, ipLon, ts, event_time
FROM payments_checked
WHERE reason IS NULL;

CREATE TEMPORARY VIEW card_testing AS
SELECT CONCAT('card-testing-', lastId) AS alertId, 'card-testing' AS rule, CAST(0.9 AS DOUBLE) AS score,
  cardToken, bin, last4, id_list(CONCAT(probeIds, ',', lastId)) AS paymentIds, lat, lon, eventTime
FROM payments
MATCH_RECOGNIZE (
  PARTITION BY cardToken
  ORDER BY event_time
  MEASURES
    LISTAGG(T.paymentId, ',') AS probeIds,
    B.paymentId AS lastId,
    B.bin AS bin, B.last4 AS last4, B.ipLat AS lat, B.ipLon AS lon, B.ts AS eventTime
  ONE ROW PER MATCH
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (T{3,} B) WITHIN INTERVAL '10' MINUTE
  DEFINE
    T AS T.amount < 10,
    B AS B.amount >= 1000
);

CREATE TEMPORARY VIEW velocity AS
SELECT CONCAT('velocity-', lastId) AS alertId, 'velocity' AS rule, CAST(0.8 AS DOUBLE) AS score,
  cardToken, bin, last4, id_list(ids) AS paymentIds, lat, lon, eventTime
FROM payments
MATCH_RECOGNIZE (
  PARTITION BY cardToken
  ORDER BY event_time
  MEASURES
    LISTAGG(V.paymentId, ',') AS ids,
    LAST(V.paymentId) AS lastId,
    LAST(V.bin) AS bin, LAST(V.last4) AS last4, LAST(V.ipLat) AS lat, LAST(V.ipLon) AS lon, LAST(V.ts) AS eventTime
  ONE ROW PER MATCH
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (V{6}) WITHIN INTERVAL '2' MINUTE
  DEFINE
    V AS V.amount > 0
);

CREATE TEMPORARY VIEW impossible_travel AS
SELECT CONCAT('impossible-travel-', lastId) AS alertId, 'impossible-travel' AS rule,
  LEAST(CAST(1.0 AS DOUBLE), 0.5 + km / 4000) AS score,
  cardToken, bin, last4, id_list(CONCAT(firstId, ',', lastId)) AS paymentIds, lat, lon, eventTime
FROM payments
MATCH_RECOGNIZE (
  PARTITION BY cardToken
  ORDER BY event_time
  MEASURES
    A.paymentId AS firstId,
    B.paymentId AS lastId,
    geo_distance_km(A.ipLat, A.ipLon, B.ipLat, B.ipLon) AS km,
    B.bin AS bin, B.last4 AS last4, B.ipLat AS lat, B.ipLon AS lon, B.ts AS eventTime
  ONE ROW PER MATCH
  AFTER MATCH SKIP TO LAST B
  PATTERN (A B)
  DEFINE
    B AS geo_distance_km(A.ipLat, A.ipLon, B.ipLat, B.ipLon) >= 500
     AND geo_distance_km(A.ipLat, A.ipLon, B.ipLat, B.ipLon) * 3600000.0 / GREATEST(B.ts - A.ts, 60000) > 900
);

-- History = the card's previous 20 payments; needs at least 5 of them.
CREATE TEMPORARY VIEW amount_anomaly AS
SELECT CONCAT('amount-anomaly-', paymentId) AS alertId, 'amount-anomaly' AS rule,
  LEAST(CAST(1.0 AS DOUBLE), z / 20) AS score,
  cardToken, bin, last4, ARRAY[paymentId] AS paymentIds, ipLat AS lat, ipLon AS lon, ts AS eventTime
FROM (
  SELECT *, (amount - mean) / GREATEST(SQRT(GREATEST(sq / n - mean * mean, 0)), 0.1 * mean) AS z
  FROM (
    SELECT *, s / n AS mean
    FROM (
      SELECT paymentId, cardToken, bin, last4, amount, ipLat, ipLon, ts,
        CAST(COUNT(*) OVER w - 1 AS DOUBLE)         AS n,
        SUM(amount) OVER w - amount                 AS s,
        SUM(amount * amount) OVER w - amount * amount AS sq
      FROM payments
      WINDOW w AS (PARTITION BY cardToken ORDER BY event_time ROWS BETWEEN 20 PRECEDING AND CURRENT ROW)
    )
    WHERE n >= 5
  )
)
WHERE amount >= 3 * mean AND (amount - mean) / GREATEST(SQRT(GREATEST(sq / n - mean * mean, 0)), 0.1 * mean) >= 6;

EXECUTE STATEMENT SET
BEGIN

INSERT INTO fraud_alerts
SELECT alertId, rule, score, cardToken, bin, last4, paymentIds, lat, lon, eventTime, now_millis() AS detectedAt
FROM (
  SELECT * FROM card_testing
  UNION ALL SELECT * FROM velocity
  UNION ALL SELECT * FROM impossible_travel
  UNION ALL SELECT alertId, rule, score, cardToken, bin, last4, paymentIds, lat, lon, eventTime FROM amount_anomaly
);

INSERT INTO payments_dlq
SELECT payload, headers FROM payments_dead;

INSERT INTO payments_dlq_notices
SELECT CAST(NULL AS BYTES), headers FROM payments_dead;

END;
