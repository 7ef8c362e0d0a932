import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import type { Logger } from 'pino';
import { gatewayReads, GATEWAY_GROUP_PREFIX } from '../lib/kafka-access';
import { kafkajsSecurity } from '../lib/kafka-auth';
import { kafkaClientRetry } from '../lib/kafka-brokers';
import { kafkaLogCreator } from '../lib/kafka-client-log';
import type { AccessGrant } from '../lib/schemas/access-grant';
import { sessionEventKey } from '../lib/schemas/session-event';
import { topics } from '../lib/topics';
import { flinkGroupLiveness } from '../lib/lag/flink-liveness';
import { flinkObservations, fraudObservations, lagObservations, streamObservations } from '../lib/notifications/observations';
import { submitAlertAction } from './alert-actions';
import { AuditLog, AuditView } from './audit';
import { AccessControl } from './auth/access-control';
import { authRoutes } from './auth/auth-routes';
import { GovernanceIngest } from './governance-ingest';
import { applySecurityHeaders, securityHeaders } from './security-headers';
import { SocketAccess } from './socket-access';
import { AlertIngest } from './alert-ingest';
import { AlertView } from './alert-view';
import { AnalyticsIngest } from './analytics-ingest';
import { AnalyticsView } from './analytics-view';
import type { GatewayConfig } from './config';
import { DriverIngest } from './driver-ingest';
import { DriverView } from './driver-view';
import { FlinkMonitor } from './flink-monitor';
import { Notifier } from './notifier';
import { NotifySinkDirectory } from './notify-sinks';
import { LagHistoryStore } from './lag-history-store';
import { LagMonitor } from './lag-monitor';
import { PipelineDataMonitor } from './pipeline-data';
import { GroupDirectory } from './group-protocol-client';
import { RecordTimestamps } from './record-timestamps';
import type { ReplayedStream } from './replayed-stream';
import { attachLiveSocket } from './live-socket';
import { createMetrics } from './metrics';
import { handleOps } from './ops-routes';

/** Topics whose records the gateway's principal may read (lib/kafka-access.ts). */
const gatewayReadableTopics = new Set<string>(gatewayReads.map((key) => topics[key].name));

/** The gateways' notifier group: the member given the notifications partition sends them. */
const NOTIFIER_GROUP = `${GATEWAY_GROUP_PREFIX}notifier`;
/** How often the sender compares what it sees with what it last said. */
const NOTIFY_OBSERVE_MS = 1_000;
/** Fraud alerts older than this when first seen are not announced (a new sender does not page about last week). */
const FRAUD_NOTIFY_MAX_AGE_MS = 10 * 60_000;

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/**
 * The gateway: Kafka -> views -> Socket.IO, plus health and metrics routes, on one HTTP server.
 * Page requests go to `pages` (Next.js in the product, a stub in tests).
 */
export async function startGateway(config: GatewayConfig, log: Logger, pages: RequestHandler, clock: { now(): number } = Date) {
  const metrics = createMetrics();
  const kafka = new Kafka({
    clientId: `streamwatch-gateway-${config.gatewayId}`,
    brokers: config.brokers,
    ...kafkajsSecurity(config.kafkaSecurity),
    logLevel: logLevel.INFO,
    logCreator: kafkaLogCreator(log),
    retry: kafkaClientRetry,
  });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  // Sends only once the producer is connected (below): nothing publishes before that.
  const send = async (topic: string, key: string, value: string | null): Promise<void> => {
    await producer.send({ topic, messages: [{ key, value }] });
  };
  const access = await AccessControl.open(config.access, {
    publishUser: (name, account) => send(topics.userAccounts.name, name, account && JSON.stringify(account)),
    publishSessionEvent: (event) => send(topics.sessionEvents.name, sessionEventKey(event), JSON.stringify(event)),
  });
  const onFirstAdmin = async (name: string, password: string | null): Promise<void> => {
    if (!password) return void log.warn({ user: name }, `created the first admin "${name}" with the password from STREAMWATCH_ADMIN_PASSWORD`);
    // A generated password goes to a file only its owner may read, and to a terminal if there is
    // one; never into the log, which is shipped and kept.
    const file = join(config.access.stateDir, 'first-admin-password');
    await mkdir(config.access.stateDir, { recursive: true });
    await writeFile(file, `${password}\n`, { mode: 0o600 });
    if (process.stderr.isTTY) process.stderr.write(`first admin "${name}", password ${password} (also in ${file})\n`);
    log.warn({ user: name, file }, `created the first admin "${name}" with a generated password, kept in ${file} (mode 600); set STREAMWATCH_ADMIN_PASSWORD to choose it`);
  };
  // The gateway never commits offsets: it rebuilds its views from the topics. A group of its own
  // per start means a restart after a crash (kill -9) joins at once instead of waiting out the
  // dead member's session timeout in the old group.
  const groupBase = `${GATEWAY_GROUP_PREFIX}${config.gatewayId}-${Date.now().toString(36)}`;
  const view = new DriverView();
  const ingest = new DriverIngest({
    kafka,
    groupId: `${groupBase}-drivers`,
    view,
    log,
    count: (outcome) => metrics.ingestRecords.inc({ topic: topics.driversPositions.name, outcome }),
    clock,
  });
  const alerts = new AlertView();
  const countRecord = (topic: string, outcome: string): void => metrics.ingestRecords.inc({ topic, outcome });
  const alertIngest = new AlertIngest({ kafka, groupId: `${groupBase}-alerts`, view: alerts, log, count: countRecord });
  const analytics = new AnalyticsView();
  const analyticsIngest = new AnalyticsIngest({ kafka, groupId: `${groupBase}-analytics`, view: analytics, log, count: countRecord });
  const admin = kafka.admin();
  const timestamps = new RecordTimestamps(kafka, `${groupBase}-lag-reader`, log);
  const flink = new FlinkMonitor({ restUrl: config.flinkRestUrl, pollMs: config.lagPollMs, log, clock });
  const lag = new LagMonitor({
    admin, pollMs: config.lagPollMs, windowSize: config.lagWindow, log, clock, timestamps,
    groups: new GroupDirectory(admin, `streamwatch-gateway-${config.gatewayId}`, config.kafkaSecurity),
    consumerWithoutMembers: (groupId) => flinkGroupLiveness(groupId, flink.status.at > 0 ? flink.status : null),
    // What its principal may read (lib/kafka-access.ts): raw topics' time lag comes from their offsets.
    readable: (topic) => gatewayReadableTopics.has(topic),
  });
  const pipelineData = new PipelineDataMonitor({ kafka, groupId: `${groupBase}-quarantine`, admin, pollMs: config.lagPollMs, log, pseudonymKey: access.pseudonymKey, clock, count: countRecord });
  const lagHistory = new LagHistoryStore({ kafka, groupId: `${groupBase}-lag-history`, log, count: countRecord, write: (key, value) => send(topics.lagHistory.name, key, value), clock });
  const auditView = new AuditView();
  const audit = new AuditLog({ producer, gatewayId: config.gatewayId, log, onWritten: (outcome) => metrics.auditWrites.inc({ outcome }), clock });
  const notifySinks = new NotifySinkDirectory(config.notify.sinks, (id, sink) => send(topics.notifySinks.name, id, sink && JSON.stringify(sink)), clock);
  const governance = new GovernanceIngest({ kafka, groupId: `${groupBase}-governance`, grants: access.grants, audit: auditView, users: access.users, sessionEnds: access.sessionEnds, sinks: notifySinks, log, count: countRecord });
  const notifier = new Notifier({
    kafka,
    groupId: NOTIFIER_GROUP,
    sinks: () => notifySinks.sinks(),
    source: config.gatewayId,
    write: (key, value) => send(topics.notifications.name, key, value),
    log: log.child({ component: 'notifier' }),
    onAttempt: (a) => {
      metrics.notificationAttempts.inc({ sink: a.sink, outcome: a.outcome });
      audit.record({ actor: 'notifier', action: 'notification-send', target: a.sink, outcome: a.outcome === 'ok' ? 'ok' : 'failed', from: config.gatewayId.slice(0, 64), detail: `${a.outcome}: ${a.eventId}: ${a.detail}`.slice(0, 500) });
    },
    onRecorded: (r) => metrics.notificationsRecorded.inc({ kind: r.kind, announced: String(r.notify) }),
    clock,
    deadlineMs: config.notify.deadlineMs,
    retryMs: { initial: 1_000, max: config.notify.retryMaxMs },
  });
  // Every topic the gateway replays into a view: each rebuilt after a crash, each degraded on its own.
  const streams = [ingest.stream, alertIngest.stream, analyticsIngest.stream, governance.grantStream, governance.userStream, governance.sessionStream, governance.sinkStream, governance.auditStream, pipelineData.stream, lagHistory.stream];
  const degradedStreams = (): string[] => streams.filter((st) => st.degraded).map((st) => st.name);
  const publishGrant = async (grant: AccessGrant): Promise<void> => {
    await send(topics.accessGrants.name, grant.grantId, JSON.stringify(grant));
    access.grants.apply(grant);
  };
  const routes = authRoutes({ access, audit, publishGrant, publicUrl: config.publicUrl, dev: config.dev, metrics, log, notifySinks, source: config.gatewayId });
  const ready = (): boolean => ingest.ready && alertIngest.ready && governance.ready;
  const health = {
    ready,
    details: () => ({
      degraded: degradedStreams().length > 0,
      degradedStreams: degradedStreams(),
      streams: Object.fromEntries(streams.map((st) => [st.name, st.health])),
      catchUp: { drivers: ingest.catchUpProgress, alerts: alertIngest.catchUpProgress },
      drivers: view.size,
      alerts: alerts.size,
      newestEventTime: view.newestEventTime,
      ingest: ingest.stats,
      alertIngest: alertIngest.stats,
      analyticsIngest: analyticsIngest.stats,
    }),
  };
  const headers = securityHeaders(config.publicUrl);
  const server = createServer((req, res) => {
    applySecurityHeaders(res, headers);
    if (handleOps(req, res, health, metrics.registry, config.opsToken)) return;
    routes
      .handle(req, res)
      .then((handled) => (handled ? undefined : pages(req, res)))
      .catch((err: unknown) => {
        metrics.requestFailures.inc();
        log.error({ err, method: req.method, url: req.url?.split('?')[0] }, 'request handler failed; answered 500');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end('The gateway could not answer this request; the error is in its log.\n');
        else res.destroy();
      });
  });
  const socket = attachLiveSocket(server, {
    view,
    isReady: ready,
    degradedStreams,
    lagReport: () => lag.report,
    lagHistory: () => lagHistory.snapshot(),
    pipelineStatus: () => flink.status,
    pipelineData: () => pipelineData.data,
    alerts,
    analytics,
    audit: auditView,
    access: new SocketAccess({ access, audit, metrics, log }),
    submitAlertAction: (request, by) => submitAlertAction(request, by, alerts, producer, () => clock.now()),
    recordAlertAction: (who, from, action, alertId, result) =>
      audit.record({ actor: who, action: 'alert-action', target: alertId, outcome: result.ok ? 'ok' : 'failed', from, detail: result.ok ? action : `${action}: ${result.reason}` }),
    deltaIntervalMs: config.deltaIntervalMs,
    backlog: {
      maxPendingPackets: config.slowClientMaxPending,
      maxUnsentMs: config.slowClientMaxUnsentMs,
      minUnsentBytes: config.slowClientMinUnsentBytes,
      maxBehindMs: config.slowClientTimeoutMs,
    },
    metrics,
    log,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  await Promise.all([admin.connect(), producer.connect()]);
  await governance.start();
  // The first admin is made only once every user on the topic is known.
  await governance.userStream.whenReady();
  const { imported } = await access.bootstrap(onFirstAdmin);
  if (imported > 0) log.warn({ imported, file: join(config.access.stateDir, 'users.json.imported') }, `brought ${imported} users from the users file to ${topics.userAccounts.name}; the file is kept as users.json.imported`);
  await ingest.start();
  await alertIngest.start();
  await analyticsIngest.start();
  await lagHistory.start();
  // A page that opened before the gateway had read lag.history to its end gets it again then.
  void lagHistory.stream.whenReady().then(() => socket.publishLagHistory());
  lag.onReport = (report) => {
    metrics.recordLag(report);
    lagHistory.record(report);
    socket.publishLag(report);
  };
  lag.start();
  flink.onStatus = (status) => socket.publishPipeline(status);
  flink.start();
  pipelineData.onData = (data) => socket.publishPipelineData(data);
  await pipelineData.start();
  // A gateway joins the notifier group once there is a sink to post to (from the environment, or
  // the first set in /admin on any gateway), and stays in it: a sink removed and set again later
  // hears only what follows, whichever gateway sends.
  let notifierStarted: Promise<void> | null = null;
  const startNotifier = (): void => {
    if (notifierStarted || notifySinks.size === 0) return;
    log.info({ sinks: notifySinks.sinks().map((s) => s.id) }, 'notification sinks configured: joining the notifier group');
    notifierStarted = notifier.start();
  };
  await governance.sinkStream.whenReady();
  notifySinks.onChanged = startNotifier;
  startNotifier();
  await notifierStarted;
  const receivedAt = (topic: string): number => (topic === topics.driversPositions.name ? ingest.stream : analyticsIngest.stream).receivedAt(topic);
  const observing = setInterval(() => {
    // Only the sender compares; the others would build the observations for nothing.
    if (!notifier.speaking) return;
    const now = clock.now();
    notifier.observe([
      ...(lag.report.at > 0 ? lagObservations(lag.report) : []),
      ...(flink.status.at > 0 ? flinkObservations(flink.status) : []),
      ...fraudObservations(alerts.snapshot().map((a) => a.alert), config.notify.fraudMinScore, now, FRAUD_NOTIFY_MAX_AGE_MS),
      ...streamObservations(receivedAt, now),
    ]);
  }, NOTIFY_OBSERVE_MS);
  const expiry = setInterval(() => {
    access.sessionEnds.prune(clock.now());
    const expired = view.expireOlderThan(clock.now() - config.driverTtlMs);
    if (expired > 0) log.info({ expired, ttlMs: config.driverTtlMs }, 'expired drivers that stopped reporting');
  }, 5_000);
  return {
    server,
    metrics,
    /** Every replayed stream, by name (drivers, alerts, analytics, grants, audit, quarantine). */
    streams: Object.fromEntries(streams.map((st) => [st.name, st])) as Record<string, ReplayedStream>,
    view,
    alerts,
    analytics,
    ingest,
    lag,
    flink,
    pipelineData,
    /** Joins its group once a sink is configured. */
    notifier,
    notifySinks,
    access,
    audit: auditView,
    close: async () => {
      clearInterval(expiry);
      clearInterval(observing);
      await notifierStarted;
      await notifier.stop();
      flink.stop();
      await pipelineData.stop();
      await lag.stop();
      await lagHistory.stop();
      await timestamps.stop();
      await socket.close();
      await ingest.stop();
      await alertIngest.stop();
      await analyticsIngest.stop();
      await governance.stop();
      await producer.disconnect();
      await admin.disconnect();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      metrics.stop();
    },
  };
}
