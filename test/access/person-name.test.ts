/**
 * A name that stands for a person cannot look like another person's name on screen and differ
 * to the code; names in one script, emails and usernames are names.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { personNameProblem } from '../../src/access/person-name.js';

describe('a person’s name', () => {
  for (const name of [
    'alice',
    'Ana García',
    'ana@vendor.example',
    'o’brien-smith',
    'Olivia',
    'Виктор',
    'Σοφία',
    '山田太郎',
    'zendesk-bridge',
  ])
    it(`takes ${name}`, () => assert.equal(personNameProblem(name.normalize('NFKC')), undefined));

  for (const [name, problem] of [
    ['alice\u200b', /invisible/],
    ['alice\u034f', /invisible/],
    ['alice\ufe0f', /invisible/],
    ['alice\udb40\udd00', /invisible/],
    ['alice\u17b4', /invisible/],
    ['alice\u115f', /invisible/],
    ['alice\u3164', /invisible/],
    ['alice\u2800', /invisible/],
    ['alice\nbob', /control/],
    ['alice\ud800', /surrogate/],
    ['\u0430lice', /mixes Latin and Cyrillic/],
    ['alic\u0435', /mixes Latin and Cyrillic/],
    ['\u03bflivia', /mixes Latin and Greek/],
    ['alice via bob', /"via"/],
    ['alice via', /"via"/],
    ['via alice', /"via"/],
    ['relay VIA slack', /"via"/],
  ] as const)
    it(`refuses ${JSON.stringify(name)}`, () =>
      assert.match(personNameProblem(name.normalize('NFKC')) ?? 'taken', problem));
});
