-- Operations KPIs per minute of event time, one record per minute on ops.kpis: ride requests,
-- active drivers (any status but offline), drivers on a trip, payments and their volume, and
-- fraud alerts. All five streams go through one TUMBLE window, so they share one watermark.
-- Records that are not JSON objects, or lack an id or a ts, are left out here (the other jobs
-- dead-letter them), so a broken copy of a payment never adds to the volume; a field of the
-- wrong JSON type counts as missing. fraud.alerts is read read_committed: only alerts whose
-- transaction committed are counted.

-- Functions (json_string, h3_cell, ...) are registered by the runner: udf/SqlFunctions.java.

CREATE TABLE driver_locations_raw (
  payload       BYTES,
  src_topic     STRING METADATA FROM 'topic' VIRTUAL,
  src_partition INT    METADATA FROM 'partition' VIRTUAL,
  src_offset    BIGINT METADATA FROM 'offset' VIRTUAL,
  event_time    TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
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
  payload       BYTES,
  src_topic     STRING METADATA FROM 'topic' VIRTUAL,
  src_partition INT    METADATA FROM 'partition' VIRTUAL,
  src_offset    BIGINT METADATA FROM 'offset' VIRTUAL,
  event_time    TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
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
  payload       BYTES,
  src_topic     STRING METADATA FROM 'topic' VIRTUAL,
  src_partition INT    METADATA FROM 'partition' VIRTUAL,
  src_offset    BIGINT METADATA FROM 'offset' VIRTUAL,
  event_time    TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
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

CREATE TABLE late_events (
  payload BYTES,
  headers MAP<STRING, BYTES> METADATA
) WITH (
  'connector' = 'kafka',
  'topic' = '${topic.lateEvents}',
  'properties.bootstrap.servers' = '${kafka.bootstrap}',
  'sink.delivery-guarantee' = 'at-least-once',
  'format' = 'raw'
);

-- Every raw record with its source coordinates, the fields the KPIs count (read with their
-- JSON types, as the other jobs read them) and whether it is behind its source's watermark;
-- late ones go to late.events (payments without their bytes: PCI scope).
CREATE TEMPORARY VIEW raw_events AS
SELECT CAST('driver' AS STRING) AS kind, payload, src_topic, src_partition, src_offset, event_time,
       json_object_check(payload) AS isObject, json_string(payload, 'driverId') AS id, json_string(payload, 'status') AS status,
       CAST(NULL AS DOUBLE) AS amount, json_safe_integer(payload, 'ts') AS ts, CURRENT_WATERMARK(event_time) AS wm
FROM driver_locations_raw
UNION ALL
SELECT CAST('request' AS STRING), payload, src_topic, src_partition, src_offset, event_time,
       json_object_check(payload), json_string(payload, 'requestId'), CAST(NULL AS STRING),
       CAST(NULL AS DOUBLE), json_safe_integer(payload, 'ts'), CURRENT_WATERMARK(event_time)
FROM ride_requests_raw
UNION ALL
SELECT CAST('payment' AS STRING), CAST('' AS BYTES), src_topic, src_partition, src_offset, event_time,
       json_object_check(payload), json_string(payload, 'paymentId'), CAST(NULL AS STRING),
       json_number(payload, 'amount'), json_safe_integer(payload, 'ts'), CURRENT_WATERMARK(event_time)
FROM payments_raw;

CREATE TEMPORARY VIEW kpi_events AS
SELECT kind, id, status, amount, event_time
FROM raw_events
WHERE isObject AND ts > 0
  AND NOT (wm IS NOT NULL AND event_time <= wm)
UNION ALL
SELECT CAST('alert' AS STRING), alertId, CAST(NULL AS STRING), CAST(NULL AS DOUBLE), event_time
FROM fraud_alerts;

EXECUTE STATEMENT SET
BEGIN

INSERT INTO late_events
SELECT payload, MAP[
    'late.source.topic',     CAST(src_topic AS BYTES),
    'late.source.partition', CAST(CAST(src_partition AS STRING) AS BYTES),
    'late.source.offset',    CAST(CAST(src_offset AS STRING) AS BYTES),
    'late.event.time',       CAST(CAST(event_time AS STRING) AS BYTES),
    'late.watermark',        CAST(CAST(wm AS STRING) AS BYTES),
    'late.job',              CAST('kpis' AS BYTES)
  ]
FROM raw_events
WHERE wm IS NOT NULL AND event_time <= wm;

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

END;
