import type { Command } from 'commander';
import { ConfigError, readConfiguration } from '../config.js';
import type { ReadinessCheck } from '../ports/remote-failure.js';
import { checkReadiness } from '../service/readiness.js';
import { runningServiceChecks } from '../service/running-service-checks.js';
import { z } from 'zod';
import { fail, printJson } from './output.js';
import { cli } from './io.js';

/** `lifeline doctor`: the readiness check to run before every weekend. Exit 1 if anything is broken. */
export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('Check configuration, signing key, database, SMTP, GitLab, Slack and Zendesk.')
    .option('--send-test-to <email>', 'also deliver a test message to this address')
    .option('--json', 'print the checks as JSON')
    .action(async (options: { sendTestTo?: string; json?: boolean }) => {
      // The same check the API makes of a customer's address: a test message to something else
      // would be written or sent with no recipient and reported as fine.
      if (
        options.sendTestTo !== undefined &&
        !z.email().safeParse(options.sendTestTo.trim()).success
      )
        fail(`--send-test-to must be an email address (got "${options.sendTestTo}").`);
      let checks: ReadinessCheck[];
      try {
        checks = await checkReadiness(
          readConfiguration(cli().env),
          options.sendTestTo ? { sendTestTo: options.sendTestTo } : {},
        );
      } catch (error) {
        checks = [
          {
            name: 'configuration',
            ok: false,
            detail:
              error instanceof ConfigError || error instanceof Error
                ? error.message
                : String(error),
            fix: 'fix the settings named above (see the README configuration reference)',
          },
        ];
      }
      checks.push(...(await runningServiceChecks(cli().env.LIFELINE_URL)));
      const ok = checks.every((check) => check.ok);
      if (options.json) printJson({ ok, checks });
      else {
        const width = Math.max(...checks.map((c) => c.name.length));
        for (const check of checks) {
          cli().stdout.write(
            `${check.ok ? 'ok  ' : 'FAIL'}  ${check.name.padEnd(width)}  ${check.detail}\n`,
          );
          if (check.fix && !check.ok)
            cli().stdout.write(`      ${' '.repeat(width)}  fix: ${check.fix}\n`);
        }
        cli().stdout.write(ok ? '\nReady.\n' : '\nSomething needs fixing before the weekend.\n');
      }
      cli().exitCode = ok ? 0 : 1;
    });
}
