import { cli } from './io.js';

/**
 * CLI output conventions: machine output (JSON) on stdout, people's messages on stderr,
 * exit code 1 with one clear line for anything that went wrong.
 */
export function printJson(value: unknown): void {
  cli().stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function say(line: string): void {
  cli().stderr.write(`${line}\n`);
}

/** Ends the command with exit code 1 and one line on stderr. */
export function fail(message: string): never {
  cli().stderr.write(`lifeline: ${message}\n`);
  return cli().exit(1);
}
