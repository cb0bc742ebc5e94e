import { createRequire } from 'node:module';
import { Command } from 'commander';
import { cli } from './io.js';

type Register = (program: Command) => void;

/**
 * The command groups: each top-level command, what `lifeline --help` says of it, and the file
 * that registers it. A command loads only its own file (and what that imports), so
 * `lifeline request show` does not start the service's modules and `--help` loads none.
 * test/cli/command-groups.test.ts checks these names and descriptions against the files.
 */
export const commandGroups: {
  name: string;
  description: string;
  load: () => Promise<Register>;
}[] = [
  {
    name: 'keys',
    description: 'The RSA key pair that signs GitLab licenses.',
    load: async () => (await import('./keys.js')).registerKeyCommands,
  },
  {
    name: 'license',
    description: 'Make and read GitLab license files.',
    load: async () => (await import('./license.js')).registerLicenseCommands,
  },
  {
    name: 'serve',
    description: 'Run the HTTP API and console, and the worker unless --no-worker.',
    load: async () => (await import('./serve.js')).registerServeCommands,
  },
  {
    name: 'worker',
    description: 'Run only the worker: claims and runs the jobs of requests.',
    load: async () => (await import('./serve.js')).registerServeCommands,
  },
  {
    name: 'migrate',
    description:
      'Apply pending database migrations (the service also does this at start unless LIFELINE_AUTO_MIGRATE=false).',
    load: async () => (await import('./migrate.js')).registerMigrateCommand,
  },
  {
    name: 'tokens',
    description: 'API tokens (shown once, stored as a hash).',
    load: async () => (await import('./tokens.js')).registerAccessCommands,
  },
  {
    name: 'users',
    description: 'Local console accounts (password sign-in).',
    load: async () => (await import('./tokens.js')).registerAccessCommands,
  },
  {
    name: 'sessions',
    description: 'Open console sessions.',
    load: async () => (await import('./tokens.js')).registerAccessCommands,
  },
  {
    name: 'audit',
    description: 'The tamper-evident audit log.',
    load: async () => (await import('./audit.js')).registerAuditCommands,
  },
  {
    name: 'request',
    description: 'Emergency requests through a running Lifeline (LIFELINE_URL, LIFELINE_TOKEN).',
    load: async () => (await import('./request.js')).registerRequestCommands,
  },
  {
    name: 'batch',
    description: 'Bulk outage mode: many customers from one file (CSV or JSON lines).',
    load: async () => (await import('./batch.js')).registerBatchCommands,
  },
  {
    name: 'handoff',
    description:
      'the hand-off digest: requests of the period and what needs a person (failures, waiting, licenses ending in 3 days)',
    load: async () => (await import('./handoff.js')).registerHandoffCommand,
  },
  {
    name: 'doctor',
    description: 'Check configuration, signing key, database, SMTP, GitLab, Slack and Zendesk.',
    load: async () => (await import('./doctor.js')).registerDoctorCommand,
  },
];

/**
 * The command tree for these arguments: the group the first word names, in full; every other
 * group as its name and description only (enough for `--help` and "unknown command").
 * `argv` undefined: every group in full (for tests that walk the whole tree).
 */
export async function buildProgram(argv?: string[]): Promise<Command> {
  const program = new Command('lifeline')
    .description('Emergency GitLab licenses for customers whose paid license just ran out.')
    .version(packageVersion(), '-V, --version', 'print the version of Lifeline')
    .showHelpAfterError()
    // Help and usage errors go to the running command's streams and end it through runCli
    // (a CommanderError with its exit code) instead of exiting the process from inside commander.
    .configureOutput({
      writeOut: (text) => cli().stdout.write(text),
      writeErr: (text) => cli().stderr.write(text),
    })
    .exitOverride();
  // undefined: every group; null: none (`--help`, `--version`).
  const wanted = argv === undefined ? undefined : (groupAskedFor(argv.slice(2)) ?? null);
  const registered = new Set<Register>();
  for (const group of commandGroups) {
    if (wanted !== undefined && group.name !== wanted) continue;
    const register = await group.load();
    // One file may register several groups (serve and worker).
    if (registered.has(register)) continue;
    registered.add(register);
    register(program);
  }
  for (const group of commandGroups) {
    if (!program.commands.some((command) => command.name() === group.name))
      program.command(group.name).description(group.description);
  }
  return program;
}

/** The first argument that is not an option (after `help`, the one it asks about). */
function groupAskedFor(args: string[]): string | undefined {
  const words = args.filter((arg) => !arg.startsWith('-'));
  return words[0] === 'help' ? words[1] : words[0];
}

/** The version in package.json, one level above both src/ and every build of it. */
function packageVersion(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}
