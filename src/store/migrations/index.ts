import type { Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { initialSchema } from './0001-initial.js';
import { accessAndAuditSchema } from './0003-access-and-audit.js';
import { approvalsSchema } from './0004-approvals.js';
import { singleSignOnSchema } from './0005-single-sign-on.js';
import { scheduledJobsSchema } from './0006-scheduled-jobs.js';
import { customerMailboxSchema } from './0007-customer-mailbox.js';
import { coverAndRenewalSchema } from './0008-cover-and-renewal.js';
import { timelineByKindSchema } from './0011-timeline-by-kind.js';
import { sharedCircuitsSchema } from './0013-shared-circuits.js';
import { batchesSchema } from './0010-batches.js';
import { circuitOpenedAtSchema } from './0016-circuit-opened-at.js';
import { originAndMediumSchema } from './0017-origin-and-medium.js';
import { claimByKindSchema } from './0018-claim-by-kind.js';
import { liveJobIndexesSchema } from './0019-live-job-indexes.js';
import { rareEventIndexesSchema } from './0020-rare-event-indexes.js';
import { recentIssuesIndexSchema } from './0021-recent-issues-index.js';

/**
 * Every migration, in order. Names sort lexically; never rename or edit one that has shipped:
 * add the next number instead.
 */
export function allMigrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '0001-initial': initialSchema(dialect),
    '0003-access-and-audit': accessAndAuditSchema(),
    '0004-approvals': approvalsSchema(),
    '0005-single-sign-on': singleSignOnSchema(),
    '0006-scheduled-jobs': scheduledJobsSchema(dialect),
    '0007-customer-mailbox': customerMailboxSchema(),
    '0008-cover-and-renewal': coverAndRenewalSchema(dialect),
    '0011-timeline-by-kind': timelineByKindSchema(),
    '0013-shared-circuits': sharedCircuitsSchema(),
    '0010-batches': batchesSchema(dialect),
    '0016-circuit-opened-at': circuitOpenedAtSchema(),
    '0017-origin-and-medium': originAndMediumSchema(),
    '0018-claim-by-kind': claimByKindSchema(),
    '0019-live-job-indexes': liveJobIndexesSchema(),
    '0020-rare-event-indexes': rareEventIndexesSchema(),
    '0021-recent-issues-index': recentIssuesIndexSchema(),
  };
}
