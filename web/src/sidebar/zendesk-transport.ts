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
      const why = whyNotAnswered(failure);
      throw new ApiFailure(0, why.code, why.message);
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
  const fromLifeline = typeof body === 'object' && body !== null && 'error' in body;
  if ([502, 503, 504].includes(response.status) && !fromLifeline) {
    // The proxy answered for a Lifeline that did not: the service is down, not the app's setup.
    return {
      status: response.status,
      body: { error: { code: 'LIFELINE_DOWN', message: lifelineDown(`HTTP ${response.status}`) } },
    };
  }
  return { status: response.status, body };
}

const lifelineDown = (reason: string) =>
  `Lifeline did not answer (${reason}): the service is down or overloaded. Try again in a minute; if it stays down, tell whoever runs Lifeline (\`lifeline doctor\` says what is wrong) and meanwhile ask the licensing team in #support_licensing-subscription.`;

/**
 * Why a call got no answer from Lifeline, in three cases that need three different people: a
 * timeout (Lifeline slow or down: try again), the proxy refusing the call (the app's package or
 * settings: a Zendesk admin), and no answer at all (Lifeline unreachable).
 */
export function whyNotAnswered(failure: unknown): { code: string; message: string } {
  const reason =
    failure instanceof Error
      ? failure.message
      : typeof failure === 'object' && failure !== null && 'statusText' in failure
        ? String(failure.statusText)
        : 'no answer';
  if (/^timeout$/i.test(reason) || /timed? ?out/i.test(reason)) {
    return {
      code: 'TIMEOUT',
      message: `Lifeline did not answer within 20 seconds. It may be busy or down: try again in a minute. Nothing is sent twice by trying again.`,
    };
  }
  if (/whitelist|secure setting|proxy error|not allowed|forbidden host/i.test(reason)) {
    return {
      code: 'PROXY_REFUSED',
      message: `Zendesk did not pass the call on to Lifeline (${reason}). The Lifeline host must be in the app’s domain whitelist: ask a Zendesk admin to upload the app packaged with LIFELINE_PUBLIC_URL set (npm run zendesk:package).`,
    };
  }
  return { code: 'UNREACHABLE', message: lifelineDown(reason) };
}
