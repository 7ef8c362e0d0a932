-- Tables every job's Kafka tables are made LIKE (CREATE TABLE ... LIKE), so that how a job
-- reaches Kafka and how a raw topic is read are written once. The runner runs this file at the
-- start of each job (--shared), with that job's variables (its own Kafka credentials). Temporary
-- and read by no INSERT, these tables add nothing to a job's plan; each table made LIKE one
-- names its own topic and consumer group.

-- A Kafka topic of bytes ('raw' format): how every job reaches Kafka, with its own credentials.
CREATE TEMPORARY TABLE kafka_bytes (
  payload BYTES
) WITH (
  'connector' = 'kafka',
  'topic' = 'named by each table LIKE this one',
  'properties.bootstrap.servers' = '${kafka.bootstrap}',
  'properties.security.protocol' = '${kafka.security.protocol}',
  'properties.sasl.mechanism' = '${kafka.sasl.mechanism}',
  'properties.sasl.jaas.config' = '${kafka.sasl.jaas.config}',
  'format' = 'raw'
);

-- A raw topic read as bytes, so that no record can fail deserialisation and stop the job: each
-- job parses and checks every record itself, valid ones go on, the rest go to a dead-letter
-- topic unchanged, with where it came from. Each table made LIKE this one adds its record
-- timestamp, its event time (the time.bodyEventTime variable: the body's ts, the record
-- timestamp only where the body has none usable) and its watermark, how late its job lets
-- records be: Flink resolves a table's computed columns and watermark against the physical
-- columns of the table it is LIKE and the columns of its own statement only.
CREATE TEMPORARY TABLE raw_topic (
  src_topic     STRING           METADATA FROM 'topic' VIRTUAL,
  src_partition INT              METADATA FROM 'partition' VIRTUAL,
  src_offset    BIGINT           METADATA FROM 'offset' VIRTUAL
) WITH (
  'properties.auto.offset.reset' = 'earliest',
  'scan.startup.mode' = 'group-offsets',
  -- Why this long: rawIdleTimeoutMs in lib/pipeline-jobs.ts.
  'scan.watermark.idle-timeout' = '${time.rawIdleSeconds} s'
) LIKE kafka_bytes;

-- Records set aside (dead letters, late events): the original bytes, with why and where from in
-- headers, as Kafka Connect's DLQ does. At least once: a copy twice is harmless to a reader
-- that counts by source offset, and these topics are not read read_committed.
CREATE TEMPORARY TABLE set_aside (
  headers MAP<STRING, BYTES> METADATA
) WITH (
  'sink.delivery-guarantee' = 'at-least-once'
) LIKE kafka_bytes;
