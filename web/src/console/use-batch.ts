import type { LifelineApi } from '../shared/api.js';
import type { BatchView } from '../shared/api-types.js';
import { useFollowed } from '../shared/use-followed.js';
import { isMoving } from './batch-format.js';

/** Follows a batch as `useRequest` follows a request, while it is queued or running. */
export function useBatch(api: LifelineApi, id: string, intervalMs = 1_000) {
  const { value, error, reload } = useFollowed(
    () => api.getBatch(id),
    [api, id],
    (batch: BatchView) => isMoving(batch.state),
    intervalMs,
  );
  return { batch: value, error, reload };
}
