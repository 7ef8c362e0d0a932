-- Operations KPIs per minute of event time, one record per minute on ops.kpis: ride requests,
-- active drivers (any status but offline), drivers on a trip, payments and their volume, and
-- fraud alerts. All five streams go through one TUMBLE window, so they share one watermark.
-- Records that are not JSON objects, or lack an id or a ts, are left out here (the other jobs
-- dead-letter them), so a broken copy of a payment never adds to the volume. fraud.alerts is read
-- read_committed: only alerts whose transaction committed are counted.

CREATE TABLE driver_locations_raw (
  payload    BYTES,
  event_time TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
  WATERMARK FOR event_time AS event_time - INTERVAL '${surge.latenessSeconds}' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = '${topic.driverLocationsRaw}',
  'properties.bootstrap.servers' = '${kafka.bootstrap}',
  'properties.group.id' = '${group.kpis}',
  'properties.auto.offset.reset' = 'earliest',
  'scan.startup.mode' = 'group-offsets',
  'scan.watermark.idle-timeout' = '5 s',
  'format' = 'raw'
);

CREATE TABLE ride_requests_raw (
  payload    BYTES,
  event_time TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
  WATERMARK FOR event_time AS event_time - INTERVAL '${surge.latenessSeconds}' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = '${topic.rideRequestsRaw}',
  'properties.bootstrap.servers' = '${kafka.bootstrap}',
  'properties.group.id' = '${group.kpis}',
  'properties.auto.offset.reset' = 'earliest',
  'scan.startup.mode' = 'group-offsets',
  'scan.watermark.idle-timeout' = '5 s',
  'format' = 'raw'
);

-- Amounts only: card data is never selected from this PCI-scope topic here.
CREATE TABLE payments_raw (
  payload    BYTES,
  event_time TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
  WATERMARK FOR event_time AS event_time - INTERVAL '${surge.latenessSeconds}' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = '${topic.paymentsRaw}',
  'properties.bootstrap.servers' = '${kafka.bootstrap}',
  'properties.group.id' = '${group.kpis}',
  'properties.auto.offset.reset' = 'earliest',
  'scan.startup.mode' = 'group-offsets',
  'scan.watermark.idle-timeout' = '5 s',
  'format' = 'raw'
);

CREATE TABLE fraud_alerts (
  alertId    STRING,
  event_time TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
  WATERMARK FOR event_time AS event_time - INTERVAL '${surge.latenessSeconds}' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = '${topic.fraudAlerts}',
  'properties.bootstrap.servers' = '${kafka.bootstrap}',
  'properties.group.id' = '${group.kpis}',
  'properties.auto.offset.reset' = 'earliest',
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'group-offsets',
  -- Alerts are rare: without this the KPI window would wait for the next one.
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
  'value.format' = 'json',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.transactional-id-prefix' = '${group.kpis}-kpis',
  'sink.transaction-naming-strategy' = 'POOLING',
  'properties.transaction.timeout.ms' = '600000'
);

CREATE TEMPORARY VIEW kpi_events AS
SELECT 'driver' AS kind, JSON_VALUE(body, '$.driverId') AS id, JSON_VALUE(body, '$.status') AS status,
       CAST(NULL AS DOUBLE) AS amount, event_time
FROM (SELECT CAST(payload AS STRING) AS body, event_time FROM driver_locations_raw)
WHERE body IS JSON OBJECT AND TRY_CAST(JSON_VALUE(body, '$.ts') AS BIGINT) > 0
UNION ALL
SELECT 'request', JSON_VALUE(body, '$.requestId'), CAST(NULL AS STRING), CAST(NULL AS DOUBLE), event_time
FROM (SELECT CAST(payload AS STRING) AS body, event_time FROM ride_requests_raw)
WHERE body IS JSON OBJECT AND TRY_CAST(JSON_VALUE(body, '$.ts') AS BIGINT) > 0
UNION ALL
SELECT 'payment', JSON_VALUE(body, '$.paymentId'), CAST(NULL AS STRING), TRY_CAST(JSON_VALUE(body, '$.amount') AS DOUBLE), event_time
FROM (SELECT CAST(payload AS STRING) AS body, event_time FROM payments_raw)
WHERE body IS JSON OBJECT AND TRY_CAST(JSON_VALUE(body, '$.ts') AS BIGINT) > 0
UNION ALL
SELECT 'alert', alertId, CAST(NULL AS STRING), CAST(NULL AS DOUBLE), event_time
FROM fraud_alerts;

INSERT INTO ops_kpis
SELECT
  CAST(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', window_start) AS BIGINT) * 1000,
  CAST(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', window_end) AS BIGINT) * 1000,
  COUNT(DISTINCT id) FILTER (WHERE kind = 'request'),
  COUNT(DISTINCT id) FILTER (WHERE kind = 'driver' AND status IN ('idle', 'en_route', 'on_trip')),
  COUNT(DISTINCT id) FILTER (WHERE kind = 'driver' AND status = 'on_trip'),
  COUNT(DISTINCT id) FILTER (WHERE kind = 'payment' AND amount > 0),
  COALESCE(SUM(amount) FILTER (WHERE kind = 'payment' AND amount > 0), 0),
  COUNT(DISTINCT id) FILTER (WHERE kind = 'alert')
FROM TABLE(TUMBLE(TABLE kpi_events, DESCRIPTOR(event_time), INTERVAL '1' MINUTE))
WHERE id IS NOT NULL
GROUP BY window_start, window_end;
