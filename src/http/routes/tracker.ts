import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { ApiError } from '../api-error.js';
import { principalOf } from '../auth/authenticate.js';
import { integerColumnMax } from '../../store/column-bounds.js';
import type { TrackerIssueRow } from '../../store/schema.js';
import type { HttpContext } from '../http-context.js';

const query = z
  .object({
    state: z.enum(['open', 'closed'], { error: 'state must be open or closed' }).optional(),
    search: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

/** The built-in request issue tracker: what the handbook calls the internal request tracker. */
export function trackerRoutes(ctx: HttpContext): FastifyPluginCallbackZod {
  return (app, _options, done) => {
    app.get(
      '/api/v1/tracker/issues',
      {
        schema: {
          summary: 'Issues of the built-in tracker, newest first',
          tags: ['tracker'],
          querystring: query,
        },
      },
      async (request) => {
        principalOf(request);
        let q = ctx.store.db.selectFrom('tracker_issues').selectAll();
        if (request.query.state) q = q.where('state', '=', request.query.state);
        if (request.query.search) {
          // `%` and `_` in the search are literal. PostgreSQL's LIKE escapes with a backslash by
          // default, SQLite's with nothing: say ESCAPE on both.
          const term = `%${request.query.search.toLowerCase().replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
          q = q.where(
            sql<boolean>`(lower(title) like ${term} escape '\\' or lower(description) like ${term} escape '\\')`,
          );
        }
        const rows = await q.orderBy('number', 'desc').limit(request.query.limit).execute();
        return { items: rows.map(issueView) };
      },
    );
    app.get(
      '/api/v1/tracker/issues/:number',
      {
        schema: {
          summary: 'One tracker issue',
          tags: ['tracker'],
          params: z.object({
            number: z.coerce
              .number({ error: 'number must be a tracker issue number' })
              .int('number must be a tracker issue number')
              .min(1, 'number must be a tracker issue number (1 or more)')
              .max(
                integerColumnMax,
                `number must be a tracker issue number (at most ${integerColumnMax})`,
              ),
          }),
        },
      },
      async (request) => {
        principalOf(request);
        const row = await ctx.store.db
          .selectFrom('tracker_issues')
          .selectAll()
          .where('number', '=', request.params.number)
          .executeTakeFirst();
        if (!row) throw new ApiError('NOT_FOUND', `No tracker issue #${request.params.number}.`);
        return issueView(row);
      },
    );
    done();
  };
}

function issueView(row: TrackerIssueRow) {
  return {
    number: Number(row.number),
    requestId: row.request_id,
    title: row.title,
    state: row.state,
    description: row.description,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
    closedAt: row.closed_at === null ? null : new Date(Number(row.closed_at)).toISOString(),
  };
}
