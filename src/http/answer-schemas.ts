import { z } from 'zod';
import { roles, type Role } from '../access/principal.js';
import { requestStates } from '../requests/request-life.js';

/**
 * What the routes answer, as `/docs` shows it. An answer may carry more fields than a schema
 * lists (the tests' check parses answers, which passes extra fields), never fewer, and never a
 * value of another type.
 */
const at = z.string().describe('An ISO 8601 instant, UTC.');
const day = z.string().describe('A calendar day, YYYY-MM-DD.');
const role = z.enum(roles as [Role, ...Role[]]);
const requestState = z.enum(requestStates as [string, ...string[]]);

export const decisionAnswer = z
  .looseObject({
    eligible: z.boolean(),
    needsApproval: z.boolean(),
    guardrails: z.array(z.object({ code: z.string() })),
    summary: z.string(),
    rules: z.array(z.object({ rule: z.string() })),
    warnings: z.array(z.unknown()),
    policyVersion: z.string(),
    decidedOn: day,
    facts: z.unknown(),
  })
  .describe('The policy’s decision: every rule’s outcome and each guardrail that holds it.');

export const submitAnswer = z.object({
  id: z.string(),
  state: requestState,
  decision: decisionAnswer,
});

const renewalAnswer = z
  .looseObject({
    state: z.enum(['pending', 'extended', 'renewed', 'lapsed']),
    temporaryLicenseEndsOn: day.nullable(),
    temporaryLicenseLastFullDay: day.nullable(),
    extensions: z.number(),
    extensionsMax: z
      .number()
      .optional()
      .describe('LIFELINE_EXTENSIONS_MAX: past it, the cover cannot be extended (409).'),
  })
  .nullable()
  .describe('The cover and its renewal: null until the license is delivered.');

export const requestSummaryAnswer = z.object({
  id: z.string(),
  state: requestState,
  createdAt: at,
  updatedAt: at,
  ticket: z.object({ id: z.string(), url: z.string() }),
  requestedBy: z.string(),
  origin: z.string().describe('How the request arrived: api, console, zendesk, cli or batch.'),
  channel: z
    .string()
    .describe('Deprecated: the same value as `origin`, kept for tools that read it.'),
  customerEmail: z.string(),
  userCount: z.number(),
  evidence: z.string(),
  note: z.string().nullable(),
  license: z
    .looseObject({ fingerprint: z.string(), userCount: z.number(), lastFullDay: day })
    .nullable(),
  trackerIssue: z.object({ number: z.number(), title: z.string() }).nullable(),
  renewal: renewalAnswer,
  failure: z.object({ step: z.string(), message: z.string() }).nullable(),
});

export const requestDetailAnswer = requestSummaryAnswer.extend({
  licenses: z.array(
    z.object({ lineageIndex: z.number(), fingerprint: z.string(), lastFullDay: day }),
  ),
  decision: decisionAnswer.nullable(),
  approval: z.object({ expiresAt: at, whoMayApprove: z.unknown() }).nullable(),
  batch: z
    .object({ id: z.string(), row: z.number() })
    .optional()
    .describe('The batch that made the request, and its row in the file; absent otherwise.'),
  deliveries: z.array(
    z.object({
      id: z.string(),
      medium: z.string().describe('Where the delivery goes: email, notice, ticket or tracker.'),
      channel: z
        .string()
        .describe('Deprecated: the same value as `medium`, kept for tools that read it.'),
      purpose: z.string(),
      state: z.enum(['pending', 'retrying', 'delivered', 'failed']),
    }),
  ),
  timeline: z.array(z.object({ at, kind: z.string(), message: z.string() })),
});

export const requestListAnswer = z.object({
  items: z.array(requestSummaryAnswer),
  nextCursor: z
    .string()
    .nullable()
    .describe('Pass as `cursor` for the next page; null at the end.'),
});

export const licenseFileAnswer = z.string().describe('The `.gitlab-license` file.');

export const resendAnswer = z.object({ deliveryId: z.string(), to: z.string() });
export const retryAnswer = z.object({
  retried: z.array(z.string()).describe('The steps and deliveries started again.'),
});
export const verdictAnswer = z.object({
  id: z.string(),
  state: z.enum(['queued', 'rejected']),
  verdict: z.enum(['approved', 'declined']),
});
export const renewalRecordedAnswer = renewalAnswer.optional();
export const extensionAnswer = z.object({
  id: z.string(),
  state: z.literal('pending'),
  lineage: z.number(),
  userCount: z.number(),
});

export const trackerIssueAnswer = z.object({
  number: z.number(),
  requestId: z.string(),
  title: z.string(),
  state: z.string(),
  description: z.string(),
  createdAt: at,
  updatedAt: at,
  closedAt: at.nullable(),
});
export const trackerIssueListAnswer = z.object({ items: z.array(trackerIssueAnswer) });

export const inspectAnswer = z
  .union([
    z.object({
      ok: z.literal(true),
      keyFingerprint: z.string(),
      keyName: z.string().nullable(),
    }),
    z.object({ ok: z.literal(false), error: z.object({ code: z.string() }) }),
  ])
  .describe('`ok: false` with `error.code` (e.g. `WRONG_KEY`) when no evidence key reads it.');
export const preflightAnswer = z.object({
  accepted: z.boolean(),
  message: z.string().nullable(),
});

export const auditListAnswer = z.object({
  items: z.array(z.object({ seq: z.number(), action: z.string(), hash: z.string() })),
  nextCursor: z.string().nullable(),
});
export const handoffAnswer = z.object({
  since: at,
  until: at,
  requests: z.array(z.unknown()),
  needsPerson: z.object({
    failed: z.array(z.unknown()),
    waiting: z.array(z.unknown()),
    endingSoon: z.array(z.unknown()),
  }),
});

export const tokenListAnswer = z.object({
  items: z.array(z.object({ id: z.string(), name: z.string() })),
});
export const tokenCreatedAnswer = z.object({
  id: z.string(),
  name: z.string(),
  owner: z.string(),
  role,
  expiresAt: at.nullable(),
  token: z.string().describe('The secret: shown in this answer only.'),
});
const userAnswer = z.object({
  id: z.string(),
  username: z.string(),
  role: z.string(),
  disabledAt: at.nullable(),
});
export const userListAnswer = z.object({ items: z.array(userAnswer) });
export const userAnswerSchema = userAnswer;
export const sessionListAnswer = z.object({ items: z.array(z.object({ id: z.string() })) });
export const passwordChangedAnswer = z.object({
  changed: z.boolean(),
  signInAgain: z.boolean().describe('The sessions ended, this one too: sign in again.'),
});

export const signedInAnswer = z.object({
  user: z.object({ name: z.string(), role }),
  csrfToken: z.string().describe('Send as X-CSRF-Token on every write.'),
});
export const signInOptionsAnswer = z.object({ sso: z.boolean(), localAccounts: z.boolean() });
export const redirectAnswer = z.void().describe('A redirect (Location header).');
export const refusedPage = z.string().describe('A page with a sentence saying what to do.');
