import type { Command } from 'commander';
import { handoffOnDemand } from '../handoff/handoff-work.js';
import { renderHandoffText } from '../handoff/handoff-text.js';
import { parseInstant } from './instant-option.js';
import { fail, printJson } from './output.js';
import { withStore } from './with-store.js';
import { cli } from './io.js';

/** `lifeline handoff`: the Monday digest on demand, read from the database like `audit`. */
export function registerHandoffCommand(program: Command): void {
  program
    .command('handoff')
    .description(
      'the hand-off digest: requests of the period and what needs a person (failures, waiting, licenses ending in 3 days)',
    )
    .option('--since <when>', 'from 3d, 12h or a date (default: since the last digest sent)')
    .option(
      '--at <instant>',
      'as if it were this instant, e.g. 2026-11-30T08:00:00Z (default: now)',
    )
    .option('--json', 'print the digest as JSON')
    .action(async (options: { since?: string; at?: string; json?: boolean }) => {
      let now = Date.now();
      if (options.at !== undefined) {
        const at = parseInstant(options.at, '--at');
        if (!(at instanceof Date)) fail(at.message);
        now = at.getTime();
      }
      const digest = await withStore((store) => handoffOnDemand(store, options.since, now), {
        existing: true,
      });
      if ('problem' in digest) fail(`--${digest.problem}`);
      if (options.json) printJson(digest);
      else cli().stdout.write(renderHandoffText(digest));
    });
}
