'use client';

import { useCallback, useEffect, useState } from 'react';
import { adminApi } from './admin-api';

/** What an admin section last said: what was done, or the gateway's reason it was not. */
export type Outcome = { readonly done: string } | { readonly error: string } | null;

/**
 * One admin list (users, notification sinks): its rows from `listPath`, and `act`, which posts
 * a change, says how it went and reloads the list.
 */
export function useAdminList<T>(listPath: string) {
  const [rows, setRows] = useState<T[]>([]);
  const [outcome, tell] = useState<Outcome>(null);
  const reload = useCallback(() => void adminApi<T[]>(listPath).then(setRows, (e: Error) => tell({ error: e.message })), [listPath]);
  useEffect(reload, [reload]);

  const act = async (what: string, path: string, body: unknown): Promise<boolean> => {
    tell(null);
    try {
      await adminApi(path, body);
      tell({ done: what });
      reload();
      return true;
    } catch (err) {
      tell({ error: (err as Error).message });
      return false;
    }
  };
  return {
    rows,
    act,
    tell,
    error: outcome && 'error' in outcome ? outcome.error : null,
    done: outcome && 'done' in outcome ? outcome.done : null,
  };
}
