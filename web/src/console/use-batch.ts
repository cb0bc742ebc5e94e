import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { LifelineApi } from '../shared/api.js';
import type { BatchView } from '../shared/api-types.js';
import { isMoving } from './batch-format.js';

/**
 * Follows a batch as `useRequest` follows a request: reads it, and again every `intervalMs`
 * while it is queued or running. Everything comes from the service, so the page can be left
 * and reopened, in this tab or another, and shows the same batch.
 */
export function useBatch(api: LifelineApi, id: string, intervalMs = 1_000) {
  const [batch, setBatch] = useState<BatchView>();
  const [error, setError] = useState<string>();
  const generation = useRef(0);

  const load = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const value = await api.getBatch(id);
      if (mine === generation.current) {
        setBatch(value);
        setError(undefined);
      }
    } catch (failure) {
      if (mine === generation.current)
        setError(failure instanceof Error ? failure.message : String(failure));
    }
  }, [api, id]);

  useEffect(() => {
    setBatch(undefined);
    void load();
  }, [load]);

  const moving = batch !== undefined && isMoving(batch.state);
  useEffect(() => {
    if (!moving) return;
    const timer = setInterval(() => void load(), intervalMs);
    return () => clearInterval(timer);
  }, [moving, load, intervalMs]);

  return { batch, error, reload: load };
}
