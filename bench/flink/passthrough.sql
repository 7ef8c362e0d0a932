-- Benchmark baseline: Flink reading a job's own input topics and doing nothing with them. Each
-- job's events/s is compared with this on the same records, in rounds alternating with the job.
-- The benchmark fills in {{inputs}} with the job's input topics. The consumer group borrows the
-- kpis job's (isolated, per benchmark run) name with a suffix.

CREATE TABLE raw_in (
  payload BYTES
) WITH (
  'connector' = 'kafka',
  'topic' = '{{inputs}}',
  'properties.bootstrap.servers' = '${kafka.bootstrap}',
  'properties.security.protocol' = '${kafka.security.protocol}',
  'properties.sasl.mechanism' = '${kafka.sasl.mechanism}',
  'properties.sasl.jaas.config' = '${kafka.sasl.jaas.config}',
  'properties.group.id' = '${group.kpis}-baseline',
  'properties.auto.offset.reset' = 'earliest',
  'scan.startup.mode' = 'group-offsets',
  'format' = 'raw'
);

CREATE TABLE nowhere (payload BYTES) WITH ('connector' = 'blackhole');

INSERT INTO nowhere SELECT payload FROM raw_in;
