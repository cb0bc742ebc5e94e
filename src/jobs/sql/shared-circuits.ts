import type { Store } from '../../store/database.js';
import { Circuits, isUnanswered, type CircuitRecord, type CircuitState } from '../circuit.js';
import type { FailureVerdict } from '../job-handler.js';

/**
 * The circuits kept in the database, so every worker backs a remote off together: five
 * unanswered attempts in a row from any workers open it for all, one answer closes it for all,
 * and a worker started later knows. The rule stays the pure one in circuit.ts: each change is
 * read, applied and written back only over the version it read (another worker's write in
 * between makes it read again), on the database clock. Claims use the snapshot `refresh` last
 * took, refreshed before every claim.
 */
export class SharedCircuits extends Circuits {
  constructor(
    private readonly store: Store,
    private readonly clock: () => number,
  ) {
    super(clock);
  }

  override async refresh(): Promise<void> {
    const rows = await this.store.db.selectFrom('remote_circuits').selectAll().execute();
    for (const row of rows) this.adopt(recordOfRow(row));
  }

  /**
   * Falls back to this process's own count when the database cannot take the write (a full
   * disk): the remote is then still backed off here, and the next refresh brings back the
   * shared state.
   */
  override async report(
    remote: string | undefined,
    verdict: FailureVerdict | 'success',
  ): Promise<CircuitState | undefined> {
    if (!remote) return undefined;
    const known = this.recordOf(remote);
    // An answer from a remote whose circuit was closed with nothing counted at the last refresh
    // (before this step was claimed) changes nothing: skipping the write spares every
    // successful step a round trip. A remote not seen yet is written, so the row exists.
    const answered = verdict === 'success' || !isUnanswered(verdict);
    if (answered && known && known.consecutiveFailures === 0 && known.openUntil === undefined)
      return undefined;
    try {
      for (let tries = 0; tries < writeTries; tries++) {
        const written = await this.tryReport(remote, verdict);
        if (written) {
          this.adopt(written.record);
          return written.change;
        }
      }
    } catch {
      // Counted here alone, below.
    }
    return this.record(remote, verdict);
  }

  /**
   * Reads the remote's row, applies the rule and writes the result over the version read;
   * undefined when another worker changed it in between (read again and retry). No transaction
   * is held across the rule, so nothing waits on a lock: on SQLite two connections of one
   * process would otherwise block each other in the synchronous driver.
   */
  private async tryReport(
    remote: string,
    verdict: FailureVerdict | 'success',
  ): Promise<{ record: CircuitRecord; change: CircuitState | undefined } | undefined> {
    const db = this.store.db;
    const now = this.clock();
    const row = await db
      .selectFrom('remote_circuits')
      .selectAll()
      .where('remote', '=', remote)
      .executeTakeFirst();
    const one = new Circuits(() => now);
    if (row) one.adopt(recordOfRow(row));
    const change = one.record(remote, verdict);
    const record = one.recordOf(remote);
    if (!record) return undefined;
    const values = {
      consecutive_failures: record.consecutiveFailures,
      open_until: record.openUntil ?? null,
      opened_at: record.openedAt ?? null,
      cooldown_ms: record.cooldownMs,
      updated_at: now,
    };
    if (!row) {
      const inserted = await db
        .insertInto('remote_circuits')
        .values({ remote, ...values, version: 1 })
        .onConflict((conflict) => conflict.column('remote').doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1 ? { record, change } : undefined;
    }
    const updated = await db
      .updateTable('remote_circuits')
      .set({ ...values, version: Number(row.version) + 1 })
      .where('remote', '=', remote)
      .where('version', '=', Number(row.version))
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1 ? { record, change } : undefined;
  }
}

/** Writes lost to other workers' before this process counts the attempt on its own. */
const writeTries = 5;

function recordOfRow(row: {
  remote: string;
  consecutive_failures: number;
  open_until: number | string | null;
  opened_at: number | string | null;
  cooldown_ms: number;
}): CircuitRecord {
  // PostgreSQL answers bigint columns as strings.
  return {
    remote: row.remote,
    consecutiveFailures: Number(row.consecutive_failures),
    cooldownMs: Number(row.cooldown_ms),
    ...(row.open_until !== null && { openUntil: Number(row.open_until) }),
    ...(row.opened_at !== null && { openedAt: Number(row.opened_at) }),
  };
}
