import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Mailer } from '../ports/mailer.js';
import type { NoticeChannel } from '../ports/notice-channel.js';
import type { TicketDesk } from '../ports/ticket-desk.js';
import type { Tracker } from '../ports/tracker.js';
import type { FailureClassifier } from '../jobs/job-handler.js';
import type { WakeSignal } from '../jobs/wake-signal.js';
import type { EmergencyLicenseSettings, LicenseSigner } from '../license/index.js';
import type { Store } from '../store/database.js';
import type { Database } from '../store/schema.js';
import type { AnnouncementDestinations } from './deliveries.js';
import type { CoverSettings } from './cover.js';

/** Everything the steps of a request need, handed in by the composition root. */
export interface PipelineContext {
  store: Store;
  clock: Clock;
  /** Signs every license: the key file's key in memory, or a key kept in a PKCS#11 module. */
  signer: LicenseSigner;
  licenseSettings: EmergencyLicenseSettings;
  mailer: Mailer;
  mail: { from: string; replyTo?: string; messageIdDomain: string };
  /** The built-in tracker writes in the store's transactions (`tracker.inStore`). */
  tracker: Tracker<Kysely<Database>>;
  notice: NoticeChannel;
  ticketDesk: TicketDesk;
  wake: WakeSignal;
  classify: FailureClassifier;
  /** The job lease: how long a step may wait (for a full disk to clear) and still own its job. */
  leaseMs: number;
  /** Where notices and notes go, for the delivery records. */
  destinations: AnnouncementDestinations & { tracker: string };
  /** Reminders, the lapse and extensions of a delivered request's cover. */
  cover: CoverSettings;
  /** The request's page in the console, when the public URL is configured. */
  requestUrl(requestId: string): string | undefined;
  /**
   * Fault injection for the crash tests: called at named points inside steps; the test build
   * passes a function that kills the process there (LIFELINE_CRASH_AT). Production passes none.
   */
  crashPoint?: (point: string) => void;
}
