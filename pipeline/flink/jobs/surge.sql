-- Surge per H3 cell: demand (ride requests) against supply (distinct idle drivers) in HOP
-- windows of event time, and the multiplier they imply, smoothed over each cell's neighbours
-- (lib/surge.ts; the surge_tenths, h3_neighbours and surge_smoothed UDFs).
--
-- Both kinds of event go through one windowed aggregation so they share one watermark and
-- one set of windows. Events behind the watermark are written to late.events with their
-- source coordinates before the window could drop them; invalid ride requests go to their
-- dead-letter topic. surge.cells is written in Kafka transactions (exactly-once): readers see
-- a window only after the checkpoint that holds it completed.
--
-- Event time is the body's ts (the record timestamp only where the body has none usable).
-- This job owns late routing for driver pings and ride requests: each late one is written to
-- late.events once, here (the KPI job leaves late records out without writing them).

-- Functions (json_string, h3_cell, ...) are registered by the runner: udf/SqlFunctions.java.

CREATE TABLE driver_locations_raw (
  record_time TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
  event_time AS ${time.bodyEventTime},
  WATERMARK FOR event_time AS event_time - INTERVAL '${surge.latenessSeconds}' SECOND
) WITH (
  'topic' = '${topic.driverLocationsRaw}',
  'properties.group.id' = '${group.surge}'
) LIKE raw_topic;

CREATE TABLE ride_requests_raw (
  record_time TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
  event_time AS ${time.bodyEventTime},
  WATERMARK FOR event_time AS event_time - INTERVAL '${surge.latenessSeconds}' SECOND
) WITH (
  'topic' = '${topic.rideRequestsRaw}',
  'properties.group.id' = '${group.surge}'
) LIKE raw_topic;

CREATE TABLE surge_cells (
  cell        STRING,
  windowStart BIGINT,
  windowEnd   BIGINT,
  demand      BIGINT,
  supply      BIGINT,
  multiplier  DOUBLE,
  PRIMARY KEY (cell) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = '${topic.surgeCells}',
  'properties.bootstrap.servers' = '${kafka.bootstrap}',
  'properties.security.protocol' = '${kafka.security.protocol}',
  'properties.sasl.mechanism' = '${kafka.sasl.mechanism}',
  'properties.sasl.jaas.config' = '${kafka.sasl.jaas.config}',
  'key.format' = 'raw',
  'value.format' = 'json',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.transactional-id-prefix' = '${group.surge}-cells',
  'sink.transaction-naming-strategy' = 'POOLING',
  -- Within the broker's transaction.max.timeout.ms (15 min by default).
  'properties.transaction.timeout.ms' = '600000'
);

CREATE TABLE ride_requests_dlq WITH ('topic' = '${topic.rideRequestsDlq}') LIKE set_aside;

CREATE TABLE late_events WITH ('topic' = '${topic.lateEvents}') LIKE set_aside;

-- A record is late when its event time is at or behind the watermark its source operator has
-- already passed; the window downstream has a watermark no further on, so nothing this lets
-- through can be dropped there.
CREATE TEMPORARY VIEW ride_requests_checked AS
SELECT *, (wm IS NOT NULL AND event_time <= wm) AS late
FROM (
  SELECT payload, src_topic, src_partition, src_offset, event_time,
    json_string(payload, 'requestId')             AS requestId,
    json_number(payload, 'lat')                   AS lat,
    json_number(payload, 'lon')                   AS lon,
    ${check.RideRequest}                          AS reason,
    CURRENT_WATERMARK(event_time)                 AS wm
  FROM ride_requests_raw
);

-- Invalid driver pings are drivers-positions' to dead-letter; here they are only left out
-- (by the same check: a ping that is not a valid DriverLocation counts as no supply).
CREATE TEMPORARY VIEW driver_pings_checked AS
SELECT *, (wm IS NOT NULL AND event_time <= wm) AS late
FROM (
  SELECT payload, src_topic, src_partition, src_offset, event_time,
    json_string(payload, 'driverId')              AS driverId,
    json_string(payload, 'status')                AS status,
    json_number(payload, 'lat')                   AS lat,
    json_number(payload, 'lon')                   AS lon,
    ${check.DriverLocation} IS NULL               AS usable,
    CURRENT_WATERMARK(event_time)                 AS wm
  FROM driver_locations_raw
);

CREATE TEMPORARY VIEW surge_events AS
SELECT h3_cell(lat, lon, ${surge.h3Resolution}) AS cell, 'demand' AS kind, requestId AS id, event_time
FROM ride_requests_checked
WHERE reason IS NULL AND NOT late
UNION ALL
SELECT h3_cell(lat, lon, ${surge.h3Resolution}) AS cell, 'supply' AS kind, driverId AS id, event_time
FROM driver_pings_checked
WHERE usable AND status = 'idle' AND NOT late;

-- Demand and supply per cell and HOP window, and the cell's own multiplier in tenths (the
-- minimum demand applied). window_time (the window's last millisecond) carries event time on.
CREATE TEMPORARY VIEW surge_counts AS
SELECT cell, window_time AS counted_time, demand, supply, surge_tenths(demand, supply, ${surge.minDemand}) AS tenths
FROM (
  SELECT cell, window_start, window_end, window_time,
    COUNT(DISTINCT id) FILTER (WHERE kind = 'demand') AS demand,
    COUNT(DISTINCT id) FILTER (WHERE kind = 'supply') AS supply
  FROM TABLE(HOP(TABLE surge_events, DESCRIPTOR(event_time),
                 INTERVAL '${surge.slideSeconds}' SECOND, INTERVAL '${surge.windowSeconds}' SECOND))
  WHERE cell IS NOT NULL
  GROUP BY cell, window_start, window_end, window_time
);

-- Smoothing over neighbours (lib/surge.ts smoothedTenths): each cell's multiplier weighs into
-- its own smoothed one and into each of its neighbours'.
CREATE TEMPORARY VIEW surge_weighed AS
SELECT cell AS target, counted_time, demand, supply, ${surge.smoothOwnWeight} AS weight, ${surge.smoothOwnWeight} * tenths AS weighted, 1 AS own
FROM surge_counts
UNION ALL
SELECT n.neighbour, counted_time, CAST(0 AS BIGINT), CAST(0 AS BIGINT), ${surge.smoothNeighbourWeight}, ${surge.smoothNeighbourWeight} * tenths, 0
FROM surge_counts CROSS JOIN UNNEST(h3_neighbours(cell)) AS n (neighbour);

EXECUTE STATEMENT SET
BEGIN

-- Each window's weighed rows meet again in a tumbling window one slide long that ends where the
-- HOP window did. A cell is written if it had a window of its own, or if its neighbours make it
-- surge (the edge of a busy area).
INSERT INTO surge_cells
SELECT
  target,
  -- Epoch ms of the window bounds (the session time zone is UTC; windows are whole seconds).
  CAST(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', window_end) AS BIGINT) * 1000 - ${surge.windowSeconds} * 1000 AS windowStart,
  CAST(TIMESTAMPDIFF(SECOND, TIMESTAMP '1970-01-01 00:00:00', window_end) AS BIGINT) * 1000 AS windowEnd,
  SUM(demand) AS demand,
  SUM(supply) AS supply,
  surge_smoothed(CAST(SUM(weighted) AS BIGINT), CAST(SUM(weight) AS BIGINT), ${surge.smoothTotalWeight}) AS multiplier
FROM TABLE(TUMBLE(TABLE surge_weighed, DESCRIPTOR(counted_time), INTERVAL '${surge.slideSeconds}' SECOND))
GROUP BY target, window_start, window_end
HAVING SUM(own) > 0 OR surge_smoothed(CAST(SUM(weighted) AS BIGINT), CAST(SUM(weight) AS BIGINT), ${surge.smoothTotalWeight}) > 1.0;

INSERT INTO ride_requests_dlq
SELECT
  payload,
  MAP[
    '${dlqHeader.reason}',           CAST(reason AS BYTES),
    '${dlqHeader.sourceTopic}',      CAST(src_topic AS BYTES),
    '${dlqHeader.sourcePartition}',  CAST(CAST(src_partition AS STRING) AS BYTES),
    '${dlqHeader.sourceOffset}',     CAST(CAST(src_offset AS STRING) AS BYTES),
    '${dlqHeader.job}',              CAST('surge' AS BYTES)
  ]
FROM ride_requests_checked
WHERE reason IS NOT NULL;

INSERT INTO late_events
SELECT payload, MAP[
    '${lateHeader.sourceTopic}',     CAST(src_topic AS BYTES),
    '${lateHeader.sourcePartition}', CAST(CAST(src_partition AS STRING) AS BYTES),
    '${lateHeader.sourceOffset}',    CAST(CAST(src_offset AS STRING) AS BYTES),
    '${lateHeader.eventTime}',       CAST(CAST(event_time AS STRING) AS BYTES),
    '${lateHeader.watermark}',       CAST(CAST(wm AS STRING) AS BYTES),
    '${lateHeader.job}',             CAST('surge' AS BYTES)
  ]
FROM (
  SELECT payload, src_topic, src_partition, src_offset, event_time, wm FROM ride_requests_checked WHERE reason IS NULL AND late
  UNION ALL
  SELECT payload, src_topic, src_partition, src_offset, event_time, wm FROM driver_pings_checked WHERE usable AND late
);

END;
