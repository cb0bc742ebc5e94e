/** The single sign-on settings: the role map, the claim it reads, and what stops the service at start. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRoleMap, roleFromClaims } from '../../src/access/oidc-settings.js';
import { loadConfig } from '../../src/config.js';

const sso = {
  LIFELINE_PUBLIC_URL: 'https://lifeline.example.com',
  LIFELINE_OIDC_ISSUER: 'https://login.example.com',
  LIFELINE_OIDC_CLIENT_ID: 'lifeline-console',
  LIFELINE_OIDC_CLIENT_SECRET: 'the client secret, never to be shown',
  LIFELINE_OIDC_ROLE_MAP: 'lifeline-engineers=engineer,licensing=approver,lifeline-admins=admin',
};

describe('single sign-on settings', () => {
  it('reads the role map in order; the first value the claim holds decides', () => {
    const roleMap = parseRoleMap(sso.LIFELINE_OIDC_ROLE_MAP);
    assert.deepEqual(roleMap[1], { value: 'licensing', role: 'approver' });
    const settings = { roleClaim: 'groups', roleMap };
    assert.equal(
      roleFromClaims({ groups: ['lifeline-admins', 'licensing'] }, settings),
      'approver',
    );
    assert.equal(roleFromClaims({ groups: 'lifeline-engineers' }, settings), 'engineer');
    assert.equal(roleFromClaims({ groups: ['marketing'] }, settings), undefined);
    assert.equal(roleFromClaims({}, settings), undefined);
    assert.equal(
      roleFromClaims(
        { realm_access: { roles: ['licensing'] } },
        { roleClaim: 'realm_access.roles', roleMap },
      ),
      'approver',
    );
  });

  it('refuses a role map that gives the service role or is not VALUE=ROLE', () => {
    assert.throws(() => parseRoleMap('bots=service'), /a service uses a token, not SSO/);
    assert.throws(() => parseRoleMap('licensing'), /"licensing" is not VALUE=ROLE/);
    assert.throws(() => parseRoleMap(' , '), /at least one VALUE=ROLE/);
  });

  it('derives the redirect URL from the public URL, and keeps the secret out of errors', () => {
    const config = loadConfig(sso);
    assert.equal(config.oidc?.redirectUrl, 'https://lifeline.example.com/auth/oidc/callback');
    assert.equal(config.oidc?.roleClaim, 'groups');
    assert.equal(config.localAccounts, true);
    assert.throws(
      () => loadConfig({ ...sso, LIFELINE_OIDC_ROLE_MAP: 'bots=service' }),
      (error: Error) =>
        /LIFELINE_OIDC_ROLE_MAP: "bots=service"/.test(error.message) &&
        !error.message.includes(sso.LIFELINE_OIDC_CLIENT_SECRET),
    );
  });

  it('stops the service at start when the settings do not belong together', () => {
    const { LIFELINE_OIDC_ROLE_MAP: _map, ...withoutMap } = sso;
    assert.throws(() => loadConfig(withoutMap), /LIFELINE_OIDC_ROLE_MAP is needed/);
    const { LIFELINE_PUBLIC_URL: _url, ...withoutUrl } = sso;
    assert.throws(
      () => loadConfig(withoutUrl),
      /needs LIFELINE_PUBLIC_URL or LIFELINE_OIDC_REDIRECT_URL/,
    );
    assert.throws(
      () => loadConfig({ ...sso, LIFELINE_OIDC_ISSUER: 'http://login.example.com' }),
      /LIFELINE_OIDC_ISSUER must be https:\/\//,
    );
    assert.throws(
      () => loadConfig({ LIFELINE_OIDC_CLIENT_ID: 'lifeline-console' }),
      /LIFELINE_OIDC_ISSUER is needed/,
    );
    assert.throws(
      () => loadConfig({ ...sso, LIFELINE_LOCAL_ACCOUNTS: 'maybe' }),
      /LIFELINE_LOCAL_ACCOUNTS must be on or off/,
    );
  });
});
