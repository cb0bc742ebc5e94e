import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { rowOutcomes } from '../../batches/batch.js';
import { batchReport } from '../../batches/batch-report.js';
import {
  checkBatch,
  readBatch,
  readBatches,
  readBatchRows,
  resumeBatch,
  startBatch,
  stopBatch,
  type BatchCommandContext,
} from '../../batches/commands.js';
import { answers, refusedCall, refusedWrite } from '../answers.js';
import { principalOf } from '../auth/authenticate.js';
import { auditActorOf, requireAction } from '../auth/authorize.js';
import type { HttpContext } from '../http-context.js';

/** A batch file is larger than any request: 10,000 rows with license files are about 20 MB. */
const batchBodyLimit = 64 * 1024 * 1024;

const createBody = z
  .object({
    format: z.enum(['csv', 'jsonl'], { error: 'format must be csv or jsonl' }),
    content: z
      .string({ error: 'content must be the file’s text' })
      .min(1, 'content is empty: send the file’s text'),
    fileName: z
      .string()
      .trim()
      .min(1, 'fileName must name the file')
      .max(200, 'fileName must be at most 200 characters')
      // eslint-disable-next-line no-control-regex -- control characters are what it refuses
      .regex(/^[^\u0000-\u001f\u007f]*$/, 'fileName must be one line')
      .default('batch'),
    reason: z
      .string()
      .trim()
      .min(
        3,
        'reason is too short (at least 3 characters): say in a sentence why these customers get a license',
      )
      .max(1_000, 'reason must be at most 1000 characters')
      .optional(),
    skipInvalid: z.boolean({ error: 'skipInvalid must be true or false' }).default(false),
  })
  .strict();

const createQuery = z
  .object({
    dryRun: z
      .enum(['true', 'false'], { error: 'dryRun must be true or false' })
      .default('false')
      .transform((value) => value === 'true'),
  })
  .strict();

const idParams = z.object({ id: z.uuid({ error: 'id must be a batch id (a UUID)' }) });

const rowsQuery = z
  .object({
    outcome: z
      .enum(rowOutcomes, { error: `outcome must be one of ${rowOutcomes.join(', ')}` })
      .optional(),
    cursor: z
      .string()
      .regex(/^\d{1,9}$/, 'cursor must be the nextCursor of an earlier page')
      .optional(),
    limit: z.coerce.number().int().min(1).max(1_000).default(100),
  })
  .strict();

const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict();

const countsSchema = z.object({
  rows: z.number(),
  pending: z.number(),
  issued: z.number(),
  awaitingApproval: z.number(),
  refused: z.number(),
  failed: z.number(),
  invalid: z.number(),
});

export const batchViewSchema = z.object({
  id: z.string(),
  state: z.enum(['queued', 'running', 'stopped', 'finished']),
  fileName: z.string(),
  fileSha256: z.string(),
  reason: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  counts: countsSchema,
  rowsPerSecond: z.number(),
  trackerIssue: z.object({ number: z.number(), url: z.string().optional() }).optional(),
  links: z.object({ rows: z.string(), report: z.string() }),
});

const rowErrorSchema = z.object({ row: z.number(), column: z.string(), message: z.string() });

const dryRunSchema = z.object({
  dryRun: z.literal(true),
  rows: z.array(
    z.object({
      row: z.number(),
      outcome: z.enum(['eligible', 'needs_approval', 'refused', 'invalid']),
      decision: z.record(z.string(), z.unknown()).optional(),
      errors: z.array(rowErrorSchema).optional(),
      heldBecause: z.string().optional(),
      customerEmail: z.string(),
      userCount: z.number(),
    }),
  ),
  summary: z.object({
    rows: z.number(),
    eligible: z.number(),
    needsApproval: z.number(),
    refused: z.number(),
    invalid: z.number(),
  }),
  findings: z.array(
    z.object({
      kind: z.enum(['duplicate_row', 'same_customer']),
      rows: z.array(z.number()),
      message: z.string(),
    }),
  ),
});

const rowsSchema = z.object({
  rows: z.array(
    z.object({
      row: z.number(),
      outcome: z.enum(rowOutcomes),
      requestId: z.string().optional(),
      customerEmail: z.string(),
      userCount: z.number(),
      licenseFingerprint: z.string().optional(),
      message: z.string().optional(),
    }),
  ),
  nextCursor: z.string().nullable(),
});

function commandContext(ctx: HttpContext): BatchCommandContext {
  return {
    store: ctx.store,
    clock: ctx.clock,
    preview: {
      clock: ctx.clock,
      policy: ctx.policy,
      evidenceKeys: ctx.evidenceKeys,
      ...(ctx.submit.ticketDesk && { ticketDesk: ctx.submit.ticketDesk }),
    },
    wake: ctx.submit.wake,
  };
}

/** Bulk outage mode: check a file, run it, follow it, stop and resume it, download its report. */
export function batchRoutes(ctx: HttpContext): FastifyPluginCallbackZod {
  const commands = commandContext(ctx);
  return (app, _options, done) => {
    app.post(
      '/api/v1/batches',
      {
        bodyLimit: batchBodyLimit,
        schema: {
          summary: 'Check (dryRun=true) or run a batch file of requests',
          description:
            'A CSV with a header row or JSON lines, one request a row. With dryRun=true: each row’s decision and the batch’s findings, nothing recorded (engineers too). Without: approvers, with a reason; 202 and the batch view. The same file again is the same batch (a stopped one resumes). Invalid rows: 422 unless skipInvalid.',
          tags: ['batches'],
          body: createBody,
          querystring: createQuery,
          response: answers({ 200: dryRunSchema, 202: batchViewSchema }, [
            ...refusedWrite,
            'BATCH_HAS_INVALID_ROWS',
            'NOT_FOUND',
            'CONFLICT',
          ]),
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const { format, content, fileName, reason, skipInvalid } = request.body;
        if (request.query.dryRun) {
          const answer = await checkBatch(commands, { format, content }, principal);
          return reply.status(200).send(answer);
        }
        requireAction(principal, 'runBatch');
        const batch = await startBatch(
          commands,
          { format, content, fileName, reason, skipInvalid },
          { name: principal.name, audit: auditActorOf(request) },
        );
        return reply.status(202).send(batch);
      },
    );

    app.get(
      '/api/v1/batches',
      {
        schema: {
          summary: 'Batches, newest first',
          tags: ['batches'],
          querystring: listQuery,
          response: answers({ 200: z.object({ items: z.array(batchViewSchema) }) }, refusedCall),
        },
      },
      async (request) => ({ items: await readBatches(commands, request.query.limit) }),
    );

    app.get(
      '/api/v1/batches/:id',
      {
        schema: {
          summary: 'A batch: its state, counts by outcome, rows per second and links',
          tags: ['batches'],
          params: idParams,
          response: answers({ 200: batchViewSchema }, [...refusedCall, 'NOT_FOUND']),
        },
      },
      async (request) => readBatch(commands, request.params.id),
    );

    app.get(
      '/api/v1/batches/:id/rows',
      {
        schema: {
          summary: 'A batch’s rows in order, by outcome, a page at a time',
          tags: ['batches'],
          params: idParams,
          querystring: rowsQuery,
          response: answers({ 200: rowsSchema }, [...refusedCall, 'NOT_FOUND']),
        },
      },
      async (request) => readBatchRows(commands, request.params.id, request.query),
    );

    app.get(
      '/api/v1/batches/:id/report.csv',
      {
        schema: {
          summary: 'Every row’s outcome, request id and license fingerprint, as CSV',
          tags: ['batches'],
          params: idParams,
          response: answers({ 200: z.string().describe('The report, as CSV.') }, [
            ...refusedCall,
            'NOT_FOUND',
          ]),
        },
      },
      async (request, reply) => {
        const report = await batchReport(commands, request.params.id);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${report.fileName}"`)
          .send(report.csv);
      },
    );

    for (const verb of ['stop', 'resume'] as const) {
      app.post(
        `/api/v1/batches/:id/${verb}`,
        {
          schema: {
            summary:
              verb === 'stop'
                ? 'Stop a batch: no more rows are submitted (those submitted go on)'
                : 'Resume a stopped batch where it stopped',
            tags: ['batches'],
            params: idParams,
            response: answers({ 200: batchViewSchema }, [...refusedWrite, 'NOT_FOUND', 'CONFLICT']),
          },
        },
        async (request) => {
          const change = verb === 'stop' ? stopBatch : resumeBatch;
          return change(commands, request.params.id, { audit: auditActorOf(request) });
        },
      );
    }
    done();
  };
}
