/** Passwords people guess first are refused, the account's own name counts against one. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { passwordProblem } from '../../src/access/password-strength.js';

describe('password strength', () => {
  it('refuses the passwords an attacker tries first', async () => {
    for (const password of ['password12', 'aaaaaaaaaa', 'qwertyuiop', '1234567890', 'iloveyou2026'])
      assert.match((await passwordProblem(password, 'sam')) ?? '', /too easy to guess/, password);
    assert.match((await passwordProblem('short', 'sam')) ?? '', /at least 10 characters/);
  });

  it('counts the account’s own name against the password', async () => {
    assert.equal(await passwordProblem('zephyrquill42', 'robin'), undefined);
    assert.match(
      (await passwordProblem('zephyrquill42', 'zephyrquill')) ?? '',
      /too easy to guess/,
    );
    assert.match((await passwordProblem('mercatorvault', 'mercator.vault')) ?? '', /too easy/);
  });

  it('accepts a few unrelated words', async () => {
    assert.equal(await passwordProblem('correct horse battery staple', 'sam'), undefined);
  });
});
