/**
 * A SoftHSM2 token of its own for a test or the benchmark: a configuration file and a token
 * directory in a fresh temporary folder (SOFTHSM2_CONF points there, never at the system's
 * tokens), initialised with softhsm2-util and holding one RSA key imported from a PEM. SoftHSM
 * comes from Debian's `softhsm2` package, which `.ci/run` installs; without it this fails and
 * says so, rather than letting the PKCS#11 tests pass unseen.
 */
import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pkcs11Settings } from '../../src/signing/pkcs11-settings.js';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
const SOFTHSM_UTIL = '/usr/bin/softhsm2-util';

export interface SoftHsmToken {
  settings: Pkcs11Settings;
  /** The environment a service needs to sign with this token. */
  env: Record<string, string>;
  directory: string;
  remove(): void;
}

export function requireSoftHsm(): void {
  for (const path of [SOFTHSM_MODULE, SOFTHSM_UTIL]) {
    if (!existsSync(path)) {
      throw new Error(
        `${path} is missing: install SoftHSM2 (apt-get install -y softhsm2; .ci/run does) to run the PKCS#11 tests.`,
      );
    }
  }
}

/**
 * Makes the token and imports `privatePem` (PKCS#1 or PKCS#8) as `keyLabel`. SOFTHSM2_CONF is
 * set in this process: the module reads it when it is initialised, in whichever thread.
 */
export function createSoftHsmToken(
  privatePem: string,
  options: { tokenLabel?: string; keyLabel?: string; pin?: string } = {},
): SoftHsmToken {
  requireSoftHsm();
  const directory = mkdtempSync(join(tmpdir(), 'lifeline-softhsm-'));
  const tokens = join(directory, 'tokens');
  mkdirSync(tokens);
  const conf = join(directory, 'softhsm2.conf');
  writeFileSync(
    conf,
    `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`,
  );
  process.env.SOFTHSM2_CONF = conf;
  const tokenLabel = options.tokenLabel ?? 'lifeline-test';
  const keyLabel = options.keyLabel ?? 'license-signing';
  const pin = options.pin ?? 'lifeline-test-pin-4711';
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  const util = (args: string[]) =>
    execFileSync(SOFTHSM_UTIL, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  util(['--init-token', '--free', '--label', tokenLabel, '--so-pin', '13579111', '--pin', pin]);
  const pkcs8 = join(directory, 'import.pem');
  writeFileSync(pkcs8, createPrivateKey(privatePem).export({ type: 'pkcs8', format: 'pem' }), {
    mode: 0o600,
  });
  util(['--import', pkcs8, '--token', tokenLabel, '--label', keyLabel, '--id', '01', '--pin', pin]);
  // The ceremony: the file copy is gone once the key is in the token.
  rmSync(pkcs8);
  const settings: Pkcs11Settings = { module: SOFTHSM_MODULE, tokenLabel, keyLabel, pin };
  return {
    settings,
    directory,
    env: {
      SOFTHSM2_CONF: conf,
      LIFELINE_SIGNING_PKCS11_MODULE: SOFTHSM_MODULE,
      LIFELINE_SIGNING_PKCS11_TOKEN_LABEL: tokenLabel,
      LIFELINE_SIGNING_PKCS11_KEY_LABEL: keyLabel,
      LIFELINE_SIGNING_PKCS11_PIN: pin,
    },
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}
