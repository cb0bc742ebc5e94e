/**
 * Licenses made per second when the key stays in a PKCS#11 module: SoftHSM2 (Debian's
 * softhsm2) with a token of its own in a temporary folder, signing through the service's own
 * PKCS#11 signer (a module thread, pooled sessions, `CKM_RSA_PKCS`). Four signatures are kept
 * in flight, as a busy worker would. The rate is per second of wall time: the RSA work happens in
 * the module's thread (in a real HSM, in the device), so this process's CPU time says little.
 */
import {
  buildEmergencyLicense,
  defaultEmergencyLicenseSettings,
  generateSigningKeyPair,
  signLicense,
} from '../src/license/index.js';
import { openPkcs11Signer } from '../src/signing/pkcs11-signer.js';
import { createSoftHsmToken } from '../test/support/softhsm.js';

const IN_FLIGHT = 4;

/** null (with a note on stderr) when SoftHSM2 is not installed. */
export async function benchPkcs11(options: { seconds?: number } = {}): Promise<{
  pkcs11EncodePerSec: number | null;
}> {
  const seconds = options.seconds ?? 2;
  let token;
  try {
    token = createSoftHsmToken(generateSigningKeyPair(2048).privatePem);
  } catch (error) {
    process.stderr.write(
      `bench pkcs11: ${error instanceof Error ? error.message : String(error)}; no PKCS#11 figure.\n`,
    );
    return { pkcs11EncodePerSec: null };
  }
  const signer = await openPkcs11Signer(token.settings);
  try {
    const attributes = buildEmergencyLicense(
      {
        customerEmail: 'admin@customer.example',
        userCount: 250,
        at: new Date('2026-11-28T12:00:00Z'),
      },
      defaultEmergencyLicenseSettings,
    );
    const runFor = async (ms: number) => {
      const until = Date.now() + ms;
      let count = 0;
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (Date.now() < until) {
            await signLicense(attributes, signer);
            count += 1;
          }
        }),
      );
      return count;
    };
    await runFor(200);
    const started = process.hrtime.bigint();
    const count = await runFor(seconds * 1000);
    const elapsedSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const rate = Math.round((count / elapsedSeconds) * 10) / 10;
    process.stderr.write(`bench pkcs11: ${rate.toFixed(0)}/s through SoftHSM2\n`);
    return { pkcs11EncodePerSec: rate };
  } finally {
    await signer.close();
    token.remove();
  }
}
