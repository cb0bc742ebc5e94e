import { ApiFailure, type Transport } from '../shared/api.js';
import type { ZafClient, ZafResponse } from './zaf.js';

export interface AppIdentity {
  /** The Lifeline URL from the app's settings, without a trailing slash: the JWT's audience. */
  lifelineUrl: string;
  /** The Zendesk account's URL (`https://SUBDOMAIN.zendesk.com`): the JWT's issuer. */
  accountUrl: string;
  agent: { id: string; email: string; name: string };
  ticketId: string;
}

/** Seconds a signed call stays valid; the service refuses more than an hour. */
const tokenLifetimeSeconds = 300;

/**
 * Calls Lifeline through Zendesk's proxy (`cors: false`): Zendesk signs a short JWT with the
 * app's secure shared secret, which the app itself never sees, and puts it where
 * `{{jwt.token}}` stands. The claims name the agent and the ticket; `iss` and `aud` tie the token
 * to this Zendesk account and this Lifeline (src/access/zendesk-app-token.ts checks them).
 */
export function zendeskTransport(client: ZafClient, identity: AppIdentity): Transport {
  return async ({ method, path, body, headers }) => {
    const options = {
      url: `${identity.lifelineUrl}${path}`,
      type: method,
      contentType: 'application/json',
      ...(body !== undefined && { data: JSON.stringify(body) }),
      headers: { Authorization: 'Bearer {{jwt.token}}', Accept: 'application/json', ...headers },
      jwt: {
        algorithm: 'HS256' as const,
        secret_key: '{{setting.shared_secret}}',
        expiry: tokenLifetimeSeconds,
        claims: {
          iss: identity.accountUrl,
          aud: identity.lifelineUrl,
          sub: identity.agent.id,
          agent_email: identity.agent.email,
          agent_name: identity.agent.name,
          ticket_id: identity.ticketId,
        },
      },
      secure: true,
      cors: false,
      dataType: 'json' as const,
      httpCompleteResponse: true,
      timeout: 20_000,
    };
    try {
      return answerOf((await client.request(options)) as ZafResponse);
    } catch (failure) {
      // ZAF rejects with the response itself on an HTTP error status.
      if (
        typeof failure === 'object' &&
        failure !== null &&
        typeof (failure as ZafResponse).status === 'number' &&
        (failure as ZafResponse).status > 0
      ) {
        return answerOf(failure as ZafResponse);
      }
      throw new ApiFailure(0, 'NOT_SENT', describe(failure));
    }
  };
}

/** A refused signature is a setup problem in the sidebar, so the answer says what to compare. */
const refusedSignature =
  'Lifeline refused this app’s signature. Ask a Zendesk admin to check that the app’s “Shared secret” equals LIFELINE_ZENDESK_APP_SECRET on the service, that its “Lifeline URL” is the service’s LIFELINE_PUBLIC_URL, and that LIFELINE_ZENDESK_APP_ISSUER names this Zendesk.';

function answerOf(response: ZafResponse): { status: number; body: unknown } {
  let body: unknown = response.responseJSON;
  if (body === undefined) {
    try {
      body = response.responseText ? JSON.parse(response.responseText) : undefined;
    } catch {
      body = response.responseText;
    }
  }
  if (response.status === 401) {
    return { status: 401, body: { error: { code: 'UNAUTHENTICATED', message: refusedSignature } } };
  }
  return { status: response.status, body };
}

function describe(failure: unknown): string {
  const reason =
    failure instanceof Error
      ? failure.message
      : typeof failure === 'object' && failure !== null && 'statusText' in failure
        ? String(failure.statusText)
        : 'no answer';
  return `Zendesk did not pass the call on to Lifeline (${reason}). The Lifeline host must be in the app’s domain whitelist: package the app with LIFELINE_PUBLIC_URL set (npm run zendesk:package).`;
}
