'use client';

import { useSyncExternalStore } from 'react';
import type { AuditEvent } from '../../lib/schemas/audit-event';
import { liveSocket } from '../live/socket-connection';

const KEEP = 500;
let events: AuditEvent[] = [];
const listeners = new Set<() => void>();
let started = false;

/** The audit trail as the gateway streams it to admins: a snapshot on subscribe, then new events. */
function start(): void {
  if (started) return;
  started = true;
  const s = liveSocket();
  const notify = () => listeners.forEach((l) => l());
  s.on('connect', () => s.emit('audit:subscribe'));
  if (s.connected) s.emit('audit:subscribe');
  s.on('audit:snapshot', (all) => {
    events = all.slice(0, KEEP);
    notify();
  });
  s.on('audit:events', (fresh) => {
    events = [...[...fresh].reverse(), ...events].slice(0, KEEP);
    notify();
  });
}

const subscribe = (l: () => void) => {
  start();
  listeners.add(l);
  return () => listeners.delete(l);
};

/** Newest first. */
export function useAuditTrail(): AuditEvent[] {
  return useSyncExternalStore(subscribe, () => events, () => events);
}
