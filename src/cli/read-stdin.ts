import { cli } from './io.js';

/** All of standard input, for commands that take `-` as their file. */
export async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of cli().stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
