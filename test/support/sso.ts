/**
 * A Lifeline whose console signs in with the in-process identity provider, and the steps a
 * browser takes through the provider's login form, for the single sign-on tests.
 */
import { onFreePort } from '../browser/support/free-port.js';
import type { Clock } from '../../src/clock.js';
import type { CookieAgent } from './cookie-agent.js';
import type { TestDatabase } from './databases.js';
import { startIdentityProvider, type TestIdentityProvider } from './oidc-provider.js';
import { startTestService, type TestService } from './service.js';

export const roleMap = 'lifeline-engineers=engineer,licensing=approver,lifeline-admins=admin';

export interface SsoSetup {
  idp: TestIdentityProvider;
  lifeline: TestService;
  callbackUrl: string;
  stop(): Promise<void>;
}

export async function startSsoSetup(
  options: {
    database?: TestDatabase;
    env?: Record<string, string>;
    clock?: Clock;
    logs?: { write(line: string): void };
  } = {},
): Promise<SsoSetup> {
  return onFreePort(async (port) => {
    const publicUrl = `http://127.0.0.1:${port}`;
    const callbackUrl = `${publicUrl}/auth/oidc/callback`;
    const idp = await startIdentityProvider(callbackUrl);
    let lifeline: TestService;
    try {
      lifeline = await startTestService(
        {
          LIFELINE_PORT: String(port),
          LIFELINE_PUBLIC_URL: publicUrl,
          LIFELINE_OIDC_ISSUER: idp.issuer,
          LIFELINE_OIDC_CLIENT_ID: idp.clientId,
          LIFELINE_OIDC_CLIENT_SECRET: idp.clientSecret,
          LIFELINE_OIDC_SCOPES: 'openid profile email groups',
          LIFELINE_OIDC_ROLE_MAP: roleMap,
          LIFELINE_RATE_LIMIT_PER_MINUTE: '100000',
          ...options.env,
        },
        {
          ...(options.database && { database: options.database }),
          ...(options.clock && { clock: options.clock }),
          ...(options.logs && { logs: options.logs }),
        },
      );
    } catch (error) {
      await idp.stop();
      throw error;
    }
    return {
      idp,
      lifeline,
      callbackUrl,
      async stop() {
        await lifeline.stop();
        await idp.stop();
      },
    };
  });
}

/**
 * From a redirect to the provider's authorization endpoint, through its login form as `user`,
 * to the redirect back: returns where the provider sends the browser (not yet followed).
 */
export async function throughProvider(
  agent: CookieAgent,
  authorizationUrl: string,
  user: string,
  backTo: string,
): Promise<string> {
  const returning = (url: string) => url.startsWith(backTo);
  const form = await agent.follow(authorizationUrl, returning);
  if (form.location) return form.location; // already signed in at the provider
  const action = /action="([^"]+)"/.exec(form.text)?.[1];
  if (!action)
    throw new Error(`no login form at the provider: ${form.status} ${form.text.slice(0, 200)}`);
  const submitted = await agent.fetch(new URL(action, authorizationUrl).href, {
    form: { prompt: 'login', login: user, password: 'any password' },
  });
  if (!submitted.location) throw new Error(`the provider did not redirect: ${submitted.status}`);
  const back = returning(submitted.location)
    ? submitted
    : await agent.follow(submitted.location, returning);
  if (!back.location || !returning(back.location))
    throw new Error(
      `the provider did not send the browser back: ${back.status} ${back.text.slice(0, 300)}`,
    );
  return back.location;
}

/** Starts a sign-in at Lifeline and goes through the provider: returns the callback URL. */
export async function signInAtProvider(
  agent: CookieAgent,
  setup: SsoSetup,
  user: string,
): Promise<string> {
  const start = await agent.fetch(`${setup.lifeline.url}/auth/oidc/start`);
  if (start.status !== 303 || !start.location)
    throw new Error(`/auth/oidc/start answered ${start.status}: ${start.text.slice(0, 200)}`);
  return throughProvider(agent, start.location, user, setup.callbackUrl);
}
