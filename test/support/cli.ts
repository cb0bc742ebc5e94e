/**
 * Runs a `lifeline` command in the test's own process, through the same entry bin/lifeline
 * uses (src/cli/run-cli.ts): its exit code and what it wrote to stdout and stderr. A process
 * start per command made the CLI tests the slowest of the suite; the few tests that prove the
 * real binary (exit codes, stdin, signals, the fresh build) still spawn it.
 */
import { Readable, Writable } from 'node:stream';
import { runCli } from '../../src/cli/run-cli.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runInProcess(
  args: string[],
  options: { env?: Record<string, string | undefined>; stdin?: string } = {},
): Promise<CliResult> {
  const stdout = collector();
  const stderr = collector();
  const code = await runCli(args, {
    env: options.env ?? { ...process.env },
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin: Readable.from([Buffer.from(options.stdin ?? '')]),
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

function collector(): { stream: Writable; text(): string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}
