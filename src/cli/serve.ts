import type { Command } from 'commander';
import { anyoneCanSignIn } from '../access/first-run.js';
import { startService, type RunningService } from '../service/start.js';
import { configOrExit } from './config-or-exit.js';
import { fail, say } from './output.js';

/**
 * `lifeline serve` (API and worker), `lifeline serve --no-worker` (API only) and
 * `lifeline worker` (worker only). SIGTERM or SIGINT drains: no new work is taken, running
 * steps get the grace period to finish, the rest is handed back to the queue. A second signal
 * exits at once (the job leases cover whatever was running).
 */
export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('Run the HTTP API and console, and the worker unless --no-worker.')
    .option('--no-worker', 'API only: let separate `lifeline worker` processes run the jobs')
    .option('--grace <seconds>', 'how long running steps may finish on shutdown', '10')
    .action(async (options: { worker: boolean; grace: string }) => {
      await run({ api: true, worker: options.worker }, Number(options.grace));
    });
  program
    .command('worker')
    .description('Run only the worker: claims and runs the jobs of requests.')
    .option('--grace <seconds>', 'how long running steps may finish on shutdown', '10')
    .action(async (options: { grace: string }) => {
      await run({ api: false, worker: true }, Number(options.grace));
    });
}

async function run(roles: { api: boolean; worker: boolean }, graceSeconds: number): Promise<void> {
  const config = configOrExit();
  let service: RunningService;
  try {
    service = await startService(config, { roles });
  } catch (error) {
    fail(`could not start: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (service.url) say(await startLine(service, service.url));
  // The worker's timers do not hold the process (so tests and embedders can exit): without an
  // HTTP server or a PostgreSQL connection, `lifeline worker` on SQLite would exit at once.
  // It stays until the drain below ends in process.exit.
  setInterval(() => undefined, 60 * 60 * 1000);
  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      say(
        `${signal} again: exiting now; running jobs will be taken over when their lease expires.`,
      );
      process.exit(130);
    }
    say(`${signal}: draining (up to ${graceSeconds} s), send again to exit now.`);
    service
      .stop(graceSeconds * 1000)
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        service.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

/** One line for the person who just typed `npm start`: where it is, where mail goes, what next. */
async function startLine(service: RunningService, url: string): Promise<string> {
  const next = (await anyoneCanSignIn(service.store))
    ? `sign in to the console at ${url}/`
    : 'make the first credential: ./bin/lifeline tokens create --name my-laptop --owner "$(whoami)" --role engineer';
  return (
    `Lifeline is listening on ${url} (console at ${url}/, API reference at ${url}/docs); ` +
    `mail goes to ${service.destinations.mail}. Next: ${next}`
  );
}
