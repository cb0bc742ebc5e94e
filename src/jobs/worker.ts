import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { hostname } from 'node:os';
import type { Store } from '../store/database.js';
import type { Database } from '../store/schema.js';
import { storageFailureCode, storageFailureSentence } from '../store/storage-failure.js';
import type { StorageHealth } from '../store/storage-health.js';
import { retryDelayMs, type BackoffSettings } from './backoff.js';
import type { FailureClassifier, FailureVerdict, JobHandlers } from './job-handler.js';
import { RunLater } from './job-handler.js';
import type { Job, JobKind } from './job.js';
import type { CircuitState, Circuits } from './circuit.js';
import { stepKinds, stepRemote } from './step-limits.js';
import { claimJobs, claimJobsByKind, reclaimExpiredLeases } from './sql/claim-jobs.js';
import { enqueuesInThisProcess, enqueuesOfKindInThisProcess } from './sql/enqueue-jobs.js';
import { notifyJobs } from './sql/notify-jobs.js';
import {
  completeJob,
  failJob,
  releaseJobs,
  renewLeases,
  rescheduleJob,
} from './sql/settle-jobs.js';
import type { ClaimedWithin, LocalClaimer, WakeSignal } from './wake-signal.js';

export interface WorkerSettings {
  /** Jobs run at once by this worker (default 12): most steps wait on the network. */
  concurrency: number;
  /** How long a claimed job belongs to this worker without renewal (default 30 000 ms). */
  leaseMs: number;
  /** Poll interval when no wake-up arrives (default 1 000 ms). */
  pollMs: number;
  backoff: BackoffSettings;
  /**
   * Jobs of each kind run at once (step-limits.ts), within `concurrency`: a hung remote holds
   * only its own step's slots. Without it, any kind takes any free slot.
   */
  perKind?: Readonly<Record<JobKind, number>>;
  /** How long the worker waits before claiming again after a write refused for space or I/O (default 5 000 ms). */
  storagePauseMs?: number;
}

export type WorkerEvent =
  | { type: 'job:start'; job: Job }
  | { type: 'job:success'; job: Job; durationMs: number }
  | { type: 'job:retry'; job: Job; verdict: FailureVerdict; runAt: number }
  | { type: 'job:failed'; job: Job; verdict: FailureVerdict }
  | { type: 'job:lease-lost'; job: Job }
  | { type: 'worker:reclaimed'; count: number }
  | { type: 'worker:paused'; reason: string }
  | { type: 'circuit:changed'; circuit: CircuitState }
  | { type: 'worker:resumed' }
  | { type: 'worker:error'; error: unknown };

export interface WorkerOptions {
  store: Store;
  handlers: JobHandlers;
  settings: WorkerSettings;
  classify: FailureClassifier;
  wake: WakeSignal;
  now?: () => number;
  onEvent?: (event: WorkerEvent) => void;
  /** Told of writes refused for space or I/O; the worker pauses on them. */
  storage?: StorageHealth;
  /** Backs off a remote that keeps not answering (see circuit.ts); none by default. */
  circuits?: Circuits;
}

/**
 * Claims jobs from the table and runs them, `concurrency` at a time, renewing the leases of the
 * jobs it holds. `stop()` stops claiming, lets running jobs finish within a grace period, then
 * hands back what is still running so another worker can take it.
 */
export class Worker implements LocalClaimer {
  readonly id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly running = new Map<
    string,
    { job: Job; abort: AbortController; done: Promise<void> }
  >();
  private stopping = false;
  private loop: Promise<void> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  /** Jobs a full disk kept this worker from handing back: handed back once writes work. */
  private readonly handBack = new Set<string>();
  /** Set while the storage refuses writes: no claims until this instant. */
  private pausedUntil: number | undefined;
  /**
   * What the last claim that found nothing more due knew: until something it did not see can
   * have happened, claiming again would only cost a write transaction (issue 11).
   */
  private knownEmpty: QueueEmpty | undefined;
  /**
   * The kinds a claim found nothing due of, and what it knew then: the next claims leave them
   * out until something it did not see can have happened (kindKnownEmpty). Each kind's pick is
   * a seek of its own, and a batch keeps three kinds of eleven busy.
   */
  private readonly emptyKinds = new Map<JobKind, KindEmpty>();
  /** The earliest instant a job of each kind this worker put back for later comes due. */
  private readonly dueLater = new Map<JobKind, number>();
  /** Claimed, not started yet (a step's transaction claimed them and has yet to commit). */
  private readonly handedOn = new Map<string, Job>();
  /** A claim is under way: another would count the same free slots. */
  private claiming = false;

  constructor(private readonly options: WorkerOptions) {
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.loop) return;
    this.loop = this.claimLoop();
    const every = Math.max(100, Math.floor(this.options.settings.leaseMs / 3));
    this.heartbeat = setInterval(() => void this.renew(), every);
    this.heartbeat.unref();
    void this.sweep();
  }

  /** Takes back jobs whose worker died; again after half a lease, give or take a quarter. */
  private async sweep(): Promise<void> {
    if (this.stopping) return;
    try {
      const reclaimed = await reclaimExpiredLeases(this.options.store.db, this.now());
      if (reclaimed > 0) {
        this.emit({ type: 'worker:reclaimed', count: reclaimed });
        this.options.wake.notify();
      }
    } catch (error) {
      this.emit({ type: 'worker:error', error });
    }
    const leaseMs = this.options.settings.leaseMs;
    this.sweeper = setTimeout(
      () => void this.sweep(),
      leaseMs / 2 + (Math.random() - 0.5) * (leaseMs / 2),
    );
    this.sweeper.unref();
  }

  get busy(): number {
    return this.running.size;
  }

  /** Stops claiming new jobs at once; running ones go on. `stop()` then waits for them. */
  drain(): void {
    this.stopping = true;
    this.options.wake.notify();
  }

  async stop(graceMs = 10_000): Promise<void> {
    this.drain();
    await this.loop;
    // Until nothing runs: a step finishing may have started the jobs its transaction claimed.
    const settled = (async () => {
      while (this.running.size > 0)
        await Promise.all([...this.running.values()].map((r) => r.done));
    })();
    const timedOut = await Promise.race([
      settled.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), graceMs).unref()),
    ]);
    if (timedOut) {
      for (const entry of this.running.values()) entry.abort.abort();
      const ids = [...this.running.keys()];
      // Handed back due now, and other processes' workers told so, so they take them at once.
      await releaseJobs(this.options.store.db, ids, this.id, this.now(), this.now())
        .then(() => notifyJobs(this.options.store.db))
        .catch((error: unknown) => this.emit({ type: 'worker:error', error }));
    }
    clearInterval(this.heartbeat);
    clearTimeout(this.sweeper);
  }

  private async claimLoop(): Promise<void> {
    const { store, settings, wake } = this.options;
    while (!this.stopping) {
      const free = settings.concurrency - this.occupied().length;
      if (this.pausedUntil !== undefined && this.now() < this.pausedUntil) {
        await wake.wait(Math.max(10, this.pausedUntil - this.now()));
        continue;
      }
      if (free > 0 && (this.claiming || this.queueKnownEmpty())) {
        await wake.wait(this.emptyWaitMs());
        continue;
      }
      let claimed: Job[] = [];
      let more = false;
      if (free > 0) {
        await this.refreshCircuits();
        try {
          const result = await this.claimNext(store.db, free);
          claimed = result?.jobs ?? [];
          more = result?.more ?? true;
          this.resume();
        } catch (error) {
          if (!this.pauseFor(error)) this.emit({ type: 'worker:error', error });
        }
      }
      // A claim that completed as the drain began is running work: it gets the grace period.
      for (const job of claimed) this.launch(job);
      if (!more || this.occupied().length >= settings.concurrency) {
        await wake.wait(this.knownEmpty ? this.emptyWaitMs() : settings.pollMs);
      }
    }
  }

  /**
   * One claim for the free slots, in the given transaction or in one of its own; undefined when
   * another claim is under way (claims never overlap, so two cannot fill the same slot). A claim
   * that finds nothing more due remembers what it saw (queueKnownEmpty).
   */
  private async claimNext(
    db: Kysely<Database>,
    free: number,
    finishing?: string,
  ): Promise<ClaimResult | undefined> {
    if (this.claiming) return undefined;
    this.claiming = true;
    try {
      const { wake, settings } = this.options;
      // Taken before the claim: an enqueue or a wake during it means "claim again".
      const seen = {
        notices: wake.generation,
        enqueues: enqueuesInThisProcess(),
        pollDeadline: performance.now() + settings.pollMs,
      };
      const result = settings.perKind
        ? await this.claimWithinLimits(db, free, settings.perKind, finishing)
        : await this.claimAny(db, free);
      for (const job of result.jobs) this.handedOn.set(job.id, job);
      this.knownEmpty = result.more ? undefined : { ...seen, kinds: result.kinds };
      return result;
    } finally {
      this.claiming = false;
    }
  }

  /**
   * Claims in another's transaction (a new request's), for the slots free now: the circuits as
   * last seen, since reading them again would wait for that very transaction on SQLite.
   */
  async claimWithin(trx: Kysely<Database>): Promise<ClaimedWithin | undefined> {
    const free = this.options.settings.concurrency - this.occupied().length;
    if (this.stopping || this.paused || free <= 0) return undefined;
    const jobs = (await this.claimNext(trx, free))?.jobs;
    if (jobs === undefined) return undefined;
    let settled = false;
    return {
      start: () => {
        if (settled) return;
        settled = true;
        for (const job of jobs) this.launch(job);
      },
      abandon: () => {
        if (settled) return;
        settled = true;
        if (jobs.length > 0) this.handBackUnstarted(jobs);
        else this.forgetEmpty();
      },
    };
  }

  /** The jobs this worker holds: running, or claimed and about to start. */
  private occupied(finishing?: string): Job[] {
    const jobs = [...this.running.values()].map((entry) => entry.job);
    return [...jobs.filter((job) => job.id !== finishing), ...this.handedOn.values()];
  }

  /**
   * Whether the queue is known to hold nothing this worker may claim: nothing was due at its
   * last claim, no work was announced or enqueued in this process since, no kind has come free
   * that the claim left out, and the poll interval has not passed (the poll finds other
   * processes' jobs and retries coming due, as it always has).
   */
  private queueKnownEmpty(): boolean {
    const empty = this.knownEmpty;
    if (!empty) return false;
    const stillEmpty =
      empty.notices === this.options.wake.generation &&
      empty.enqueues === enqueuesInThisProcess() &&
      performance.now() < empty.pollDeadline &&
      this.claimableKinds().every((kind) => empty.kinds.includes(kind) && !this.comesDue(kind));
    if (!stillEmpty) this.knownEmpty = undefined;
    return stillEmpty;
  }

  private emptyWaitMs(): number {
    const empty = this.knownEmpty;
    if (!empty) return this.options.settings.pollMs;
    // Until the poll, or the first job put back for later comes due (one already due waits
    // for a slot of its kind to free, which wakes the loop).
    const now = this.now();
    const dueIn = Math.min(
      ...[...this.dueLater.values()].filter((at) => at > now).map((at) => at - now),
    );
    return Math.max(1, Math.min(empty.pollDeadline - performance.now(), dueIn));
  }

  /** Whether a job of `kind` this worker put back for later is due by now. */
  private comesDue(kind: JobKind): boolean {
    const at = this.dueLater.get(kind);
    return at !== undefined && at <= this.now();
  }

  /**
   * Whether the last claim that offered `kind` slots found nothing of it due, and nothing it did
   * not see can have happened since: no work announced, no job of the kind enqueued in this
   * process, none this worker put back come due, the poll interval not passed (the poll finds
   * other processes' jobs and their retries coming due).
   */
  private kindKnownEmpty(kind: JobKind): boolean {
    const empty = this.emptyKinds.get(kind);
    if (!empty) return false;
    const stillEmpty =
      empty.notices === this.options.wake.generation &&
      empty.enqueues === enqueuesOfKindInThisProcess(kind) &&
      performance.now() < empty.pollDeadline &&
      !this.comesDue(kind);
    if (!stillEmpty) this.emptyKinds.delete(kind);
    return stillEmpty;
  }

  /** Jobs went back to the queue, or a transaction that claimed rolled back: claim every kind. */
  private forgetEmpty(kind?: JobKind): void {
    this.knownEmpty = undefined;
    if (kind) this.emptyKinds.delete(kind);
    else this.emptyKinds.clear();
  }

  /** A job of `kind` this worker put back comes due at `runAt`. */
  private putBackUntil(kind: JobKind, runAt: number): void {
    this.forgetEmpty(kind);
    this.dueLater.set(kind, Math.min(runAt, this.dueLater.get(kind) ?? Infinity));
  }

  /** Every kind when there are no per-kind slots; else the kinds with a slot free now. */
  private claimableKinds(): JobKind[] {
    const perKind = this.options.settings.perKind;
    if (!perKind) return [...stepKinds];
    const free = this.options.settings.concurrency - this.occupied().length;
    return this.slotsByKind(free, perKind)
      .filter(([, slots]) => slots > 0)
      .map(([kind]) => kind);
  }

  private async claimAny(db: Kysely<Database>, free: number): Promise<ClaimResult> {
    const { store, settings } = this.options;
    const jobs = await claimJobs(db, store.dialect, {
      workerId: this.id,
      limit: free,
      leaseMs: settings.leaseMs,
      now: this.now(),
    });
    return { jobs, more: jobs.length === free, kinds: [...stepKinds] };
  }

  /**
   * Claims within every kind's own slots, the open circuits' remotes left out (a half-open one
   * given one job), in one statement: each kind takes its oldest due jobs up to its free slots,
   * and all of them at most `free`. A kind with one slot (approval expiries, schedules) caps only
   * itself, never the others. The kinds that got fewer than their slots had nothing more due: the
   * worker remembers those as empty (a kind that filled its slots is claimed again once one frees).
   */
  private async claimWithinLimits(
    db: Kysely<Database>,
    free: number,
    perKind: Readonly<Record<JobKind, number>>,
    finishing?: string,
  ): Promise<ClaimResult> {
    const { store, settings, wake } = this.options;
    const open = this.slotsByKind(free, perKind, finishing).filter(([, n]) => n > 0);
    const skipped = open.filter(([kind]) => this.kindKnownEmpty(kind)).map(([kind]) => kind);
    const slots = open.filter(([kind]) => !skipped.includes(kind));
    if (slots.length === 0) return { jobs: [], more: false, kinds: skipped };
    // Taken before the claim: an enqueue or a wake during it means "claim the kind again".
    const seen = { notices: wake.generation, pollDeadline: performance.now() + settings.pollMs };
    const enqueues = slots.map(([kind]) => enqueuesOfKindInThisProcess(kind));
    const now = this.now();
    for (const [kind] of slots) if (this.comesDue(kind)) this.dueLater.delete(kind);
    const jobs = await claimJobsByKind(db, store.dialect, {
      workerId: this.id,
      slots,
      limit: free,
      leaseMs: settings.leaseMs,
      now,
    });
    const taken = (kind: JobKind) => jobs.filter((job) => job.kind === kind).length;
    const emptied = slots.filter(([kind, n]) => taken(kind) < n).map(([kind]) => kind);
    slots.forEach(([kind], i) => {
      if (emptied.includes(kind))
        this.emptyKinds.set(kind, { ...seen, enqueues: enqueues[i] ?? 0 });
      else this.emptyKinds.delete(kind);
    });
    return { jobs, more: jobs.length >= free, kinds: [...skipped, ...emptied] };
  }

  /** The slots each kind has free now, the open circuits' remotes left out (half-open: one). */
  private slotsByKind(
    free: number,
    perKind: Readonly<Record<JobKind, number>>,
    finishing?: string,
  ): Array<[JobKind, number]> {
    const { circuits } = this.options;
    const held = this.occupied(finishing);
    const runningOf = (kind: JobKind) => held.filter((job) => job.kind === kind).length;
    const slots: Array<[JobKind, number]> = [];
    for (const kind of stepKinds) {
      let slotsFree = Math.min(perKind[kind] - runningOf(kind), free);
      const remote = stepRemote[kind];
      if (circuits && remote) {
        if (!circuits.allows(remote)) continue;
        if (circuits.state(remote).state === 'half-open') slotsFree = runningOf(kind) > 0 ? 0 : 1;
      }
      slots.push([kind, slotsFree]);
    }
    return slots;
  }

  /** What the other workers saw of the remotes, before claiming their steps. */
  private async refreshCircuits(): Promise<void> {
    try {
      await this.options.circuits?.refresh();
    } catch (error) {
      // Claims go on with the circuits as last seen.
      this.emit({ type: 'worker:error', error });
    }
  }

  private async observeRemote(job: Job, verdict: FailureVerdict | 'success'): Promise<void> {
    const change = await this.options.circuits?.report(stepRemote[job.kind], verdict);
    if (change) this.emit({ type: 'circuit:changed', circuit: change });
  }

  /**
   * Jobs a step's transaction claimed, when the step then failed: if that transaction rolled
   * back they were never claimed (the release changes nothing), else they go back due now.
   */
  private handBackUnstarted(jobs: Job[]): void {
    for (const job of jobs) this.handedOn.delete(job.id);
    const ids = jobs.map((job) => job.id);
    this.forgetEmpty();
    void releaseJobs(this.options.store.db, ids, this.id, this.now(), this.now())
      .then(() => this.options.wake.nudge())
      .catch((error: unknown) => this.emit({ type: 'worker:error', error }));
  }

  private launch(job: Job): void {
    this.handedOn.delete(job.id);
    const abort = new AbortController();
    const done = this.execute(job, abort.signal).finally(() => {
      this.running.delete(job.id);
      // A slot came free: the loop looks again, but claims only if work may be waiting.
      this.options.wake.nudge();
    });
    this.running.set(job.id, { job, abort, done });
  }

  private async execute(job: Job, signal: AbortSignal): Promise<void> {
    const { store, handlers, classify, settings } = this.options;
    const db = store.db;
    const started = this.now();
    this.emit({ type: 'job:start', job });
    // Set once the step's own last transaction completed the job (JobSettlement), with the
    // jobs that transaction claimed for the slots it freed: they start once it has committed.
    let completedByStep = false;
    let handedOn: Job[] = [];
    const settle = {
      complete: async (trx: Kysely<Database>) => {
        // A step may try its transaction again: what an attempt that rolled back claimed was
        // never claimed.
        for (const next of handedOn) this.handedOn.delete(next.id);
        handedOn = [];
        completedByStep = false;
        // Lost: the worker says so once the step returns (its own completion fails too).
        if (!(await completeJob(trx, job.id, this.id, this.now()))) return false;
        completedByStep = true;
        const free = settings.concurrency - this.occupied(job.id).length;
        if (this.stopping || this.paused || free <= 0) return true;
        handedOn = (await this.claimNext(trx, free, job.id))?.jobs ?? [];
        return true;
      },
    };
    try {
      await handlers[job.kind].run(job, signal, settle);
      // A claim that completed as the drain began is running work: it gets the grace period.
      for (const next of handedOn) this.launch(next);
      handedOn = [];
      await this.observeRemote(job, 'success');
      const kept = completedByStep || (await completeJob(db, job.id, this.id, this.now()));
      this.emit(
        kept
          ? { type: 'job:success', job, durationMs: this.now() - started }
          : { type: 'job:lease-lost', job },
      );
    } catch (error) {
      if (handedOn.length > 0) this.handBackUnstarted(handedOn);
      if (this.pauseFor(error)) {
        // The disk, not the step, failed: hand the job back with its attempt, to run again
        // once writes work. If even that write fails, the lease lapses and it is swept back.
        this.forgetEmpty(job.kind);
        await releaseJobs(db, [job.id], this.id, this.now(), this.now()).catch(() => {
          this.handBack.add(job.id);
        });
        return;
      }
      try {
        await this.settleFailure(job, error, classify, settings);
      } catch (settleError) {
        // The lease will expire and another attempt will run: nothing is lost.
        this.emit({ type: 'worker:error', error: settleError });
      }
    }
  }

  private async settleFailure(
    job: Job,
    error: unknown,
    classify: FailureClassifier,
    settings: WorkerSettings,
  ): Promise<void> {
    const db = this.options.store.db;
    // The job goes back to the queue at a time the last empty claim did not see.
    this.knownEmpty = undefined;
    if (error instanceof RunLater) {
      // One instant for both: a row due a millisecond after the time the worker remembers would
      // be missed by the claim made at that time, and then wait for the poll (a second).
      const now = this.now();
      this.putBackUntil(job.kind, now + error.delayMs);
      await releaseJobs(db, [job.id], this.id, now + error.delayMs, now);
      return;
    }
    const verdict = classify(error);
    await this.observeRemote(job, verdict);
    if (!verdict.permanent && job.attempts < job.maxAttempts) {
      const runAt = this.now() + retryDelayMs(job.attempts, settings.backoff, verdict.retryAfterMs);
      this.putBackUntil(job.kind, runAt);
      if (await rescheduleJob(db, job.id, this.id, verdict.message, runAt, this.now())) {
        this.emit({ type: 'job:retry', job, verdict, runAt });
      } else {
        this.emit({ type: 'job:lease-lost', job });
      }
      return;
    }
    // Record the failure on the request before the job is marked failed: if this crashes in
    // between, the job runs again and the failure is recorded again, never lost.
    await this.options.handlers[job.kind].onFailed?.(job, verdict);
    if (await failJob(db, job.id, this.id, verdict.message, this.now())) {
      this.emit({ type: 'job:failed', job, verdict });
    } else {
      this.emit({ type: 'job:lease-lost', job });
    }
  }

  /** Pauses claiming when `error` is a storage failure; answers whether it was one. */
  private pauseFor(error: unknown): boolean {
    const code = storageFailureCode(error);
    if (!code) return false;
    this.options.storage?.noteError(error);
    const first = this.pausedUntil === undefined;
    this.pausedUntil = this.now() + (this.options.settings.storagePauseMs ?? 5_000);
    if (first) this.emit({ type: 'worker:paused', reason: storageFailureSentence(code) });
    return true;
  }

  private resume(): void {
    if (this.pausedUntil === undefined) return;
    this.pausedUntil = undefined;
    this.emit({ type: 'worker:resumed' });
    const ids = [...this.handBack];
    this.handBack.clear();
    // Otherwise they would wait for their lease to lapse before anyone runs them again.
    void releaseJobs(this.options.store.db, ids, this.id, this.now(), this.now())
      .then(() => this.options.wake.notify())
      .catch((error: unknown) => {
        for (const id of ids) this.handBack.add(id);
        this.emit({ type: 'worker:error', error });
      });
  }

  /** Whether the worker is waiting for its storage to take writes again. */
  get paused(): boolean {
    return this.pausedUntil !== undefined;
  }

  private async renew(): Promise<void> {
    if (this.running.size === 0) return;
    const now = this.now();
    try {
      await renewLeases(
        this.options.store.db,
        [...this.running.keys()],
        this.id,
        now + this.options.settings.leaseMs,
        now,
      );
    } catch (error) {
      this.emit({ type: 'worker:error', error });
    }
  }

  private emit(event: WorkerEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // An observer's bug must never stop the worker.
    }
  }
}

interface ClaimResult {
  jobs: Job[];
  /** The claim filled every free slot: more may be due. */
  more: boolean;
  /** The kinds the claim found nothing more of, due now: claimed again only once something changes. */
  kinds: JobKind[];
}

interface KindEmpty {
  notices: number;
  enqueues: number;
  /** performance.now() by which the worker offers the kind slots anyway. */
  pollDeadline: number;
}

interface QueueEmpty {
  notices: number;
  enqueues: number;
  /** performance.now() by which the worker claims anyway (other processes' jobs). */
  pollDeadline: number;
  kinds: JobKind[];
}
