import * as oidc from 'openid-client';
import { hasClaim, isLoopback, type OidcSettings } from './oidc-settings.js';

/** What the browser is sent to the provider with, and what its return is checked against. */
export interface OidcChallenge {
  authorizationUrl: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface OidcIdentity {
  issuer: string;
  subject: string;
  /** What the console and the audit log call the person. */
  name: string;
  /** The ID token's claims, with the userinfo answer's when the role claim was not in it. */
  claims: Record<string, unknown>;
}

/** The provider could not be reached or answered nonsense: not the person's fault. */
export class IdentityProviderUnavailable extends Error {
  override readonly name = 'IdentityProviderUnavailable';
}

/** The provider's answer did not prove who came back: wrong audience, replayed code, bad signature. */
export class SignInNotProven extends Error {
  override readonly name = 'SignInNotProven';
}

/**
 * The console's OpenID Connect client (openid-client): authorization code with PKCE (S256),
 * state and nonce; the ID token's signature checked with the issuer's published keys (fetched
 * from its discovery document, refreshed by openid-client when the key id changes), its
 * issuer, audience, expiry and nonce checked too.
 *
 * Discovery happens at the first sign-in, not at start, so a provider that is down does not
 * stop the service; a failed discovery is tried again at the next sign-in.
 */
export class OidcClient {
  private discovered: Promise<oidc.Configuration> | undefined;

  constructor(private readonly settings: OidcSettings) {}

  private configuration(): Promise<oidc.Configuration> {
    this.discovered ??= oidc
      .discovery(
        new URL(this.settings.issuer),
        this.settings.clientId,
        undefined,
        this.settings.clientSecret
          ? oidc.ClientSecretBasic(this.settings.clientSecret)
          : oidc.None(),
        {
          // Plain http only for a provider on this machine (config.ts refuses it elsewhere).
          ...(isLoopback(this.settings.issuer) && { execute: [oidc.allowInsecureRequests] }),
          timeout: 10,
        },
      )
      .catch((error: unknown) => {
        this.discovered = undefined;
        throw new IdentityProviderUnavailable(
          `The identity provider (${this.settings.issuer}) did not answer its discovery document: ${messageOf(error)}`,
        );
      });
    return this.discovered;
  }

  async challenge(): Promise<OidcChallenge> {
    const config = await this.configuration();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.settings.redirectUrl,
      scope: this.settings.scopes,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { authorizationUrl: url.href, state, nonce, codeVerifier };
  }

  /**
   * Exchanges the code the browser brought back (its query, as received) and checks the answer.
   * Throws SignInNotProven with openid-client's own reason when any check fails.
   */
  async identify(
    query: string,
    expected: { state: string; nonce: string; codeVerifier: string },
  ): Promise<OidcIdentity> {
    const config = await this.configuration();
    const callbackUrl = new URL(this.settings.redirectUrl);
    callbackUrl.search = query;
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: expected.codeVerifier,
        expectedState: expected.state,
        expectedNonce: expected.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      throw classify(error);
    }
    const idClaims = tokens.claims();
    if (!idClaims) throw new SignInNotProven('The provider sent no ID token.');
    let claims: Record<string, unknown> = { ...idClaims };
    if (!hasClaim(claims, this.settings.roleClaim) && config.serverMetadata().userinfo_endpoint) {
      // Many providers (and the standard, for the code flow) put profile claims in the userinfo
      // answer only; it must be about the same subject as the ID token.
      try {
        const info = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
        claims = { ...info, ...idClaims };
      } catch (error) {
        throw classify(error);
      }
    }
    const name = [claims.preferred_username, claims.email, claims.name].find(
      (value): value is string => typeof value === 'string' && value.trim() !== '',
    );
    return {
      issuer: idClaims.iss,
      subject: idClaims.sub,
      name: (name ?? idClaims.sub).trim().slice(0, 120),
      claims,
    };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A network failure is the provider's; anything else means the answer proved nothing. */
function classify(error: unknown): Error {
  if (error instanceof oidc.ResponseBodyError)
    return new SignInNotProven(
      `the provider refused the code (${error.error}${error.error_description ? `: ${error.error_description}` : ''})`,
    );
  if (error instanceof oidc.AuthorizationResponseError)
    return new SignInNotProven(
      `the provider answered ${error.error}${error.error_description ? `: ${error.error_description}` : ''}`,
    );
  if (error instanceof TypeError || (error as { code?: unknown } | null)?.code === 'OAUTH_TIMEOUT')
    return new IdentityProviderUnavailable(
      `The identity provider did not answer: ${messageOf(error)}`,
    );
  // openid-client's message is general ("unexpected JWT claim value encountered"); the cause
  // says which check failed (`unexpected JWT "aud" (audience) claim value`).
  const cause = error instanceof Error ? error.cause : undefined;
  return new SignInNotProven(
    cause instanceof Error ? `${messageOf(error)}: ${cause.message}` : messageOf(error),
  );
}
