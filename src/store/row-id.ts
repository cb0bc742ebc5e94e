import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';

/**
 * The id of a new request, decision, license, delivery, batch or job: a UUID (version 7) that
 * begins with the time it was made. Rows made one after another then sit side by side in every
 * index keyed by them (the primary keys, and the `request_id` of the rows a request owns), so a
 * transaction writes a few index pages, not one at a random place per index: random (version 4)
 * ids made SQLite write about 170 pages for each request of a batch. Credentials and sessions
 * keep random ids: nothing about them should tell when they were made.
 */
export function newRowId(): string {
  return v7({ random: randomBytes16() });
}

// uuid draws each id's random bytes through Web Crypto's getRandomValues, which cost 1.8 % of
// the service's time in a batch (its checks, for 16 bytes); the bytes are drawn here 4 KB at a
// time instead, as Node's own randomUUID does. Within one millisecond the ids then order by
// their random bits, not by a counter: rows made in the same millisecond still sit together.
const pool = Buffer.alloc(4096);
let used = pool.length;

function randomBytes16(): Uint8Array {
  if (used + 16 > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += 16;
  return pool.subarray(used - 16, used);
}
