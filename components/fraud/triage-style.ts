import type { TriageStatus } from '../../lib/alert-workflow';
import type { AlertActionRequest } from '../../lib/schemas/alert-action';

/** Each triage status's badge colours, in the queue and the evidence alike. */
export const statusBadge: Record<TriageStatus, string> = {
  new: 'bg-red-500/20 text-red-300',
  acknowledged: 'bg-en-route/20 text-en-route',
  // Blue on its own tint falls short of 4.5:1 (WCAG AA); a lighter blue reads.
  assigned: 'bg-on-trip/20 text-blue-300',
  resolved: 'bg-idle/20 text-idle',
};

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Sends a triage action (the page adds its id). */
export type Act = (request: DistributiveOmit<AlertActionRequest, 'actionId'>) => void;
