import type { Logger } from 'pino';
import { actions, principalMayAct, principalMaySubscribe, sensitiveStreams, streams, type Action, type Principal, type Stream } from '../lib/access';
import type { SessionEnd } from '../lib/protocol';
import { addressOf, type AccessControl } from './auth/access-control';
import { MAX_TOKEN_LENGTH, tokenReason } from './auth/grants';
import { screenTokenFrom } from './auth/screen-cookie';
import { asScreenPanel } from '../lib/embed-panels';
import type { AuditLog } from './audit';
import type { LiveClient, LiveServer } from './live-types';
import type { GatewayMetrics } from './metrics';


/** How often sessions and tokens are checked: an expired or revoked one is cut within this (plus the revocation's trip through Kafka). */
const SWEEP_MS = 1000;

export function principalOf(socket: LiveClient): Principal {
  return socket.data.principal;
}

/**
 * Who a socket is, checked at the handshake (origin allow-list, connect rate, session cookie
 * or screen token), and what it may do, checked on every subscription and action. Sessions
 * and tokens are swept every second: an expired or revoked one gets `session:ended` with the
 * reason and is disconnected; a wall's token is renewed before it runs out while its grant lasts.
 */
export class SocketAccess {
  private sweeper: NodeJS.Timeout | null = null;

  private readonly access: AccessControl;
  private readonly audit: AuditLog;
  private readonly metrics: GatewayMetrics;
  private readonly log: Logger;

  constructor({ access, audit, metrics, log }: { readonly access: AccessControl; readonly audit: AuditLog; readonly metrics: GatewayMetrics; readonly log: Logger }) {
    this.access = access;
    this.audit = audit;
    this.metrics = metrics;
    this.log = log;
  }

  attach(io: LiveServer): void {
    io.use((socket, next) => {
      this.admit(socket)
        .then((refusal) => {
          if (refusal === null) return next();
          this.metrics.authOutcomes.inc({ kind: 'socket', outcome: refusal.split(':')[0]! });
          this.log.info({ address: socket.handshake.address, origin: socket.handshake.headers.origin, refusal }, 'socket refused');
          next(new Error(refusal));
        })
        .catch((err: unknown) => {
          this.log.error({ err }, 'socket admission failed');
          next(new Error('unavailable: try again'));
        });
    });
    this.access.grants.onRevoked = () => this.sweep(io);
    // A sign-out or a user change read from Kafka (or made here) is applied to sockets at once.
    this.access.sessionEnds.onEnded = () => this.sweep(io);
    this.access.users.onChanged = () => this.sweep(io);
    this.sweeper = setInterval(() => this.sweep(io), SWEEP_MS);
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  /** Null when the socket may connect, else the reason it may not ("kind: explanation"). */
  private async admit(socket: LiveClient): Promise<string | null> {
    const origin = socket.handshake.headers.origin;
    if (!this.access.originAllowed(origin)) return `origin: ${origin} is not allowed to connect`;
    if (!(await this.access.connectAllowed(socket.handshake.address))) return 'rate-limited: too many connects from this address; retry in a few seconds';
    const auth = socket.handshake.auth as Record<string, unknown> | undefined;
    const token: unknown = auth?.token;
    if (token !== undefined && (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH)) return 'unauthorized: malformed token';
    // A wall or embed page names its panel; its token is then in that panel's screen cookie, out of reach of scripts.
    const panel = token === undefined ? asScreenPanel(auth?.screen) : null;
    const screen = panel ? screenTokenFrom(socket.handshake.headers.cookie, panel) : null;
    const who = await this.access.identify(socket.handshake.headers.cookie, (token as string | undefined) ?? screen);
    if (!who.ok) {
      if (token !== undefined || screen !== null) return `unauthorized: ${tokenReason(who.reason)}`;
      return who.reason === 'expired' ? 'unauthorized: your session has expired; sign in again' : 'unauthorized: sign in first';
    }
    socket.data.principal = who.principal;
    socket.data.screenCookie = screen !== null;
    this.metrics.authOutcomes.inc({ kind: 'socket', outcome: 'ok' });
    return null;
  }

  /** Tells the client who it is (the UI shows what it may see). */
  greet(socket: LiveClient): void {
    const p = principalOf(socket);
    socket.emit('session:info', {
      name: p.name,
      role: p.role,
      kind: p.kind,
      panels: p.panels,
      expiresAt: p.expiresAt,
      streams: streams.filter((s) => principalMaySubscribe(p, s)),
      actions: actions.filter((a) => principalMayAct(p, a)),
    });
  }

  /** True when the socket may subscribe to `stream`; else it is told why, and it is counted and audited. */
  maySubscribe(socket: LiveClient, stream: Stream): boolean {
    const p = principalOf(socket);
    if (!principalMaySubscribe(p, stream)) {
      this.deny(socket, `subscribe:${stream}`, `${describe(p)} may not see ${stream}`);
      return false;
    }
    if (sensitiveStreams.has(stream)) {
      this.audit.record({ actor: p, action: 'subscribe', target: stream, outcome: 'ok', from: addressOf(socket.request) });
    }
    return true;
  }

  mayAct(socket: LiveClient, action: Action, target: string): boolean {
    const p = principalOf(socket);
    if (principalMayAct(p, action)) return true;
    this.deny(socket, action, `${describe(p)} may not ${action.replace(':', ' ')}`, target);
    return false;
  }

  private deny(socket: LiveClient, what: string, reason: string, target: string = what): void {
    this.metrics.accessDenied.inc({ what });
    this.audit.record({ actor: principalOf(socket), action: 'access-denied', target, outcome: 'denied', from: addressOf(socket.request), detail: reason });
    socket.emit('access:denied', { what, reason });
  }

  private sweep(io: LiveServer): void {
    const now = Date.now();
    for (const socket of io.sockets.sockets.values()) {
      // Only sockets the handshake admitted are listed, each with its principal.
      const p = principalOf(socket);
      if (p.grantId && this.access.grants.isRevoked(p.grantId)) this.end(socket, { reason: 'revoked', message: tokenReason('revoked') });
      else if (p.expiresAt <= now) this.end(socket, { reason: 'expired', message: p.kind === 'token' ? tokenReason('expired') : 'Your session has expired. Sign in again.' });
      else if (p.kind === 'token') this.renew(socket, p, now).catch((err: unknown) => this.log.error({ err, who: p.name }, 'could not renew a screen token; it runs until it expires'));
      else this.recheck(socket, p);
    }
  }

  /**
   * A person's socket follows what governance.users and governance.sessions say now: signed
   * out (here, on another gateway, or by an admin) or removed, it is cut; with a new role, it is
   * cut with `role-changed` so that the page reconnects and sees what the new role may see.
   */
  private recheck(socket: LiveClient, p: Principal): void {
    const now = this.access.current(p);
    if (!now.ok) this.end(socket, { reason: 'signed-out', message: 'You were signed out. Sign in again.' });
    else if (now.principal.role !== p.role) this.end(socket, { reason: 'role-changed', message: `Your role is now ${now.principal.role}: reloading.` });
  }

  /** A fresh session token once half of the current one's life is gone, as long as the grant lasts. */
  private async renew(socket: LiveClient, p: Principal, now: number): Promise<void> {
    const grant = this.access.grants.get(p.grantId!);
    // Token expiry is in whole seconds: the last token of a grant ends at its second.
    if (!grant || Math.floor(grant.expiresAt / 1000) * 1000 <= p.expiresAt || p.expiresAt - now > this.access.grants.tokenTtlMs / 2) return;
    const renewed = await this.access.grants.tokenFor(grant, now);
    // Swept again while signing: the newest renewal wins, none is sent twice for the same expiry.
    if (principalOf(socket).expiresAt >= renewed.expiresAt || !socket.connected) return;
    socket.data.principal = { ...p, expiresAt: renewed.expiresAt };
    // A page's cookie is renewed by the page itself; its socket lives on as long as the grant does.
    if (!socket.data.screenCookie) socket.emit('session:token', renewed);
  }

  private end(socket: LiveClient, end: SessionEnd): void {
    const p = principalOf(socket);
    this.metrics.socketsCut.inc({ reason: end.reason });
    this.log.info({ who: p.name, role: p.role, reason: end.reason }, 'socket cut: session or token ended');
    socket.emit('session:ended', end);
    socket.disconnect(true);
  }
}

function describe(p: Principal): string {
  return p.kind === 'token' ? `this ${p.role} token` : `role ${p.role}`;
}
