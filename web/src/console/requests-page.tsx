import type { TargetedEvent } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { LifelineApi } from '../shared/api.js';
import type { RequestQuery, RequestState, RequestSummary } from '../shared/api-types.js';
import { dateTime, stateLabels } from '../shared/format.js';
import { StateBadge } from '../shared/state-badge.js';
import { PageTitle } from './page-title.js';
import { links } from './router.js';

const filterNames = ['state', 'email', 'ticket', 'since'] as const;
type Filters = Record<(typeof filterNames)[number], string>;

function filtersOf(query: URLSearchParams): Filters {
  return {
    state: query.get('state') ?? '',
    email: query.get('email') ?? '',
    ticket: query.get('ticket') ?? '',
    since: query.get('since') ?? '',
  };
}

function apiQuery(filters: Filters): RequestQuery {
  return {
    ...(filters.state && { state: filters.state as RequestState }),
    ...(filters.email.trim() && { email: filters.email.trim() }),
    ...(filters.ticket.trim() && { ticket: filters.ticket.trim() }),
    ...(filters.since && { since: filters.since }),
  };
}

type Load =
  | { state: 'loading' }
  | { state: 'error'; message: string }
  | { state: 'done'; items: RequestSummary[]; nextCursor: string | null };

/**
 * The tracker view: failed requests that still need someone first, then every request, newest
 * first, filtered by state, customer email (or `@domain`), ticket and date.
 */
export function RequestsPage({ api, query }: { api: LifelineApi; query: URLSearchParams }) {
  const applied = filtersOf(query);
  const appliedKey = JSON.stringify(applied);
  const [draft, setDraft] = useState<Filters>(applied);
  const [all, setAll] = useState<Load>({ state: 'loading' });
  const [failed, setFailed] = useState<Load>({ state: 'loading' });
  const shownKey = useRef(appliedKey);

  useEffect(() => {
    // Only a change of the applied filters resets the form: on the first render the form
    // already holds them, and resetting it then would wipe what someone typed meanwhile.
    if (shownKey.current !== appliedKey) {
      shownKey.current = appliedKey;
      setDraft(applied);
    }
    let current = true;
    const base = apiQuery(applied);
    setAll({ state: 'loading' });
    api.listRequests(base).then(
      (page) => current && setAll({ state: 'done', ...page }),
      (error: unknown) =>
        current &&
        setAll({ state: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
    if (!applied.state) {
      setFailed({ state: 'loading' });
      api.listRequests({ ...base, state: 'failed' }).then(
        (page) => current && setFailed({ state: 'done', ...page }),
        (error: unknown) =>
          current &&
          setFailed({
            state: 'error',
            message: error instanceof Error ? error.message : String(error),
          }),
      );
    }
    return () => {
      current = false;
    };
    // appliedKey stands for `applied`, which is a new object on every render.
  }, [api, appliedKey]);

  async function loadMore() {
    if (all.state !== 'done' || !all.nextCursor) return;
    try {
      const page = await api.listRequests({ ...apiQuery(applied), cursor: all.nextCursor });
      setAll({ state: 'done', items: [...all.items, ...page.items], nextCursor: page.nextCursor });
    } catch (error) {
      setAll({ state: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  }

  const apply = (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    location.hash = links.requests(draft);
  };
  const input =
    (name: keyof Filters) => (event: TargetedEvent<HTMLInputElement | HTMLSelectElement>) =>
      setDraft((current) => ({ ...current, [name]: event.currentTarget.value }));
  const filtered = filterNames.some((name) => applied[name] !== '');

  return (
    <>
      <PageTitle>Requests</PageTitle>
      <form class="filters" onSubmit={apply} aria-label="Filter requests">
        <div class="field">
          <label for="filter-state">State</label>
          <select id="filter-state" value={draft.state} onChange={input('state')}>
            <option value="">Any</option>
            {(Object.keys(stateLabels) as RequestState[]).map((state) => (
              <option key={state} value={state}>
                {stateLabels[state].label}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="filter-email">Email or @domain</label>
          <input id="filter-email" type="search" value={draft.email} onInput={input('email')} />
        </div>
        <div class="field">
          <label for="filter-ticket">Ticket</label>
          <input
            id="filter-ticket"
            type="search"
            inputMode="numeric"
            value={draft.ticket}
            onInput={input('ticket')}
          />
        </div>
        <div class="field">
          <label for="filter-since">Since</label>
          <input id="filter-since" type="date" value={draft.since} onInput={input('since')} />
        </div>
        <div class="filter-actions">
          <button type="submit" class="primary">
            Filter
          </button>
          {filtered && <a href={links.requests()}>Clear</a>}
        </div>
      </form>

      {!applied.state && failed.state === 'done' && failed.items.length > 0 && (
        <section class="attention" aria-labelledby="attention-heading">
          <h2 id="attention-heading">
            Needs attention ({failed.items.length}
            {failed.nextCursor ? '+' : ''})
          </h2>
          <p class="muted">
            These requests failed; open one to see what to do next, then retry it.
          </p>
          <RequestTable items={failed.items} label="Failed requests" />
        </section>
      )}

      <section aria-labelledby="all-heading">
        <h2 id="all-heading">{filtered ? 'Matching requests' : 'All requests'}</h2>
        {all.state === 'loading' && <p class="muted">Loading…</p>}
        {all.state === 'error' && (
          <p class="field-error" role="alert">
            {all.message}
          </p>
        )}
        {all.state === 'done' &&
          (all.items.length === 0 ? (
            <p class="muted">No request matches.</p>
          ) : (
            <>
              <RequestTable
                items={all.items}
                label={filtered ? 'Matching requests' : 'All requests'}
              />
              {all.nextCursor && (
                <button type="button" onClick={() => void loadMore()}>
                  Show more
                </button>
              )}
            </>
          ))}
      </section>
    </>
  );
}

function RequestTable({ items, label }: { items: RequestSummary[]; label: string }) {
  return (
    <div class="table-wrap">
      <table class="requests stack" aria-label={label}>
        <thead>
          <tr>
            <th scope="col">Customer</th>
            <th scope="col">Ticket</th>
            <th scope="col">Users</th>
            <th scope="col">State</th>
            <th scope="col">Requested</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id} data-request-id={item.id}>
              <td data-label="Customer">
                <a href={links.request(item.id)}>{item.customerEmail}</a>
              </td>
              <td data-label="Ticket">#{item.ticket.id}</td>
              <td data-label="Users">{item.userCount}</td>
              <td data-label="State">
                <StateBadge state={item.state} />
              </td>
              <td data-label="Requested">
                {dateTime(item.createdAt)}
                <span class="muted"> by {item.requestedBy}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
