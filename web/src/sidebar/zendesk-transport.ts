import type { Transport } from '../shared/api.js';
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
      throw failure instanceof Error ? failure : new Error(describe(failure));
    }
  };
}

function answerOf(response: ZafResponse): { status: number; body: unknown } {
  if (response.responseJSON !== undefined)
    return { status: response.status, body: response.responseJSON };
  try {
    return {
      status: response.status,
      body: response.responseText ? JSON.parse(response.responseText) : undefined,
    };
  } catch {
    return { status: response.status, body: response.responseText };
  }
}

function describe(failure: unknown): string {
  if (typeof failure === 'object' && failure !== null && 'statusText' in failure)
    return String(failure.statusText);
  return 'the Zendesk proxy gave no answer';
}
