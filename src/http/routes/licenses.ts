import type { FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { decodeLicense, licenseStatus } from '../../license/index.js';
import { principalOf } from '../auth/authenticate.js';
import type { HttpContext } from '../http-context.js';

/**
 * The license inspector: any license, decoded with the evidence keys, with today's status and
 * the name of the key that signed it (a license no key reads answers WRONG_KEY: an unknown key).
 */
export function licenseRoutes(ctx: HttpContext): FastifyPluginCallbackZod {
  return (app, _options, done) => {
    app.post(
      '/api/v1/licenses/inspect',
      {
        schema: {
          summary: 'Decode a GitLab license and show its status today',
          tags: ['licenses'],
          body: z
            .object({ license: z.string().min(1, 'license must not be empty').max(100_000) })
            .strict(),
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
          license: JSON.parse(result.json) as unknown,
        };
      },
    );
    done();
  };
}
