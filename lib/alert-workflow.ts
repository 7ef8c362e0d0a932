import type { AlertAction } from './schemas/alert-action';

/**
 * The triage state of one alert and the rules that move it: new -> acknowledged -> assigned
 * -> resolved, comments at any time. Every gateway applies the same actions in the same order
 * (from alert-actions), so every screen agrees; an action already applied is a no-op.
 */
export type TriageStatus = 'new' | 'acknowledged' | 'assigned' | 'resolved';

export interface AlertComment {
  readonly by: string;
  readonly at: number;
  readonly text: string;
}

export interface TriageState {
  readonly status: TriageStatus;
  readonly assignee: string | null;
  readonly resolution: string | null;
  readonly comments: readonly AlertComment[];
  /** Last change (epoch ms), 0 while untouched. */
  readonly updatedAt: number;
  readonly appliedActionIds: readonly string[];
}

export const initialTriage: TriageState = { status: 'new', assignee: null, resolution: null, comments: [], updatedAt: 0, appliedActionIds: [] };

export type ActionOutcome = { readonly kind: 'applied'; readonly state: TriageState } | { readonly kind: 'duplicate' } | { readonly kind: 'rejected'; readonly reason: string };

/** Why an action cannot apply to this state, or null if it can. */
export function rejection(state: TriageState, action: Pick<AlertAction, 'type'>): string | null {
  if (state.status === 'resolved' && action.type !== 'comment') return 'the alert is already resolved';
  if (action.type === 'acknowledge' && state.status !== 'new') return `the alert is already ${state.status}`;
  return null;
}

export function applyAction(state: TriageState, action: AlertAction): ActionOutcome {
  if (state.appliedActionIds.includes(action.actionId)) return { kind: 'duplicate' };
  const reason = rejection(state, action);
  if (reason) return { kind: 'rejected', reason };
  const base = { ...state, updatedAt: action.at, appliedActionIds: [...state.appliedActionIds, action.actionId] };
  switch (action.type) {
    case 'acknowledge':
      return { kind: 'applied', state: { ...base, status: 'acknowledged' } };
    case 'assign':
      return { kind: 'applied', state: { ...base, status: 'assigned', assignee: action.assignee } };
    case 'resolve':
      return {
        kind: 'applied',
        state: {
          ...base,
          status: 'resolved',
          resolution: action.resolution,
          comments: action.note ? [...state.comments, { by: action.by, at: action.at, text: action.note }] : state.comments,
        },
      };
    case 'comment':
      return { kind: 'applied', state: { ...base, comments: [...state.comments, { by: action.by, at: action.at, text: action.text }] } };
  }
}
