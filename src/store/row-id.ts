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
  return v7();
}
