import type { Kysely } from 'kysely';
import { compiledOnce, compiledPerShape } from '../store/compiled-once.js';
import { enqueueJobs } from '../jobs/sql/enqueue-jobs.js';
import type { Database, RequestUpdate } from '../store/schema.js';
import { announceOutcome, type AnnouncementDestinations } from './deliveries.js';
import type { OutcomeKind } from '../ports/outcome.js';
import {
  syncInStore,
  syncTrackerIssue,
  type KnownRecords,
  type TrackerSyncContext,
} from './steps/sync-tracker-issue.js';

/**
 * An emergency request's life, and the one place that changes it:
 *
 *   rejected                       (the policy said no; recorded, nothing else happens)
 *   awaiting_approval ──(declined | expired)──▶ rejected
 *     │ (approved)
 *     ▼
 *   queued ──▶ issuing ──▶ succeeded ◀──(a resend delivered)──┐
 *     │           │                                           │
 *     └───────────┴──▶ failed ──(retry)──▶ queued | issuing   │
 *                        └─────────────────────────────────────┘
 *
 * awaiting_approval: eligible, but a guardrail holds it until an approver who is not the
 * requester approves or declines it (or it expires). queued: accepted, the license is not made
 * yet. issuing: the license exists and is on its way to the customer. succeeded: the customer's
 * email server accepted the license. failed: a step could not be completed; `failure` says which
 * and what to do. When the license email was refused (a wrong address), the advice is to resend
 * the license to the right one: that resend, once accepted, is the delivery the request waited
 * for, and it succeeds.
 *
 * The rules (states, moves and what each move triggers) are pure data and functions; `moveRequest`
 * is the only code that writes `requests.state` (test/requests/request-life.test.ts holds every
 * other file in src/ to that).
 */
export type RequestState =
  'awaiting_approval' | 'queued' | 'issuing' | 'succeeded' | 'failed' | 'rejected';

export const requestStates: readonly RequestState[] = [
  'awaiting_approval',
  'queued',
  'issuing',
  'succeeded',
  'failed',
  'rejected',
];

/**
 * What a move triggers, in the mover's transaction. `tracker`: the tracker issue shows the
 * change, so a sync is enqueued (one that does not, such as a request still waiting or the
 * license being made, is carried by the next sync: a sync writes the current state).
 * `announce`: the outcome the licensing channel and the ticket are told; `'ending'` means the
 * mover says why a wait ended (declined or expired).
 */
interface MoveEffects {
  tracker: boolean;
  announce?: OutcomeKind | 'ending';
}

const moves: Record<RequestState, Partial<Record<RequestState, MoveEffects>>> = {
  awaiting_approval: {
    queued: { tracker: true },
    // A waiting request has no tracker issue: the notice and the note say how it ended.
    rejected: { tracker: false, announce: 'ending' },
  },
  queued: {
    // The license is made: the tracker hears of it when it is delivered or fails.
    issuing: { tracker: false },
    failed: { tracker: true, announce: 'failed' },
  },
  issuing: {
    succeeded: { tracker: true, announce: 'issued' },
    failed: { tracker: true, announce: 'failed' },
  },
  succeeded: {},
  // A retry clears the failure on the issue; so does a resend that reached the customer.
  failed: {
    queued: { tracker: true },
    issuing: { tracker: true },
    succeeded: { tracker: true, announce: 'issued' },
  },
  rejected: {},
};

export function canMove(from: RequestState, to: RequestState): boolean {
  return moves[from][to] !== undefined;
}

/** The states a request may reach `to` from. */
export function statesMovingTo(to: RequestState): RequestState[] {
  return requestStates.filter((from) => canMove(from, to));
}

/** Where a new request starts, from its decision. */
export function initialState(decision: {
  eligible: boolean;
  needsApproval: boolean;
}): RequestState {
  if (!decision.eligible) return 'rejected';
  return decision.needsApproval ? 'awaiting_approval' : 'queued';
}

export interface Move {
  to: RequestState;
  /** Columns written with the state: the failure, or its clearing. */
  patch?: Omit<RequestUpdate, 'state'>;
  /** Why a wait for approval ended without a license (a move to `rejected`). */
  ending?: 'declined' | 'expired';
}

export interface MoveContext {
  now: number;
  /** Where notices and notes go: needed by the moves that announce an outcome. */
  destinations?: AnnouncementDestinations;
  /**
   * The tracker, when the mover has it: one that keeps its issues in the store is written in
   * the mover's transaction; without it (or with a remote tracker) a sync job is enqueued.
   */
  tracker?: TrackerSyncContext;
  /** Records of the request the mover has read already: the issue it writes need not read them. */
  known?: KnownRecords;
}

/**
 * The tracker issue shows the request's change: written now, in `db`, when the tracker keeps
 * its issues in the store, else by a sync job of this revision (which writes the request as it
 * is when it runs).
 */
export async function followTracker(
  db: Kysely<Database>,
  requestId: string,
  revision: number,
  now: number,
  tracker: TrackerSyncContext | undefined,
  known?: KnownRecords,
): Promise<void> {
  if (tracker && (await syncInStore(db, tracker, requestId, now, known))) return;
  await enqueueJobs(db, [syncTrackerIssue.job({ requestId, revision })], now);
}

/**
 * The one way a request changes state: moves it to `to` only from a state the rules allow, in
 * one conditional update on the state it read, so two processes racing (an approval and the
 * expiry job, a retry and a late failure) move it once; then, in the same transaction, does what
 * the move triggers. Returns the new revision, or undefined when the request was not in a state
 * that may move there (nothing changed, nothing triggered).
 */
export async function moveRequest(
  db: Kysely<Database>,
  requestId: string,
  move: Move,
  context: MoveContext,
): Promise<number | undefined> {
  const { now } = context;
  const current = (await selectState(db, requestId)).rows[0];
  if (!current) return undefined;
  const from = current.state as RequestState;
  const effects = moves[from][move.to];
  if (effects === undefined) return undefined;
  // Columns left undefined are not written, as kysely's own `set` leaves them out.
  const patch = Object.entries(move.patch ?? {}).filter(([, value]) => value !== undefined);
  const values = [...patch.map(([, value]) => value), move.to, now, requestId, from];
  const update = moveUpdate(patch.map(([column]) => column));
  const row = (await update(db, ...values)).rows[0];
  if (!row) return undefined;
  const revision = Number(row.revision);
  const outcome = effects.announce === 'ending' ? move.ending : effects.announce;
  if (outcome !== undefined) {
    if (!context.destinations)
      throw new Error(`Moving request ${requestId} to ${move.to} needs the notice destinations.`);
    await announceOutcome(db, requestId, outcome, context.destinations, now, current.origin);
  }
  // Last, so an issue written now sees the move's whole effect.
  if (effects.tracker)
    await followTracker(db, requestId, revision, now, context.tracker, context.known);
  return revision;
}

// Each move writes the state with the columns its patch names: compiled once per set of
// columns (see compiledOnce).
const moveUpdate = compiledPerShape(
  (columns: string[]) => columns.join(','),
  (columns) =>
    (db, ...values: unknown[]) => {
      const [to, now, requestId, from] = values.slice(columns.length);
      const patch = Object.fromEntries(columns.map((column, i) => [column, values[i]]));
      return db
        .updateTable('requests')
        .set((eb) => ({
          ...(patch as Omit<RequestUpdate, 'state'>),
          state: to as RequestState,
          revision: eb('revision', '+', 1),
          updated_at: now as number,
        }))
        .where('id', '=', requestId as string)
        .where('state', '=', from as RequestState)
        .returning('revision');
    },
);

// Every move reads the state first, and how the request arrived for the outcome it announces:
// compiled once (see compiledOnce).
const selectState = compiledOnce((db, id: string) =>
  db.selectFrom('requests').select(['state', 'origin']).where('id', '=', id),
);

/**
 * Changes a request without moving it and, in the same transaction, asks for its tracker issue
 * to be brought up to date: every visible change of a request reaches the tracker, and none is
 * forgotten by a crash. A change the tracker issue does not show (`trackerSees: false`) skips the
 * round trip; the next visible change carries it along.
 */
export async function changeRequest(
  db: Kysely<Database>,
  requestId: string,
  patch: Omit<RequestUpdate, 'state'>,
  now: number,
  options: { trackerSees?: boolean; tracker?: TrackerSyncContext } = {},
): Promise<number> {
  const row = await db
    .updateTable('requests')
    .set((eb) => ({ ...patch, revision: eb('revision', '+', 1), updated_at: now }))
    .where('id', '=', requestId)
    .returning('revision')
    .executeTakeFirstOrThrow();
  const revision = Number(row.revision);
  if (options.trackerSees !== false)
    await followTracker(db, requestId, revision, now, options.tracker);
  return revision;
}
