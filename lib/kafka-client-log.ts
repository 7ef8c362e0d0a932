/**
 * Adapts kafkajs's logging to a structured logger (pino's shape). kafkajs logs retriable
 * broker answers, such as a group coordinator still loading after a broker start, as errors
 * even though it retries them; those go to debug so that real errors stand out, as do the
 * pause/resume lines a seeking consumer prints on every seek.
 */

export interface StructuredLogger {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

interface KafkaLogEntry {
  namespace: string;
  level: number;
  log: { message: string; error?: string; [field: string]: unknown };
}

// kafkajs's numeric levels.
const ERROR = 1;
const WARN = 2;
const INFO = 4;

const RETRIABLE = [
  'The coordinator is loading',
  'The group coordinator is not available',
  'This is not the correct coordinator',
  'There is no leader for this topic-partition',
  'The group is rebalancing',
];

// Flow control the gateway's seeking readers do many times a minute: noise at info.
const ROUTINE_INFO = ['Pausing fetching from', 'Resuming fetching from'];

export function isRetriableKafkaError(error: string | undefined): boolean {
  return error !== undefined && RETRIABLE.some((r) => error.includes(r));
}

export function kafkaLogCreator(logger: StructuredLogger) {
  return () =>
    ({ namespace, level, log }: KafkaLogEntry): void => {
      const { message, timestamp: _t, logger: _l, ...fields } = log;
      const entry = { kafka: namespace, ...fields };
      if (level === ERROR && !isRetriableKafkaError(log.error)) logger.error(entry, message);
      else if (level === ERROR || level === WARN) (isRetriableKafkaError(log.error) ? logger.debug : logger.warn).call(logger, entry, message);
      else if (level === INFO && !ROUTINE_INFO.some((r) => message.startsWith(r))) logger.info(entry, message);
      else logger.debug(entry, message);
    };
}
