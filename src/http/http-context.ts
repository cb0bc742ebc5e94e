import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Clock } from '../clock.js';
import type { ZendeskAppTokenSettings } from '../access/zendesk-app-token.js';
import type { VerificationKey } from '../license/index.js';
import type { PolicySettings } from '../policy/index.js';
import type { SubmitContext } from '../requests/submit-request.js';
import type { ExtensionContext } from '../requests/extend-license.js';
import type { RenewalContext } from '../requests/record-renewal.js';
import type { Circuits } from '../jobs/circuit.js';
import type { Store } from '../store/database.js';
import type { StorageHealth } from '../store/storage-health.js';
import type { SingleSignOn } from './routes/oidc.js';
import type { UndeclaredAnswer } from './answer-check.js';

/** What the HTTP app needs from the composition root. */
export interface HttpContext {
  store: Store;
  clock: Clock;
  logger: Logger;
  submit: SubmitContext;
  policy: PolicySettings;
  evidenceKeys: readonly VerificationKey[];
  zendeskApp?: ZendeskAppTokenSettings;
  session: { ttlMs: number; secureCookies: boolean };
  /** The console's single sign-on, when configured. */
  sso?: SingleSignOn;
  /** Whether local accounts may sign in with a password (LIFELINE_LOCAL_ACCOUNTS). */
  localAccounts: boolean;
  rateLimitPerMinute: number;
  /** Built console assets (index.html and its files), served at `/`. */
  consoleDirectory?: string;
  metrics: Registry;
  /** Writes refused for space or I/O, seen by this process: for `/readyz`. */
  storage: StorageHealth;
  /** The worker's remotes, when this process runs one: shown in `/readyz`. */
  circuits?: Circuits;
  /** Recording renewals and extending covers (issue 15). */
  cover: { renewal: RenewalContext; extension: ExtensionContext };
  /** Public base URL, for links (tracker issue, notice) and the OpenAPI servers list. */
  publicUrl?: string;
  /** The proxies whose X-Forwarded-For is believed (LIFELINE_TRUST_PROXY); default none. */
  trustedProxies?: false | string[];
  /** Tests: told of every answer its route's response schema does not declare. */
  undeclaredAnswer?: UndeclaredAnswer;
}
