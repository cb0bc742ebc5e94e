import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';

/**
 * Mail providers shared by unrelated people, beside the policy's own list (settings.ts): the
 * `email-providers` package's common list, a few hundred domains its maintainer keeps up
 * (t-online.de, orange.fr, naver.com, libero.it, comcast.net…). The policy's short list of the
 * best known missed them, so unrelated people at one of them counted as one customer for the
 * repeat rule, and a resend could go to a stranger there as if to a colleague. RFC 2606's
 * documentation domains are left out: they are no one's mail provider.
 *
 * Not part of the settings a decision records (it would add some 4 KB to each); the digest
 * below goes into the policy's version instead, so a decision says which list judged it.
 */
// Read with require: import attributes for JSON are dropped by the test build's compiler.
const commonProviders = createRequire(import.meta.url)('email-providers/common.json') as string[];
const providers = new Set(
  commonProviders
    .map((domain) => domain.trim().toLowerCase())
    .filter((domain) => !/^example\.(com|net|org)$/.test(domain)),
);

export function isKnownMailProvider(domain: string): boolean {
  return providers.has(domain);
}

/** 8 hex digits of the list's SHA-256, for the policy version. */
export const mailProvidersDigest = createHash('sha256')
  .update([...providers].sort().join('\n'))
  .digest('hex')
  .slice(0, 8);
