/**
 * The request's life has one writer: the rules are checked here as data, and every other file
 * in src/ is read to make sure none writes `requests.state` on its own.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  canMove,
  initialState,
  requestStates,
  statesMovingTo,
} from '../../src/requests/request-life.js';
import { sourceFiles } from '../support/source-files.js';

const lifeModule = 'src/requests/request-life.ts';

/** The text of each `updateTable('requests')` call chain, up to the call that runs it. */
function requestUpdates(text: string): string[] {
  const chains: string[] = [];
  for (const match of text.matchAll(/updateTable\(\s*['"]requests['"]\s*\)/g)) {
    const rest = text.slice(match.index);
    const end = rest.search(/\.execute(TakeFirst(OrThrow)?)?\(/);
    chains.push(end === -1 ? rest : rest.slice(0, end));
  }
  return chains;
}

/** A `state` column being set: `state:`, `state,` shorthand or `'state'`, not `cover_state`. */
const setsState = /(?<![\w.])(?:state\s*[:,}]|['"]state['"]\s*[:,])/;

describe('the request life', () => {
  it('moves only along the drawn arrows', () => {
    assert.deepEqual(statesMovingTo('failed').sort(), ['issuing', 'queued']);
    assert.deepEqual(statesMovingTo('rejected'), ['awaiting_approval']);
    assert.deepEqual(statesMovingTo('succeeded').sort(), ['failed', 'issuing']);
    assert.deepEqual(statesMovingTo('queued').sort(), ['awaiting_approval', 'failed']);
    assert.deepEqual(statesMovingTo('issuing').sort(), ['failed', 'queued']);
    for (const end of ['succeeded', 'rejected'] as const)
      for (const to of requestStates) assert.equal(canMove(end, to), false, `${end} → ${to}`);
  });

  it('starts where the decision puts it', () => {
    assert.equal(initialState({ eligible: false, needsApproval: false }), 'rejected');
    assert.equal(initialState({ eligible: true, needsApproval: true }), 'awaiting_approval');
    assert.equal(initialState({ eligible: true, needsApproval: false }), 'queued');
  });

  it('finds a write of the state in a request update it is shown', () => {
    const chains = requestUpdates(
      "await db.updateTable('requests').set({ state: 'failed', updated_at: now }).execute();",
    );
    assert.equal(chains.length, 1);
    assert.match(chains[0] ?? '', setsState);
    const cover = requestUpdates(
      "await db.updateTable('requests').set({ cover_state: 'lapsed' }).where('state', '=', 'x').execute();",
    );
    assert.doesNotMatch(cover[0] ?? '', /(?<![\w.])state\s*[:,}]/);
  });

  it('has no writer of requests.state but moveRequest', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles('src')) {
      if (file.path === lifeModule) continue;
      for (const chain of requestUpdates(file.text)) {
        // `.where('state', …)` reads the state; only `.set(…)` writes it.
        const sets = [...chain.matchAll(/\.set\(([\s\S]*?)\)\s*(?:\.|$)/g)].map((m) => m[1]);
        if (sets.some((set) => set !== undefined && setsState.test(set))) offenders.push(file.path);
      }
      if (/update\s+"?requests"?\s+set[^;`]*\bstate\s*=/i.test(file.text))
        offenders.push(`${file.path} (SQL)`);
      if (
        /insertInto\(\s*['"]requests['"]\s*\)/.test(file.text) &&
        !file.text.includes('initialState(')
      )
        offenders.push(`${file.path} (a new request not placed by initialState)`);
    }
    assert.deepEqual(offenders, [], `only ${lifeModule} may write requests.state`);
  });
});
