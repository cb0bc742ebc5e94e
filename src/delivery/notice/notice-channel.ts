import type { RequestOutcome } from '../../requests/outcome.js';
import type { ReadinessCheck } from '../delivery-error.js';

/**
 * The licensing team's channel (`#support_licensing-subscription`). Throws `DeliveryError`.
 * `ref` identifies the posted message (a Slack `ts`), when the channel has one.
 */
export interface NoticeChannel {
  readonly name: 'timeline' | 'slack';
  post(outcome: RequestOutcome): Promise<{ ref?: string; destination: string }>;
  check(): Promise<ReadinessCheck[]>;
}
