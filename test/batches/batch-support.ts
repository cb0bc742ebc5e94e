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
