import { z } from 'zod';
import { personNameProblem } from '../access/person-name.js';
import type { EvidenceInput } from '../policy/index.js';
import { integerColumnMax, integerColumnMin } from '../store/column-bounds.js';

/**
 * What an engineer submits, from the sidebar app, the console, the CLI or the API. One schema
 * serves all of them and the OpenAPI document. Shape errors are caught here (400); whether the
 * values make the customer eligible is the policy's call (422, recorded).
 */
const plan = z.enum(['starter', 'premium', 'ultimate'], {
  error: 'plan must be one of starter, premium, ultimate',
});

/**
 * A ticket id: the ticket's number, or a short id of letters, digits, `_` and `-` (a `#` before
 * it is dropped). Nothing else: the id is written into the tracker issue, the Slack notice, the
 * ticket note and the customer's email, where a line break or markup would be a way in.
 */
const ticketIdSentence =
  'ticket.id must be the ticket number, or a ticket id of at most 64 letters, digits, "_" or "-" (no spaces or line breaks)';

export const ticketSchema = z
  .object({
    id: z
      .union(
        [
          z
            .string()
            .trim()
            .transform((id) => id.replace(/^#/, ''))
            .pipe(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: ticketIdSentence })),
          z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
        ],
        { error: ticketIdSentence },
      )
      .transform(String),
    // The URL parser silently drops line breaks and tabs, so they are refused before it runs.
    url: z
      .string({ error: 'ticket.url must be the http(s) address of the ticket' })
      // eslint-disable-next-line no-control-regex -- control characters are what it refuses
      .regex(/^[^\s\u0000-\u001f\u007f-\u009f]*$/, {
        error:
          'ticket.url must be the http(s) address of the ticket, without spaces or line breaks',
      })
      .pipe(
        z.url({
          protocol: /^https?$/,
          error: 'ticket.url must be the http(s) address of the ticket',
        }),
      ),
  })
  .strict();

/**
 * A user card of Admin Area › Subscription. Bounded to what an int4 column holds, which is far
 * above any instance.
 */
function usersCard(field: string, card: string) {
  return z
    .number({
      error: `${field} must be the number on the "${card}" card of the customer's Admin Area › Subscription page`,
    })
    .int(`${field} must be a whole number`)
    .min(0, `${field} cannot be negative`)
    .max(2_000_000_000, `${field} is not a plausible number of users`);
}

const screenshotFields = ['plan', 'expiredOn', 'licensedUsers', 'screenshotsAttached'] as const;

export const evidenceSchema = z
  .object({
    licenseFile: z.string().trim().min(1).max(100_000).optional(),
    plan: plan.optional(),
    trial: z.boolean().optional(),
    expiredOn: z.iso.date({ error: 'expiredOn must be a date as YYYY-MM-DD' }).optional(),
    licensedUsers: z
      .number({ error: 'licensedUsers must be a number' })
      .int('licensedUsers must be a whole number')
      .min(1, 'licensedUsers must be at least 1')
      .max(integerColumnMax, `licensedUsers must be at most ${integerColumnMax}`)
      .optional(),
    screenshotsAttached: z
      .boolean({ error: 'screenshotsAttached must be true or false' })
      .optional(),
    // Optional here only so that a missing one is listed beside the other missing fields.
    maximumUsers: usersCard('maximumUsers', 'Maximum users').optional(),
    billableUsers: usersCard('billableUsers', 'Billable users').optional(),
  })
  .strict()
  .superRefine((evidence, ctx) => {
    if (evidence.maximumUsers === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['maximumUsers'],
        message: `maximumUsers is required: the number on the "Maximum users" card of the customer's Admin Area › Subscription page (GitLab checks the seats against it)`,
      });
    } else if (
      evidence.billableUsers !== undefined &&
      evidence.billableUsers > evidence.maximumUsers
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['billableUsers'],
        message:
          'billableUsers cannot be above maximumUsers: GitLab computes Maximum users as the highest billable count so far, so one of the two was misread',
      });
    }
    if (evidence.licenseFile !== undefined) return;
    const missing = screenshotFields.filter((field) => evidence[field] === undefined);
    // None at all: the license file attached to the ticket is the evidence (read from Zendesk).
    if (missing.length === screenshotFields.length) return;
    for (const field of missing) {
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: `${field} is required when no license file is given (the values read from the customer's screenshots)`,
      });
    }
  })
  .transform((evidence): EvidenceInput => {
    const usage = {
      maximumUsers: evidence.maximumUsers ?? 0,
      ...(evidence.billableUsers !== undefined && { billableUsers: evidence.billableUsers }),
    };
    if (evidence.licenseFile !== undefined) {
      return {
        ...usage,
        licenseFile: evidence.licenseFile,
        ...(evidence.plan && { plan: evidence.plan }),
        ...(evidence.expiredOn && { expiredOn: evidence.expiredOn }),
        ...(evidence.licensedUsers !== undefined && { licensedUsers: evidence.licensedUsers }),
      };
    }
    if (screenshotFields.every((field) => evidence[field] === undefined)) {
      return { ...usage, fromTicket: true };
    }
    return {
      ...usage,
      plan: evidence.plan ?? 'starter',
      ...(evidence.trial !== undefined && { trial: evidence.trial }),
      expiredOn: evidence.expiredOn ?? '',
      licensedUsers: evidence.licensedUsers ?? 0,
      screenshotsAttached: evidence.screenshotsAttached ?? false,
    };
  });

/**
 * The person an integration asks for: compared with the approver (no one approves their own
 * request) and counted for their daily cap, so it must be a name that cannot look like someone
 * else's (access/person-name.ts), in NFKC form.
 */
export const requesterNameSchema = z
  .string()
  .trim()
  .min(1, 'requestedBy must name the person asking')
  .max(120, 'requestedBy must be at most 120 characters')
  .transform((name) => name.normalize('NFKC'))
  .superRefine((name, context) => {
    const problem = personNameProblem(name);
    if (problem)
      context.addIssue({
        code: 'custom',
        message: `requestedBy must be one person's name: it ${problem}`,
      });
  });

export const submissionSchema = z
  .object({
    ticket: ticketSchema,
    requestedBy: requesterNameSchema.optional(),
    customerEmail: z
      .email({ error: "customerEmail must be the customer's email address" })
      .max(254)
      .transform((email) => email.trim().toLowerCase()),
    // Fractions, zero and negatives pass here so the policy records them with its sentence;
    // what no column can hold is not a number of users anyone meant.
    userCount: z
      .number({ error: 'userCount must be a number' })
      .finite()
      .min(integerColumnMin, `userCount must be a number of users (at most ${integerColumnMax})`)
      .max(integerColumnMax, `userCount must be a number of users (at most ${integerColumnMax})`),
    evidence: evidenceSchema,
    note: z.string().max(2_000).optional(),
  })
  .strict();

export type Submission = z.output<typeof submissionSchema>;
export type SubmissionInput = z.input<typeof submissionSchema>;

/** Where a submission came from, and who is asking. */
export interface Requester {
  /** The engineer's username; a known caller overrides what the body says. */
  name: string;
  /** `batch`: a row of a batch file (src/batches/), asked by the approver who started it. */
  origin: 'api' | 'console' | 'zendesk' | 'cli' | 'batch';
}
