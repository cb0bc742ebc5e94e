/** The README's roles table is the access table the API enforces, row for row. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { rolesTableMarkdown } from '../../src/access/permissions.js';

it('shows the enforced access table in the README', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  for (const row of rolesTableMarkdown().split('\n').slice(2))
    assert.ok(readme.includes(row), `README.md lacks the row ${row}`);
});
