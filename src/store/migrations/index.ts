import type { Migration } from 'kysely';
import type { StoreDialect } from '../dialect.js';
import { initialSchema } from './0001-initial.js';
import { accessAndAuditSchema } from './0003-access-and-audit.js';
import { scheduledJobsSchema } from './0006-scheduled-jobs.js';

/**
 * Every migration, in order. Names sort lexically; never rename or edit one that has shipped:
 * add the next number instead.
 */
export function allMigrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '0001-initial': initialSchema(dialect),
    '0003-access-and-audit': accessAndAuditSchema(),
    '0006-scheduled-jobs': scheduledJobsSchema(dialect),
  };
}
