import type { LifelineApi } from './api.js';
import type { RequestDetail } from './api-types.js';
import { isSettled } from './format.js';
import { useFollowed } from './use-followed.js';

/**
 * Still moving: queued, issuing, with a delivery pending (as after a resend), or an extension
 * being signed.
 */
function isMoving(request: RequestDetail): boolean {
  return (
    !isSettled(request.state) ||
    request.deliveries.some((d) => d.state === 'pending' || d.state === 'retrying') ||
    request.renewal?.extension?.state === 'pending'
  );
}

/** Follows a request to its outcome. */
export function useRequest(api: LifelineApi, id: string, intervalMs = 1_500) {
  const { value, error, reload } = useFollowed(
    () => api.getRequest(id),
    [api, id],
    isMoving,
    intervalMs,
  );
  return { request: value, error, reload };
}
