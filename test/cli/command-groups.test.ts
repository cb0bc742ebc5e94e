/**
 * `lifeline` loads only the command group asked for (src/cli/program.ts): its outline of the
 * other groups must say what their own files say, and every group must be in the outline.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { buildProgram, commandGroups } from '../../src/cli/program.js';

it('outlines every top-level command with the description its own file gives it', async () => {
  const full = await buildProgram();
  const real = full.commands
    .map((command) => ({ name: command.name(), description: command.description() }))
    .filter(({ name }) => name !== 'help');
  assert.deepEqual(
    commandGroups.map(({ name, description }) => ({ name, description })),
    real,
  );
});

it('loads the group asked for in full, and only outlines the others', async () => {
  const program = await buildProgram(['node', 'lifeline', 'license', 'create', '--help']);
  const license = program.commands.find((command) => command.name() === 'license');
  assert.deepEqual(
    license?.commands.map((command) => command.name()),
    ['create', 'inspect', 'preflight'],
  );
  const request = program.commands.find((command) => command.name() === 'request');
  assert.equal(request?.commands.length, 0);
  const none = await buildProgram(['node', 'lifeline', '--version']);
  assert.ok(none.commands.every((command) => command.commands.length === 0));
  const viaHelp = await buildProgram(['node', 'lifeline', 'help', 'tokens']);
  assert.ok((viaHelp.commands.find((c) => c.name() === 'tokens')?.commands.length ?? 0) > 0);
});
