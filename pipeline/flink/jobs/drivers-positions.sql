-- Raw driver locations -> validated latest position per driver.
--
-- The source reads bytes ('raw' format) so that no record can fail deserialisation and stop
-- the job: every record is parsed and checked here, valid ones go on, the rest go to the
-- dead-letter topic unchanged (value = the original bytes) with the reason and the source
-- coordinates in headers, as Kafka Connect's DLQ does.
--
-- Variables (${...}) come from the topic catalog in lib/ via the stack.

-- Functions (json_string, h3_cell, ...) are registered by the runner: udf/SqlFunctions.java.

CREATE TABLE driver_locations_raw (
  -- The dedup below orders by event time, as the gateway does, and waits for no window.
  record_time TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
  event_time AS ${time.bodyEventTime},
  WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND
) WITH (
  'topic' = '${topic.driverLocationsRaw}',
  'properties.group.id' = '${group.driversPositions}',
  'scan.watermark.idle-timeout' = '5 s'
) LIKE raw_topic;

CREATE TABLE driver_positions (
  driverId   STRING,
  lat        DOUBLE,
  lon        DOUBLE,
  status     STRING,
  headingDeg DOUBLE,
  speedKmh   DOUBLE,
  ts         BIGINT,
  PRIMARY KEY (driverId) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = '${topic.driversPositions}',
  'properties.bootstrap.servers' = '${kafka.bootstrap}',
  'properties.security.protocol' = '${kafka.security.protocol}',
  'properties.sasl.mechanism' = '${kafka.sasl.mechanism}',
  'properties.sasl.jaas.config' = '${kafka.sasl.jaas.config}',
  'key.format' = 'raw',
  'value.format' = 'json',
  'value.json.encode.decimal-as-plain-number' = 'true'
);

CREATE TABLE driver_locations_dlq WITH ('topic' = '${topic.driverLocationsDlq}') LIKE set_aside;

-- Typed fields of each record and its reason, NULL when valid: the check is built from the
-- DriverLocation schema in lib/schemas (the check.* variables), so it is zod's check.
CREATE TEMPORARY VIEW driver_locations_checked AS
SELECT
  payload, src_topic, src_partition, src_offset, event_time,
  json_string(payload, 'driverId')       AS driverId,
  json_number(payload, 'lat')            AS lat,
  json_number(payload, 'lon')            AS lon,
  json_string(payload, 'status')         AS status,
  json_number(payload, 'headingDeg')     AS headingDeg,
  json_number(payload, 'speedKmh')       AS speedKmh,
  json_safe_integer(payload, 'ts')       AS ts,
  ${check.DriverLocation}                AS reason
FROM driver_locations_raw;

EXECUTE STATEMENT SET
BEGIN

-- Latest by event time per driver: a late record never overwrites a newer position.
INSERT INTO driver_positions
SELECT driverId, lat, lon, status, headingDeg, speedKmh, ts
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY driverId ORDER BY event_time DESC) AS rn
  FROM driver_locations_checked
  WHERE reason IS NULL
)
WHERE rn = 1;

INSERT INTO driver_locations_dlq
SELECT
  payload,
  MAP[
    '${dlqHeader.reason}',           CAST(reason AS BYTES),
    '${dlqHeader.sourceTopic}',      CAST(src_topic AS BYTES),
    '${dlqHeader.sourcePartition}',  CAST(CAST(src_partition AS STRING) AS BYTES),
    '${dlqHeader.sourceOffset}',     CAST(CAST(src_offset AS STRING) AS BYTES),
    '${dlqHeader.job}',              CAST('drivers-positions' AS BYTES)
  ]
FROM driver_locations_checked
WHERE reason IS NOT NULL;

END;
