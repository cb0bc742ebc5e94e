import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  decodeLicense,
  licenseLife,
  licensePeriod,
  licenseStatus,
  parseCalendarDate,
  preflightLicenseText,
  timeZone,
} from '../../license/index.js';
import { principalOf } from '../auth/authenticate.js';
import { answers, refusedWrite } from '../answers.js';
import { inspectAnswer, preflightAnswer } from '../answer-schemas.js';
import type { HttpContext } from '../http-context.js';

const license = z.string().min(1, 'license must not be empty').max(100_000);

const users = (field: string) =>
  z
    .number({ error: `${field} must be a number of users` })
    .int(`${field} must be a whole number`)
    .min(0, `${field} cannot be negative`)
    .max(2_000_000_000, `${field} is not a plausible number of users`);

const zone = (field: string) =>
  z
    .string()
    .max(64)
    .default('UTC')
    .superRefine((name, ctx) => {
      try {
        timeZone(name);
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          message: `${field}: ${error instanceof Error ? error.message : 'not a time zone'}`,
        });
      }
    })
    .transform((name) => timeZone(name));

const preflightBody = z
  .object({
    license,
    maximumUsers: users('maximumUsers'),
    billableUsers: users('billableUsers').optional(),
    at: z.iso
      .datetime({
        offset: true,
        error: 'at must be an ISO 8601 instant, e.g. 2026-12-05T18:00:00Z',
      })
      .refine((at) => parseCalendarDate(at.slice(0, 10)) !== undefined, 'at must be a real day')
      .optional(),
    gitlabTimeZone: zone('gitlabTimeZone'),
    serverTimeZone: zone('serverTimeZone'),
  })
  .strict()
  .refine((body) => body.billableUsers === undefined || body.billableUsers <= body.maximumUsers, {
    path: ['billableUsers'],
    message:
      'billableUsers cannot be above maximumUsers: GitLab computes Maximum users as the highest billable count so far',
  });

/**
 * The license inspector (any license, decoded with the evidence keys, with today's status, what
 * GitLab will do with it, and the name of the key that signed it: a license no key reads answers
 * WRONG_KEY, an unknown key), and the upload preflight (GitLab's own checks, src/license/gitlab-upload).
 */
export function licenseRoutes(ctx: HttpContext): FastifyPluginCallbackZod {
  return (app, _options, done) => {
    app.post(
      '/api/v1/licenses/inspect',
      {
        schema: {
          summary: 'Decode a GitLab license and show its status today',
          tags: ['licenses'],
          body: z.object({ license }).strict(),
          response: answers({ 200: inspectAnswer }, refusedWrite),
        },
      },
      (request) => {
        principalOf(request);
        const result = decodeLicense(request.body.license, ctx.evidenceKeys);
        if (!result.ok) return { ok: false as const, error: result.error };
        return {
          ok: true as const,
          keyFingerprint: result.key.fingerprint,
          /** The evidence key's name ("production", "test"), null when it has none. */
          keyName: result.key.label ?? null,
          status: licenseStatus(result.license, ctx.clock.today(), ctx.policy.gracePeriodDays),
          period: licensePeriod(result.license),
          life: licenseLife(result.license),
          license: JSON.parse(result.json) as unknown,
        };
      },
    );
    app.post(
      '/api/v1/licenses/preflight',
      {
        schema: {
          summary:
            'Say whether a GitLab EE instance accepts this license at upload, and for how long',
          description:
            'GitLab’s own checks (key and format, seats against the Maximum users, expiry) with its two clocks: the license has started by GitLab’s time zone and expires at 00:00 server time. 200 either way; `accepted` says which, and `message` is GitLab’s own refusal.',
          tags: ['licenses'],
          body: preflightBody,
          response: answers({ 200: preflightAnswer }, refusedWrite),
        },
      },
      (request) => {
        principalOf(request);
        const body = request.body;
        return preflightLicenseText(body.license, ctx.evidenceKeys, {
          seats: {
            maximumUsers: body.maximumUsers,
            ...(body.billableUsers !== undefined && { billableUsers: body.billableUsers }),
          },
          atMs: body.at === undefined ? ctx.clock.moment().getTime() : Date.parse(body.at),
          gitlabTimeZone: body.gitlabTimeZone,
          serverTimeZone: body.serverTimeZone,
        });
      },
    );
    done();
  };
}
