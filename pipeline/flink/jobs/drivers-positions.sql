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
  payload      BYTES,
  src_topic    STRING           METADATA FROM 'topic' VIRTUAL,
  src_partition INT             METADATA FROM 'partition' VIRTUAL,
  src_offset   BIGINT           METADATA FROM 'offset' VIRTUAL,
  -- The simulator stamps each record with its event time; the dedup below orders by it.
  event_time   TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
  WATERMARK FOR event_time AS event_time - INTERVAL '5' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = '${topic.driverLocationsRaw}',
  'properties.bootstrap.servers' = '${kafka.bootstrap}',
  'properties.group.id' = '${group.driversPositions}',
  'properties.auto.offset.reset' = 'earliest',
  'scan.startup.mode' = 'group-offsets',
  'scan.watermark.idle-timeout' = '5 s',
  'format' = 'raw'
);

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
  'key.format' = 'raw',
  'value.format' = 'json',
  'value.json.encode.decimal-as-plain-number' = 'true'
);

CREATE TABLE driver_locations_dlq (
  payload BYTES,
  headers MAP<STRING, BYTES> METADATA
) WITH (
  'connector' = 'kafka',
  'topic' = '${topic.driverLocationsDlq}',
  'properties.bootstrap.servers' = '${kafka.bootstrap}',
  'sink.delivery-guarantee' = 'at-least-once',
  'format' = 'raw'
);

CREATE TEMPORARY VIEW driver_locations_parsed AS
SELECT
  payload, src_topic, src_partition, src_offset, event_time,
  json_string(payload, 'driverId')       AS driverId,
  json_number(payload, 'lat')            AS lat,
  json_number(payload, 'lon')            AS lon,
  json_string(payload, 'status')         AS status,
  json_number(payload, 'headingDeg')     AS headingDeg,
  json_has(payload, 'headingDeg')        AS hasHeading,
  json_number(payload, 'speedKmh')       AS speedKmh,
  json_has(payload, 'speedKmh')          AS hasSpeed,
  json_safe_integer(payload, 'ts')       AS ts
FROM driver_locations_raw;

-- One reason per record, first failed check wins; NULL means valid. Mirrors the
-- DriverLocation schema in lib/schemas.
CREATE TEMPORARY VIEW driver_locations_checked AS
SELECT *,
  CASE
    WHEN payload IS NULL                                      THEN 'empty record'
    WHEN NOT json_object_check(payload)                       THEN 'not a JSON object'
    WHEN driverId IS NULL OR CHAR_LENGTH(driverId) = 0        THEN 'driverId missing'
    WHEN CHAR_LENGTH(driverId) > 64                           THEN 'driverId longer than 64'
    WHEN lat IS NULL                                          THEN 'lat missing or not a number'
    WHEN lat < -90 OR lat > 90                                THEN 'lat outside -90..90'
    WHEN lon IS NULL                                          THEN 'lon missing or not a number'
    WHEN lon < -180 OR lon > 180                              THEN 'lon outside -180..180'
    WHEN status IS NULL OR status NOT IN ('idle', 'en_route', 'on_trip', 'offline')
                                                              THEN 'status not one of idle, en_route, on_trip, offline'
    WHEN ts IS NULL OR ts <= 0                                THEN 'ts missing or not epoch milliseconds'
    WHEN hasHeading AND headingDeg IS NULL                    THEN 'headingDeg not a number'
    WHEN headingDeg IS NOT NULL AND (headingDeg < 0 OR headingDeg >= 360)
                                                              THEN 'headingDeg outside 0..360'
    WHEN hasSpeed AND speedKmh IS NULL                        THEN 'speedKmh not a number'
    WHEN speedKmh IS NOT NULL AND (speedKmh < 0 OR speedKmh > 250)
                                                              THEN 'speedKmh outside 0..250'
    ELSE CAST(NULL AS STRING)
  END AS reason
FROM driver_locations_parsed;

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
    'dlq.reason',           CAST(reason AS BYTES),
    'dlq.source.topic',     CAST(src_topic AS BYTES),
    'dlq.source.partition', CAST(CAST(src_partition AS STRING) AS BYTES),
    'dlq.source.offset',    CAST(CAST(src_offset AS STRING) AS BYTES),
    'dlq.job',              CAST('drivers-positions' AS BYTES)
  ]
FROM driver_locations_checked
WHERE reason IS NOT NULL;

END;
