import { useEffect, useState } from 'preact/hooks';
import type { RequestSummary } from '../shared/api-types.js';
import { dateTime, users } from '../shared/format.js';
import { StateBadge } from '../shared/state-badge.js';
import type { SidebarContext } from './sidebar-context.js';

type Load =
  | { state: 'loading' }
  | { state: 'error'; message: string }
  | { state: 'done'; items: RequestSummary[] };

/**
 * This ticket's and this customer's earlier emergency requests, newest first: a second license
 * is refused within the repeat period, so the way out is to resend the first one.
 */
export function EarlierRequests({
  context,
  onOpen,
}: {
  context: SidebarContext;
  onOpen: (id: string) => void;
}) {
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [message, setMessage] = useState<{ tone: 'ok' | 'bad'; text: string }>();
  const [busy, setBusy] = useState<string>();

  useEffect(() => {
    let current = true;
    const lists = [context.api.listRequests({ ticket: context.ticketId, limit: 20 })];
    if (context.requesterEmail)
      // The repeat rule's own matching (domain, or the mailbox at public providers), so this list
      // never says "none" while the policy below refuses a repeat.
      lists.push(context.api.listRequests({ customer: context.requesterEmail, limit: 20 }));
    Promise.all(lists).then(
      (pages) => {
        const byId = new Map<string, RequestSummary>();
        for (const item of pages.flatMap((page) => page.items)) byId.set(item.id, item);
        const items = [...byId.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
        if (current) setLoad({ state: 'done', items });
      },
      (error: unknown) =>
        current &&
        setLoad({
          state: 'error',
          message: error instanceof Error ? error.message : String(error),
        }),
    );
    return () => {
      current = false;
    };
  }, [context]);

  async function resend(item: RequestSummary) {
    setBusy(item.id);
    setMessage(undefined);
    try {
      await context.api.resend(item.id);
      setMessage({
        tone: 'ok',
        text: `The same license is on its way again to ${item.customerEmail}.`,
      });
    } catch (error) {
      setMessage({ tone: 'bad', text: error instanceof Error ? error.message : String(error) });
    } finally {
      setBusy(undefined);
    }
  }

  if (load.state === 'loading') return <p class="muted">Looking for earlier requests…</p>;
  if (load.state === 'error') {
    return (
      <p class="field-error" role="alert">
        Earlier requests could not be read: {load.message}
      </p>
    );
  }
  if (load.items.length === 0)
    return (
      <p class="muted earlier-none">No earlier emergency request for this ticket or customer.</p>
    );
  return (
    <section class="earlier" aria-labelledby="earlier-heading">
      <h2 id="earlier-heading">Earlier requests ({load.items.length})</h2>
      {message && (
        <p
          class={message.tone === 'ok' ? 'notice' : 'field-error'}
          role={message.tone === 'ok' ? 'status' : 'alert'}
        >
          {message.text}
        </p>
      )}
      <ul class="earlier-list">
        {load.items.map((item) => (
          <li key={item.id} data-request-id={item.id}>
            <p>
              <StateBadge state={item.state} /> {item.customerEmail}
            </p>
            <p class="muted">
              {dateTime(item.createdAt)} · ticket #{item.ticket.id} · {users(item.userCount)}
              {item.license && ` · works through ${item.license.lastFullDay}`}
            </p>
            <p class="earlier-actions">
              <button type="button" class="link-button" onClick={() => onOpen(item.id)}>
                Details
              </button>
              {item.license && (
                <button
                  type="button"
                  disabled={busy === item.id}
                  onClick={() => void resend(item)}
                  aria-label={`Resend the license to ${item.customerEmail}`}
                >
                  {busy === item.id ? 'Resending…' : 'Resend'}
                </button>
              )}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
