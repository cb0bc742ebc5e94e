import type { Principal } from '../access/principal.js';
import type { Requester } from '../requests/submission.js';
import { ApiError } from './api-error.js';
import { requireAction } from './auth/authorize.js';

/**
 * Who is recorded as asking: always the authenticated person (the token's owner, the console
 * user, the Zendesk agent). Only a `service` token, an integration acting for people, names the
 * person in `requestedBy`, and is recorded as "PERSON via TOKEN"; anyone else naming someone is
 * refused, and a service that names nobody too, since it acts for nobody of its own.
 */
export function requesterFor(principal: Principal, requestedBy: string | undefined): Requester {
  if (requestedBy !== undefined) requireAction(principal, 'actForSomeone');
  if (principal.kind === 'zendesk') return { name: principal.name, origin: 'zendesk' };
  if (principal.kind === 'session') return { name: principal.name, origin: 'console' };
  if (principal.role === 'service') {
    if (!requestedBy)
      throw new ApiError(
        'VALIDATION_FAILED',
        'A service token acts for a person: name them in requestedBy.',
        [{ field: 'body.requestedBy', message: 'required for a service token' }],
      );
    return {
      name: `${requestedBy} via ${principal.tokenName ?? principal.credential}`,
      origin: 'api',
    };
  }
  return { name: principal.name, origin: 'api' };
}
