import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadSigningKey, loadVerificationKey } from '../../src/license/index.js';
import { runInProcess, type CliResult } from '../support/cli.js';

const work = mkdtempSync(join(tmpdir(), 'lifeline-keys-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

function lifeline(args: string[]): Promise<CliResult> {
  return runInProcess(args);
}

describe('lifeline keys generate', () => {
  const out = join(work, 'keys');
  const privatePath = join(out, 'license_key.pem');
  const publicPath = join(out, 'license_key.pub');

  it('writes a private key readable by its owner only, and the matching public key', async () => {
    const result = await lifeline(['keys', 'generate', '--out', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '');
    assert.equal(statSync(privatePath).mode & 0o777, 0o600);
    const privatePem = readFileSync(privatePath, 'utf8');
    const signing = loadSigningKey(privatePem);
    const verification = loadVerificationKey(readFileSync(publicPath, 'utf8'));
    assert.equal(signing.fingerprint, verification.fingerprint);
    assert.equal(signing.privateKey.asymmetricKeyDetails?.modulusLength, 2048);
    assert.ok(result.stderr.includes(privatePath));
    assert.ok(result.stderr.includes(publicPath));
    assert.ok(result.stderr.includes(signing.fingerprint));
    // The private key itself is never printed.
    const body = privatePem.split('\n')[1]!;
    assert.ok(!result.stderr.includes(body));
  });

  it('refuses to replace existing keys without --force, leaving them as they were', async () => {
    const before = readFileSync(privatePath, 'utf8');
    const result = await lifeline(['keys', 'generate', '--out', out]);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^lifeline: .*already exists.*--force.*\n$/);
    assert.equal(readFileSync(privatePath, 'utf8'), before);
  });

  it('replaces them with --force, still mode 0600', async () => {
    const before = loadVerificationKey(readFileSync(publicPath, 'utf8')).fingerprint;
    const result = await lifeline(['keys', 'generate', '--out', out, '--force']);
    assert.equal(result.code, 0, result.stderr);
    const after = loadSigningKey(readFileSync(privatePath, 'utf8')).fingerprint;
    assert.notEqual(after, before);
    assert.equal(loadVerificationKey(readFileSync(publicPath, 'utf8')).fingerprint, after);
    assert.equal(statSync(privatePath).mode & 0o777, 0o600);
  });

  it('refuses a key size below 2048 bits with one line', async () => {
    const result = await lifeline([
      'keys',
      'generate',
      '--out',
      join(work, 'small'),
      '--bits',
      '1024',
    ]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^lifeline: .*2048.*\n$/);
  });
});
