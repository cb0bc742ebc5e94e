import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { LifelineApi } from './api.js';
import type { RequestDetail } from './api-types.js';
import { isSettled } from './format.js';

/**
 * Follows a request to its outcome: reads it, and reads it again every `intervalMs` while it is
 * still moving (queued, issuing, with a delivery pending, as after a resend, or an extension
 * being signed).
 */
export function useRequest(api: LifelineApi, id: string, intervalMs = 1_500) {
  const [request, setRequest] = useState<RequestDetail>();
  const [error, setError] = useState<string>();
  const generation = useRef(0);

  const load = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const value = await api.getRequest(id);
      if (mine === generation.current) {
        setRequest(value);
        setError(undefined);
      }
    } catch (failure) {
      if (mine === generation.current)
        setError(failure instanceof Error ? failure.message : String(failure));
    }
  }, [api, id]);

  useEffect(() => {
    setRequest(undefined);
    void load();
  }, [load]);

  const moving =
    request !== undefined &&
    (!isSettled(request.state) ||
      request.deliveries.some((d) => d.state === 'pending' || d.state === 'retrying') ||
      request.renewal?.extension?.state === 'pending');
  useEffect(() => {
    if (!moving) return;
    const timer = setInterval(() => void load(), intervalMs);
    return () => clearInterval(timer);
  }, [moving, load, intervalMs]);

  return { request, error, reload: load };
}
