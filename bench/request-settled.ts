/**
 * When a request's paperwork is all done, read from the service's own rows: the request
 * succeeded or failed, none of its deliveries (email, tracker issue, notice, ticket note) is
 * pending, and no job of it is due and unfinished (a cover's reminders wait days ahead). Shared by the in-process bench figures.
 */
import type { Store } from '../src/store/database.js';

/** The moment the last job of each settled request finished, by request id. */
export async function settledAt(store: Store, ids: string[]): Promise<Map<string, number>> {
  const jobs = await store.db
    .selectFrom('jobs')
    .select(['request_id', 'state', 'run_at', 'updated_at'])
    .where('request_id', 'in', ids)
    .execute();
  const requests = await store.db
    .selectFrom('requests')
    .select(['id', 'state'])
    .where('id', 'in', ids)
    .execute();
  const deliveries = await store.db
    .selectFrom('deliveries')
    .select(['request_id', 'state'])
    .where('request_id', 'in', ids)
    .execute();
  const dueBy = Date.now() + 60_000;
  const finished = jobs.filter((job) => job.state !== 'pending' && job.state !== 'running');
  const open = new Set(
    jobs
      .filter((job) => !finished.includes(job) && Number(job.run_at) <= dueBy)
      .map((job) => job.request_id),
  );
  const settled = new Map<string, number>();
  for (const delivery of deliveries)
    if (delivery.state === 'pending') open.add(delivery.request_id);
  for (const { id, state } of requests) {
    if ((state !== 'succeeded' && state !== 'failed') || open.has(id)) continue;
    const last = Math.max(
      ...finished.filter((job) => job.request_id === id).map((job) => Number(job.updated_at)),
    );
    settled.set(id, last);
  }
  return settled;
}

export async function waitUntilSettled(
  store: Store,
  ids: string[],
  timeoutMs = 120_000,
): Promise<Map<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const settled = await settledAt(store, ids);
    if (settled.size === ids.length) return settled;
    if (Date.now() > deadline)
      throw new Error(`only ${settled.size} of ${ids.length} requests settled`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return 0;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
