import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../clock.js';
import type { Config } from '../config.js';
import { buildHttpApp, type HttpApp } from '../http/app.js';
import type { UndeclaredAnswer } from '../http/answer-check.js';
import { OidcClient } from '../access/oidc-client.js';
import { SharedCircuits } from '../jobs/sql/shared-circuits.js';
import { Worker } from '../jobs/worker.js';
import { WakeSignal } from '../jobs/wake-signal.js';
import { stepHandlers } from '../requests/pipeline.js';
import type { AnnouncementDestinations } from '../requests/deliveries.js';
import type { PipelineContext } from '../requests/pipeline-context.js';
import type { SubmitContext } from '../requests/submit-request.js';
import { openStore, type Store } from '../store/database.js';
import { clockSkewSentence, DatabaseClock } from '../store/database-clock.js';
import { ensurePrivateDirectory } from '../store/private-files.js';
import { StorageHealth } from '../store/storage-health.js';
import {
  migrateToLatest,
  pendingMigrations,
  refuseNewerSchema,
  SchemaError,
} from '../store/migrate.js';
import { buildAdapters, type Adapters } from './adapters.js';
import { classifyFailure } from './failure-verdict.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { setUpEvidenceKeys, setUpSigner } from './signing-keys.js';
import { listenForJobs } from './job-notifications.js';
import { Scheduler } from '../schedule/scheduler.js';
import { scheduledTasks } from './scheduled-tasks.js';
import { ScreenshotReads } from '../requests/ticket-evidence.js';

export interface ServiceOptions {
  /** Which roles this process plays: the HTTP API, the worker, or both (the default). */
  roles: { api: boolean; worker: boolean };
  /**
   * A clock of the caller's (the system's by default). Its offset from the database's is
   * measured at start and then every minute only for the system's: a clock the caller moves
   * itself (a test's, standing still or jumping days) would see each jump undone by the next
   * measurement, which finds the database's clock where it really is.
   */
  clock?: Clock;
  logger?: Logger;
  /** Tests: told of every HTTP answer its route's response schema does not declare. */
  undeclaredAnswer?: UndeclaredAnswer;
}

export interface RunningService {
  config: Config;
  store: Store;
  /** The address the API listens on, when the api role runs. */
  url?: string;
  app?: HttpApp;
  worker?: Worker;
  /** Enqueues scheduled work as it comes due; runs beside the worker. */
  scheduler?: Scheduler;
  logger: Logger;
  /** Where mail, tracker issues, notices and ticket notes go, in words. */
  destinations: Adapters['destinations'];
  /** What submitting a request needs, as the API's route has it (tests at the seam use it). */
  submit: SubmitContext;
  /** The clock leases and rate limits are judged by: the database's (see databaseClock). */
  clock: Clock;
  /** Stops taking work, drains what is running (within `graceMs`), and closes everything. */
  stop(graceMs?: number): Promise<void>;
}

const consoleDirectory = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** How often a process measures its clock against the database's again. */
const clockSyncMs = 60_000;

/**
 * The clock leases (their takeover, the tracker sync's wait) and rate limits are judged by: the
 * database's (see DatabaseClock), measured at start and, when `remeasure`, every minute. A clock
 * further off than LIFELINE_MAX_CLOCK_SKEW_MS is said loudly, at start and whenever it is measured
 * so.
 */
async function databaseClock(
  processClock: Clock,
  store: Store,
  config: Config,
  logger: Logger,
  remeasure: boolean,
): Promise<DatabaseClock & { stopSyncing(): void }> {
  const clock = new DatabaseClock(processClock, store);
  const maxSkewMs = config.values.LIFELINE_MAX_CLOCK_SKEW_MS;
  const sync = async () => {
    try {
      const offset = await clock.sync();
      if (Math.abs(offset) > maxSkewMs) {
        logger.error({ clockOffsetMs: offset }, clockSkewSentence(offset, maxSkewMs));
      }
    } catch (error) {
      logger.warn({ err: error }, 'could not compare this clock with the database’s');
    }
  };
  await sync();
  if (!remeasure) return Object.assign(clock, { stopSyncing: () => undefined });
  const timer = setInterval(() => void sync(), clockSyncMs);
  timer.unref();
  return Object.assign(clock, { stopSyncing: () => clearInterval(timer) });
}

/** The composition root of the service: reads nothing itself, wires everything from `config`. */
export async function startService(
  config: Config,
  options: ServiceOptions,
): Promise<RunningService> {
  const processClock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config.values.LIFELINE_LOG_LEVEL);
  ensurePrivateDirectory(config.dataDir);
  const store = openStore(config.databaseUrl, {
    max: config.values.DATABASE_POOL_MAX,
    preparedStatements: config.values.DATABASE_PREPARED_STATEMENTS,
  });
  try {
    await refuseNewerSchema(store);
    if (config.values.LIFELINE_AUTO_MIGRATE) {
      await migrateToLatest(store);
    } else {
      const pending = await pendingMigrations(store);
      if (pending.length > 0) {
        throw new SchemaError(
          `The database needs migrations ${pending.join(', ')}: run "lifeline migrate" first.`,
        );
      }
    }
  } catch (error) {
    await store.close();
    throw error;
  }

  let signer;
  let evidenceKeys;
  try {
    ({ signer } = await setUpSigner(config, logger));
    evidenceKeys = setUpEvidenceKeys(config.values.LIFELINE_EVIDENCE_PUBLIC_KEY_FILES, signer);
  } catch (error) {
    await signer?.close();
    await store.close();
    throw error;
  }
  const adapters = buildAdapters(config, store, logger);
  const wake = new WakeSignal();
  const storage = new StorageHealth(() => processClock.now());
  const clock = await databaseClock(processClock, store, config, logger, !options.clock);
  // Shared by every worker through the database, on its clock (sql/shared-circuits.ts); an
  // API-only process reads them too, for /readyz, /metrics and `doctor`.
  const circuits = new SharedCircuits(store, () => clock.now());
  const tasks = scheduledTasks(config, {
    store,
    clock,
    notice: adapters.notice,
    mailer: adapters.mailer,
    mail: adapters.mail,
  });
  const metrics = createMetrics(store, storage, circuits, {
    schedules: tasks.map((task) => task.schedule),
    now: () => processClock.now(),
  });
  const publicUrl = config.values.LIFELINE_PUBLIC_URL?.replace(/\/$/, '');
  // Only a worker waits for jobs; an API-only process just sends the notifications.
  const stopListening = options.roles.worker
    ? await listenForJobs(store, wake, logger)
    : () => Promise.resolve();

  const crashAt = config.values.LIFELINE_CRASH_AT;
  // Notices and notes with nowhere to go but the timeline are written where the request moves.
  const announcementDestinations: AnnouncementDestinations = {
    notice: adapters.destinations.notice,
    ticket: adapters.destinations.ticket,
    timelineOnly: {
      notice: adapters.notice.name === 'timeline',
      ticket: adapters.ticketDesk.name === 'timeline',
    },
  };
  const pipeline: PipelineContext = {
    store,
    clock,
    signer,
    licenseSettings: config.license,
    mailer: adapters.mailer,
    mail: adapters.mail,
    tracker: adapters.tracker,
    notice: adapters.notice,
    ticketDesk: adapters.ticketDesk,
    wake,
    classify: classifyFailure,
    leaseMs: config.values.LIFELINE_JOB_LEASE_MS,
    destinations: { ...announcementDestinations, tracker: adapters.destinations.tracker },
    cover: config.cover,
    requestUrl: (id) => (publicUrl ? `${publicUrl}/#/requests/${id}` : undefined),
    ...(crashAt && {
      crashPoint: (point: string) => {
        if (point === crashAt) process.kill(process.pid, 'SIGKILL');
      },
    }),
  };

  const submit: SubmitContext = {
    store,
    clock,
    policy: config.policy,
    evidenceKeys,
    wake,
    trackerDestination: adapters.destinations.tracker,
    ticketDesk: adapters.ticketDesk,
    screenshotReads: new ScreenshotReads(() => clock.now()),
    approval: {
      destinations: announcementDestinations,
      trackerDestination: adapters.destinations.tracker,
      expiryMs: config.values.LIFELINE_APPROVAL_EXPIRY_HOURS * 3_600_000,
      tracker: pipeline,
    },
    resendLimit: config.values.LIFELINE_RESEND_LIMIT,
    // The built-in tracker's issues are written in the transactions that change the requests.
    tracker: pipeline,
  };

  let worker: Worker | undefined;
  let scheduler: Scheduler | undefined;
  if (options.roles.worker) {
    worker = new Worker({
      store,
      handlers: stepHandlers({
        ...pipeline,
        scheduledTasks: tasks,
        batches: {
          store,
          clock,
          submit,
          tracker: adapters.tracker,
          notice: adapters.notice,
          batchUrl: (id) => (publicUrl ? `${publicUrl}/#/batches/${id}` : undefined),
          reportUrl: (id) =>
            publicUrl ? `${publicUrl}/api/v1/batches/${id}/report.csv` : undefined,
          chunkSize: 100,
          settleCheckMs: 500,
          queueLimit: 100,
          busyCheckMs: 100,
        },
      }),
      classify: classifyFailure,
      wake,
      settings: {
        concurrency: config.values.LIFELINE_WORKER_CONCURRENCY,
        perKind: config.values.LIFELINE_STEP_CONCURRENCY,
        leaseMs: config.values.LIFELINE_JOB_LEASE_MS,
        pollMs: config.values.LIFELINE_JOB_POLL_MS,
        backoff: {
          baseMs: config.values.LIFELINE_RETRY_BASE_MS,
          maxMs: config.values.LIFELINE_RETRY_MAX_MS,
        },
      },
      now: () => clock.now(),
      storage,
      circuits,
      onEvent: (event) => {
        metrics.observeWorker(event);
        if (event.type === 'job:retry') {
          logger.warn(
            {
              job: event.job.kind,
              request: event.job.requestId,
              attempt: event.job.attempts,
              error: event.verdict.message,
            },
            'job will be retried',
          );
        } else if (event.type === 'job:failed') {
          logger.error(
            { job: event.job.kind, request: event.job.requestId, error: event.verdict.message },
            'job failed for good',
          );
        } else if (event.type === 'circuit:changed') {
          const { remote, state, retryAt } = event.circuit;
          if (state === 'closed')
            logger.warn({ remote }, `${remote}: answering again; circuit closed`);
          else
            logger.error(
              { remote, retryAt: retryAt && new Date(retryAt).toISOString() },
              `${remote}: keeps not answering; its steps are backed off as a whole (circuit open)`,
            );
        } else if (event.type === 'worker:paused') {
          logger.error(
            { reason: event.reason },
            'worker paused: writes are refused; it claims again by itself once they work',
          );
        } else if (event.type === 'worker:resumed') {
          logger.warn('worker resumed: writes work again');
        } else if (event.type === 'worker:error') {
          logger.error({ err: event.error }, 'worker error');
        }
      },
    });
    // A new request's first jobs are claimed in the transaction that records it.
    wake.attach(worker);
    worker.start();
    scheduler = new Scheduler(store, tasks, processClock, {
      jobNow: () => clock.now(),
      onError: (error) => logger.error({ err: error }, 'could not enqueue scheduled work'),
      onEnqueued: () => wake.notify(),
    });
    scheduler.start();
  }

  if (
    config.values.LIFELINE_ZENDESK_APP_SECRET &&
    !config.values.LIFELINE_ZENDESK_APP_AUDIENCE &&
    !publicUrl
  ) {
    logger.warn(
      'LIFELINE_ZENDESK_APP_SECRET is set but neither LIFELINE_PUBLIC_URL nor LIFELINE_ZENDESK_APP_AUDIENCE: the sidebar app must then sign for the audience "lifeline", or every call it makes is refused.',
    );
  }

  let app: HttpApp | undefined;
  let url: string | undefined;
  let stopped: Promise<void> | undefined;
  const stop = (graceMs = 10_000): Promise<void> => {
    stopped ??= (async () => {
      // Claim nothing new from the first moment, even while the API finishes its calls.
      worker?.drain();
      scheduler?.stop();
      clock.stopSyncing();
      await app?.close();
      await worker?.stop(graceMs);
      await stopListening();
      await adapters.mailer.close();
      await signer.close();
      await store.close();
    })();
    return stopped;
  };
  if (options.roles.api) {
    app = await buildHttpApp({
      store,
      clock,
      logger,
      submit,
      policy: config.policy,
      evidenceKeys,
      ...(config.values.LIFELINE_ZENDESK_APP_SECRET && {
        zendeskApp: {
          secret: config.values.LIFELINE_ZENDESK_APP_SECRET,
          audience: config.values.LIFELINE_ZENDESK_APP_AUDIENCE ?? publicUrl ?? 'lifeline',
          ...(config.values.LIFELINE_ZENDESK_APP_ISSUER && {
            issuer: config.values.LIFELINE_ZENDESK_APP_ISSUER,
          }),
        },
      }),
      session: {
        ttlMs: config.values.LIFELINE_SESSION_HOURS * 3_600_000,
        secureCookies: config.values.LIFELINE_SECURE_COOKIES
          ? config.values.LIFELINE_SECURE_COOKIES === 'true'
          : (publicUrl?.startsWith('https:') ?? false),
      },
      ...(config.oidc && {
        sso: { client: new OidcClient(config.oidc), settings: config.oidc },
      }),
      localAccounts: config.localAccounts,
      rateLimitPerMinute: config.values.LIFELINE_RATE_LIMIT_PER_MINUTE,
      consoleDirectory,
      metrics: metrics.registry,
      cover: {
        renewal: {
          evidenceKeys,
          policy: config.policy,
          destinations: pipeline.destinations,
        },
        extension: {
          cover: config.cover,
          maxUserCount: config.policy.maxUserCount,
        },
      },
      storage,
      circuits,
      ...(publicUrl && { publicUrl }),
      trustedProxies: config.values.LIFELINE_TRUST_PROXY,
      ...(options.undeclaredAnswer && { undeclaredAnswer: options.undeclaredAnswer }),
    });
    try {
      url = await app.listen({
        host: config.values.LIFELINE_HOST,
        port: config.values.LIFELINE_PORT,
      });
    } catch (error) {
      // The worker, the scheduler and the store are running by now: a port already taken must
      // not leave them holding the process open behind the error.
      await stop(0);
      throw error;
    }
  }

  logger.info(
    {
      url,
      roles: options.roles,
      database: store.description,
      mail: adapters.destinations.mail,
      tracker: adapters.destinations.tracker,
      notice: adapters.destinations.notice,
      ticket: adapters.destinations.ticket,
      signingKey: signer.fingerprint,
      signer: signer.description,
    },
    'Lifeline started',
  );

  return {
    config,
    store,
    logger,
    destinations: adapters.destinations,
    submit,
    clock,
    ...(url && { url }),
    ...(app && { app }),
    ...(worker && { worker }),
    ...(scheduler && { scheduler }),
    stop,
  };
}
