import { eventually, type TestService } from '../support/service.js';

/** Batch files for tests: customers whose grace ended two days before the fixture day. */
export const batchHeader =
  'ticket_id,ticket_url,customer_email,user_count,plan,expired_on,licensed_users,maximum_users,billable_users,license_file,note';

export function batchCsv(count: number, domain: string, extra: string[] = []): string {
  const lines = [batchHeader];
  for (let i = 1; i <= count; i += 1) {
    lines.push(
      `${7000 + i},https://support.example.com/agent/tickets/${7000 + i},admin@c${i}-${domain},100,premium,2026-11-12,100,100,,,outage row ${i}`,
    );
  }
  return [...lines, ...extra].join('\n') + '\n';
}

/** The batch's view once it has finished, read over the API as a console would poll it. */
export function batchFinished(
  lifeline: TestService,
  id: string,
  options: { timeoutMs?: number; what?: string } = {},
) {
  return eventually(
    async () => {
      const { body } = await lifeline.api(`/api/v1/batches/${id}`);
      return body.state === 'finished' ? body : undefined;
    },
    options.timeoutMs ?? 60_000,
    options.what ?? 'the batch to finish',
  );
}
