/**
 * A real OpenID Connect provider (`oidc-provider`, the certified implementation) running
 * in-process on a local port, for the single sign-on tests. Its login form (the library's own
 * development form) takes any user name; the groups each user is in are the test's to change.
 * Consent is granted at once, as a company's identity provider does for its own applications.
 *
 * `replaceNextIdToken` makes the token endpoint answer the next exchange with another ID token
 * (one the same issuer signed, for another client): a provider that was tricked, or a token
 * swapped on the way, which the client must refuse.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';

export interface TestIdentityProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** A second client registered with the same provider: its ID tokens are not for Lifeline. */
  otherClient: { id: string; secret: string; redirectUri: string };
  /** The groups claim per user (absent: the user is in no group). */
  groups: Map<string, string[]>;
  /** Answer the next token exchange with this ID token in place of the real one. */
  replaceNextIdToken(idToken: string): void;
  /** Token exchanges answered so far (a replayed code is refused by the provider too). */
  tokenExchanges(): number;
  stop(): Promise<void>;
}

export async function startIdentityProvider(redirectUri: string): Promise<TestIdentityProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const groups = new Map<string, string[]>();
  const clientId = 'lifeline-console';
  const clientSecret = 'a client secret that is long enough for HS256 use';
  const otherClient = {
    id: 'another-application',
    secret: 'another client secret, also long enough for HS256',
    redirectUri: `${issuer}/elsewhere/callback`,
  };
  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
      {
        client_id: otherClient.id,
        client_secret: otherClient.secret,
        redirect_uris: [otherClient.redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    pkce: { required: () => true },
    scopes: ['openid', 'profile', 'email', 'groups'],
    claims: {
      openid: ['sub'],
      profile: ['preferred_username', 'name'],
      email: ['email'],
      groups: ['groups'],
    },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({
        sub,
        preferred_username: sub,
        name: sub,
        email: `${sub}@example.com`,
        ...(groups.has(sub) && { groups: groups.get(sub) }),
      }),
    }),
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const accountId = ctx.oidc.session?.accountId;
      const client = ctx.oidc.client;
      if (!accountId || !client) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId });
      grant.addOIDCScope('openid profile email groups');
      await grant.save();
      return grant;
    },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['test cookie key for the in-process provider'] },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: 600,
      Interaction: 600,
      Session: 600,
      Grant: 600,
    },
  };
  const provider = new Provider(issuer, configuration);
  // The development login form and keys are what this provider is for: no warnings in the output.
  provider.on('server_error', (_ctx, error) => console.error('oidc-provider:', error));
  const handle = provider.callback();

  let replacement: string | undefined;
  let exchanges = 0;
  server.on('request', (request, response) => {
    if (request.method === 'POST' && request.url?.startsWith('/token')) {
      exchanges += 1;
      const swap = replacement;
      replacement = undefined;
      if (swap) {
        const end = response.end.bind(response);
        response.end = ((chunk: unknown, ...rest: unknown[]) => {
          if (
            response.statusCode === 200 &&
            (typeof chunk === 'string' || Buffer.isBuffer(chunk))
          ) {
            const body = JSON.parse(chunk.toString()) as Record<string, unknown>;
            const text = JSON.stringify({ ...body, id_token: swap });
            response.setHeader('content-length', Buffer.byteLength(text));
            return end(text);
          }
          return end(chunk as string, ...(rest as []));
        }) as typeof response.end;
      }
    }
    void handle(request, response);
  });

  return {
    issuer,
    clientId,
    clientSecret,
    otherClient,
    groups,
    replaceNextIdToken(idToken) {
      replacement = idToken;
    },
    tokenExchanges: () => exchanges,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
