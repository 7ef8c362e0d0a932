-- Operations KPIs per minute of event time, one record per minute on ops.kpis: ride requests,
-- active drivers (any status but offline) split by status, payments and their volume, and
-- fraud alerts. All the streams go through the same two TUMBLE windows (one row per record id,
-- then the minute), so they share one watermark.
-- And, apart from them, the marketplace per minute on marketplace.kpis, from raw.trip-events:
-- requests assigned, riders who gave up, pickup time p50/p90, trips started and completed. Its
-- windows read trip events only, so a city that reports no trips never holds ops.kpis back.
-- This job owns raw.trip-events' checks: invalid ones go to dlq.trip-events, late ones to
-- late.events.
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

CREATE TABLE trip_events_raw (
  record_time TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
  event_time AS ${time.bodyEventTime},
  WATERMARK FOR event_time AS event_time - INTERVAL '${surge.latenessSeconds}' SECOND
) WITH (
  'topic' = '${topic.tripEventsRaw}',
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
  driversEnRoute BIGINT,
  driversIdle    BIGINT,
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

CREATE TABLE marketplace_kpis (
  windowStart     BIGINT,
  windowEnd       BIGINT,
  assigned        BIGINT,
  unfulfilled     BIGINT,
  fulfilment      DOUBLE,
  pickupEtaP50Ms  DOUBLE,
  pickupEtaP90Ms  DOUBLE,
  tripsStarted    BIGINT,
  tripsCompleted  BIGINT
) WITH (
  'connector' = 'kafka',
  'topic' = '${topic.marketplaceKpis}',
  'properties.bootstrap.servers' = '${kafka.bootstrap}',
  'properties.security.protocol' = '${kafka.security.protocol}',
  'properties.sasl.mechanism' = '${kafka.sasl.mechanism}',
  'properties.sasl.jaas.config' = '${kafka.sasl.jaas.config}',
  'value.format' = 'json',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.transactional-id-prefix' = '${group.kpis}-marketplace',
  'sink.transaction-naming-strategy' = 'POOLING',
  'properties.transaction.timeout.ms' = '600000'
);

CREATE TABLE trip_events_dlq WITH ('topic' = '${topic.tripEventsDlq}') LIKE set_aside;

CREATE TABLE late_events WITH ('topic' = '${topic.lateEvents}') LIKE set_aside;

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
-- counts, whichever copy came first. A driver counts in a minute under the busiest status any
-- of its pings then reported (on a trip 3, en route 2, idle 1; offline 0 is not active).
CREATE TEMPORARY VIEW kpi_ids AS
SELECT window_time AS minute_time, kind, id,
       MAX(CASE status WHEN 'on_trip' THEN 3 WHEN 'en_route' THEN 2 WHEN 'idle' THEN 1 ELSE 0 END) AS busiest,
       MAX(amount) AS amount
FROM TABLE(TUMBLE(TABLE kpi_events, DESCRIPTOR(event_time), INTERVAL '1' MINUTE))
WHERE id IS NOT NULL
GROUP BY window_start, window_end, window_time, kind, id;

CREATE TEMPORARY VIEW trip_events_checked AS
SELECT *, (wm IS NOT NULL AND event_time <= wm) AS late
FROM (
  SELECT payload, src_topic, src_partition, src_offset, event_time,
    json_string(payload, 'eventId')  AS eventId,
    json_string(payload, 'kind')     AS kind,
    json_number(payload, 'waitMs')   AS waitMs,
    ${check.TripEvent}               AS reason,
    CURRENT_WATERMARK(event_time)    AS wm
  FROM trip_events_raw
);

-- One row per trip event and minute: a step reported twice counts once (the longest wait of its
-- copies, whichever came first).
CREATE TEMPORARY VIEW trip_ids AS
SELECT window_time AS minute_time, kind, eventId, MAX(waitMs) AS waitMs
FROM TABLE(TUMBLE(TABLE trip_events_checked, DESCRIPTOR(event_time), INTERVAL '1' MINUTE))
WHERE reason IS NULL AND NOT late
GROUP BY window_start, window_end, window_time, kind, eventId;

EXECUTE STATEMENT SET
BEGIN

-- The second level windows the first one's rows by their minute's last millisecond
-- (window_time), so each lands in the same minute.
INSERT INTO ops_kpis
SELECT
  CAST(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', window_start) AS BIGINT) * 1000,
  CAST(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', window_end) AS BIGINT) * 1000,
  COUNT(*) FILTER (WHERE kind = 'request'),
  COUNT(*) FILTER (WHERE kind = 'driver' AND busiest > 0),
  COUNT(*) FILTER (WHERE kind = 'driver' AND busiest = 3),
  COUNT(*) FILTER (WHERE kind = 'driver' AND busiest = 2),
  COUNT(*) FILTER (WHERE kind = 'driver' AND busiest = 1),
  COUNT(*) FILTER (WHERE kind = 'payment'),
  -- Money adds up in decimal: a double sum's last digits depend on the order rows arrive in.
  CAST(COALESCE(SUM(CAST(amount AS DECIMAL(38, 10))) FILTER (WHERE kind = 'payment'), 0) AS DOUBLE),
  COUNT(*) FILTER (WHERE kind = 'alert')
FROM TABLE(TUMBLE(TABLE kpi_ids, DESCRIPTOR(minute_time), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end;

-- Pickup times are Flink's PERCENTILE (linear between the two nearest, as the oracle computes it).
INSERT INTO marketplace_kpis
SELECT
  CAST(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', window_start) AS BIGINT) * 1000,
  CAST(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', window_end) AS BIGINT) * 1000,
  assigned,
  unfulfilled,
  CASE WHEN assigned + unfulfilled = 0 THEN CAST(NULL AS DOUBLE) ELSE CAST(assigned AS DOUBLE) / (assigned + unfulfilled) END,
  p50,
  p90,
  started,
  completed
FROM (
  SELECT window_start, window_end,
    COUNT(*) FILTER (WHERE kind = 'assigned') AS assigned,
    COUNT(*) FILTER (WHERE kind = 'cancelled') AS unfulfilled,
    COUNT(*) FILTER (WHERE kind = 'started') AS started,
    COUNT(*) FILTER (WHERE kind = 'completed') AS completed,
    PERCENTILE(CASE WHEN kind = 'started' THEN waitMs END, 0.5) AS p50,
    PERCENTILE(CASE WHEN kind = 'started' THEN waitMs END, 0.9) AS p90
  FROM TABLE(TUMBLE(TABLE trip_ids, DESCRIPTOR(minute_time), INTERVAL '1' MINUTE))
  GROUP BY window_start, window_end
);

INSERT INTO trip_events_dlq
SELECT
  payload,
  MAP[
    '${dlqHeader.reason}',           CAST(reason AS BYTES),
    '${dlqHeader.sourceTopic}',      CAST(src_topic AS BYTES),
    '${dlqHeader.sourcePartition}',  CAST(CAST(src_partition AS STRING) AS BYTES),
    '${dlqHeader.sourceOffset}',     CAST(CAST(src_offset AS STRING) AS BYTES),
    '${dlqHeader.job}',              CAST('kpis' AS BYTES)
  ]
FROM trip_events_checked
WHERE reason IS NOT NULL;

INSERT INTO late_events
SELECT payload, MAP[
    '${lateHeader.sourceTopic}',     CAST(src_topic AS BYTES),
    '${lateHeader.sourcePartition}', CAST(CAST(src_partition AS STRING) AS BYTES),
    '${lateHeader.sourceOffset}',    CAST(CAST(src_offset AS STRING) AS BYTES),
    '${lateHeader.eventTime}',       CAST(CAST(event_time AS STRING) AS BYTES),
    '${lateHeader.watermark}',       CAST(CAST(wm AS STRING) AS BYTES),
    '${lateHeader.job}',             CAST('kpis' AS BYTES)
  ]
FROM trip_events_checked
WHERE reason IS NULL AND late;

END;
