-- Operations KPIs per minute of event time, one record per minute on ops.kpis: ride requests,
-- active drivers (any status but offline), drivers on a trip, payments and their volume, and
-- fraud alerts. All the streams go through the same two TUMBLE windows (one row per record id,
-- then the minute), so they share one watermark.
-- Only records the domain jobs accept are counted, judged by the same checks (the check.*
-- variables, built from lib/schemas): a payment fraud.sql dead-letters never adds to the
-- volume. Invalid and late records are left out without being written anywhere: the domain
-- jobs own the dead-letter and late.events routes, so each such record is reported once.
-- Event time is the body's ts. fraud.alerts is read read_committed: only alerts whose
-- transaction committed are counted.

-- Functions (json_string, h3_cell, ...) are registered by the runner: udf/SqlFunctions.java.

CREATE TABLE driver_locations_raw (
  record_time TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
  event_time AS ${time.bodyEventTime},
  WATERMARK FOR event_time AS event_time - INTERVAL '${surge.latenessSeconds}' SECOND
) WITH (
  'topic' = '${topic.driverLocationsRaw}',
  'properties.group.id' = '${group.kpis}'
) LIKE raw_topic;

CREATE TABLE ride_requests_raw (
  record_time TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
  event_time AS ${time.bodyEventTime},
  WATERMARK FOR event_time AS event_time - INTERVAL '${surge.latenessSeconds}' SECOND
) WITH (
  'topic' = '${topic.rideRequestsRaw}',
  'properties.group.id' = '${group.kpis}'
) LIKE raw_topic;

-- Amounts only: card data is never selected from this PCI-scope topic here. Payments wait as
-- long as fraud.sql waits for them, so that a payment it refuses as late is left out here too.
CREATE TABLE payments_raw (
  record_time TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
  event_time AS ${time.bodyEventTime},
  WATERMARK FOR event_time AS event_time - INTERVAL '${fraud.latenessSeconds}' SECOND
) WITH (
  'topic' = '${topic.paymentsRaw}',
  'properties.group.id' = '${group.kpis}'
) LIKE raw_topic;

CREATE TABLE fraud_alerts (
  alertId    STRING,
  event_time TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
  WATERMARK FOR event_time AS event_time - INTERVAL '${surge.latenessSeconds}' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = '${topic.fraudAlerts}',
  'properties.bootstrap.servers' = '${kafka.bootstrap}',
  'properties.security.protocol' = '${kafka.security.protocol}',
  'properties.sasl.mechanism' = '${kafka.sasl.mechanism}',
  'properties.sasl.jaas.config' = '${kafka.sasl.jaas.config}',
  'properties.group.id' = '${group.kpis}',
  'properties.auto.offset.reset' = 'earliest',
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'group-offsets',
  -- Alerts are rare: without this the KPI window would wait for the next one. Short is safe
  -- here, unlike on the raw topics: an alert's time is when fraud.sql wrote it, never behind
  -- the raw streams' event time, so an alert partition back from idle brings nothing late.
  'scan.watermark.idle-timeout' = '5 s',
  'format' = 'json',
  'json.ignore-parse-errors' = 'true'
);

CREATE TABLE ops_kpis (
  windowStart    BIGINT,
  windowEnd      BIGINT,
  requests       BIGINT,
  activeDrivers  BIGINT,
  driversOnTrip  BIGINT,
  payments       BIGINT,
  paymentVolume  DOUBLE,
  alerts         BIGINT
) WITH (
  'connector' = 'kafka',
  'topic' = '${topic.opsKpis}',
  'properties.bootstrap.servers' = '${kafka.bootstrap}',
  'properties.security.protocol' = '${kafka.security.protocol}',
  'properties.sasl.mechanism' = '${kafka.sasl.mechanism}',
  'properties.sasl.jaas.config' = '${kafka.sasl.jaas.config}',
  'value.format' = 'json',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.transactional-id-prefix' = '${group.kpis}-kpis',
  'sink.transaction-naming-strategy' = 'POOLING',
  'properties.transaction.timeout.ms' = '600000'
);

-- The fields the KPIs count, of records the domain jobs accept (amounts only: card data is
-- never selected from this PCI-scope topic here).
CREATE TEMPORARY VIEW raw_events AS
SELECT CAST('driver' AS STRING) AS kind, event_time, json_string(payload, 'driverId') AS id, json_string(payload, 'status') AS status,
       CAST(NULL AS DOUBLE) AS amount, ${check.DriverLocation} IS NULL AS valid, CURRENT_WATERMARK(event_time) AS wm
FROM driver_locations_raw
UNION ALL
SELECT CAST('request' AS STRING), event_time, json_string(payload, 'requestId'), CAST(NULL AS STRING),
       CAST(NULL AS DOUBLE), ${check.RideRequest} IS NULL, CURRENT_WATERMARK(event_time)
FROM ride_requests_raw
UNION ALL
SELECT CAST('payment' AS STRING), event_time, json_string(payload, 'paymentId'), CAST(NULL AS STRING),
       json_number(payload, 'amount'), ${check.Payment} IS NULL, CURRENT_WATERMARK(event_time)
FROM payments_raw;

CREATE TEMPORARY VIEW kpi_events AS
SELECT kind, id, status, amount, event_time
FROM raw_events
WHERE valid AND NOT (wm IS NOT NULL AND event_time <= wm)
UNION ALL
SELECT CAST('alert' AS STRING), alertId, CAST(NULL AS STRING), CAST(NULL AS DOUBLE), event_time
FROM fraud_alerts;

-- One row per record id and minute: a payment sent twice (a producer's retry, a replay) counts
-- once in the count and once in the volume; if its copies disagree on the amount, the largest
-- counts, whichever copy came first. A driver is active (or on a trip) in a minute if any of its
-- pings then said so.
CREATE TEMPORARY VIEW kpi_ids AS
SELECT window_time AS minute_time, kind, id,
       MAX(CASE WHEN status IN ('idle', 'en_route', 'on_trip') THEN 1 ELSE 0 END) AS active,
       MAX(CASE WHEN status = 'on_trip' THEN 1 ELSE 0 END) AS on_trip,
       MAX(amount) AS amount
FROM TABLE(TUMBLE(TABLE kpi_events, DESCRIPTOR(event_time), INTERVAL '1' MINUTE))
WHERE id IS NOT NULL
GROUP BY window_start, window_end, window_time, kind, id;

EXECUTE STATEMENT SET
BEGIN

-- The second level windows the first one's rows by their minute's last millisecond
-- (window_time), so each lands in the same minute.
INSERT INTO ops_kpis
SELECT
  CAST(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', window_start) AS BIGINT) * 1000,
  CAST(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', window_end) AS BIGINT) * 1000,
  COUNT(*) FILTER (WHERE kind = 'request'),
  COALESCE(SUM(active) FILTER (WHERE kind = 'driver'), 0),
  COALESCE(SUM(on_trip) FILTER (WHERE kind = 'driver'), 0),
  COUNT(*) FILTER (WHERE kind = 'payment'),
  -- Money adds up in decimal: a double sum's last digits depend on the order rows arrive in.
  CAST(COALESCE(SUM(CAST(amount AS DECIMAL(38, 10))) FILTER (WHERE kind = 'payment'), 0) AS DOUBLE),
  COUNT(*) FILTER (WHERE kind = 'alert')
FROM TABLE(TUMBLE(TABLE kpi_ids, DESCRIPTOR(minute_time), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end;

END;
