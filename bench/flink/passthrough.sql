-- Benchmark baseline: Flink reading the three raw topics and doing nothing with them. Each job's
-- events/s is compared with this, measured in the same run on the same records. The consumer
-- group borrows the kpis job's (isolated, per benchmark run) name with a suffix.

CREATE TABLE raw_in (
  payload BYTES
) WITH (
  'connector' = 'kafka',
  'topic' = '${topic.driverLocationsRaw};${topic.rideRequestsRaw};${topic.paymentsRaw}',
  'properties.bootstrap.servers' = '${kafka.bootstrap}',
  'properties.group.id' = '${group.kpis}-baseline',
  'properties.auto.offset.reset' = 'earliest',
  'scan.startup.mode' = 'group-offsets',
  'format' = 'raw'
);

CREATE TABLE nowhere (payload BYTES) WITH ('connector' = 'blackhole');

INSERT INTO nowhere SELECT payload FROM raw_in;
