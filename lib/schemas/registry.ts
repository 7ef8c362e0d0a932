import { z } from 'zod';
import { AccessGrant } from './access-grant';
import { AlertAction } from './alert-action';
import { AuditEvent } from './audit-event';
import { DriverLocation, DriverPosition } from './driver-location';
import { FraudAlert } from './fraud-alert';
import { FraudCase } from './fraud-case';
import { LagHistoryPoint } from './lag-history-point';
import { MarketplaceKpis } from './marketplace-kpis';
import { NotificationRecord } from './notification';
import { NotifySink } from './notify-sink';
import { OpsKpis } from './ops-kpis';
import { Payment } from './payment';
import { RideRequest } from './ride-request';
import { SessionEvent } from './session-event';
import { SurgeCell } from './surge-cell';
import { TripEvent } from './trip-event';
import { UserAccount } from './user-account';
import type { JsonSchema } from './compatibility';

/**
 * Every JSON record schema on the topics, with its version. Changing a schema means a new
 * version whose JSON Schema is written next to the old ones (`npm run schemas:write`) and
 * must read every older version's records (`lib/schemas/registry.test.ts` checks it in CI).
 */
export const schemaRegistry = {
  DriverLocation: { version: 1, schema: DriverLocation },
  DriverPosition: { version: 1, schema: DriverPosition },
  RideRequest: { version: 1, schema: RideRequest },
  TripEvent: { version: 1, schema: TripEvent },
  SurgeCell: { version: 1, schema: SurgeCell },
  Payment: { version: 1, schema: Payment },
  FraudCase: { version: 1, schema: FraudCase },
  FraudAlert: { version: 1, schema: FraudAlert },
  OpsKpis: { version: 2, schema: OpsKpis },
  MarketplaceKpis: { version: 1, schema: MarketplaceKpis },
  AlertAction: { version: 1, schema: AlertAction },
  AccessGrant: { version: 1, schema: AccessGrant },
  AuditEvent: { version: 5, schema: AuditEvent },
  UserAccount: { version: 1, schema: UserAccount },
  SessionEvent: { version: 1, schema: SessionEvent },
  LagHistoryPoint: { version: 1, schema: LagHistoryPoint },
  NotificationRecord: { version: 1, schema: NotificationRecord },
  NotifySink: { version: 1, schema: NotifySink },
} as const satisfies Record<string, { version: number; schema: z.ZodType }>;

export type SchemaName = keyof typeof schemaRegistry;

/** Value formats that are not JSON records: original bytes (or none, for a notice) with the reason in headers. */
export const byteFormats = ['DeadLetter', 'DeadLetterNotice', 'LateEvent'] as const;

/** The JSON Schema of what a reader accepts (zod's input side), for other consumers and the check. */
export function jsonSchemaOf(name: SchemaName): JsonSchema {
  return z.toJSONSchema(schemaRegistry[name].schema, { io: 'input' }) as JsonSchema;
}

/** File name of a version's exported JSON Schema under lib/schemas/registry/. */
export function schemaFileName(name: string, version: number): string {
  return `${name}.v${version}.json`;
}
