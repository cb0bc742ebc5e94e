import type { TargetedEvent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { LifelineApi } from '../shared/api.js';
import type { AuditEntry, AuditQuery } from '../shared/api-types.js';
import { dateTime } from '../shared/format.js';
import { PageTitle } from './page-title.js';

/** The audit log, newest first, filtered by actor, action, request and date. */
export function AuditPage({ api }: { api: LifelineApi }) {
  const [draft, setDraft] = useState<AuditQuery>({});
  const [query, setQuery] = useState<AuditQuery>({});
  const [entries, setEntries] = useState<AuditEntry[]>();
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string>();

  useEffect(() => {
    setError(undefined);
    api.listAudit(query).then(
      (page) => {
        setEntries(page.items);
        setNext(page.nextCursor);
      },
      (failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)),
    );
  }, [api, query]);

  const apply = (event: TargetedEvent<HTMLFormElement>) => {
    event.preventDefault();
    setQuery({ ...draft });
  };
  const more = async () => {
    if (!next) return;
    const page = await api.listAudit({ ...query, cursor: next });
    setEntries([...(entries ?? []), ...page.items]);
    setNext(page.nextCursor);
  };
  const field = (key: keyof AuditQuery, label: string) => (
    <div class="field">
      <label for={`audit-${key}`}>{label}</label>
      <input
        id={`audit-${key}`}
        value={draft[key] ?? ''}
        onInput={(event) => setDraft({ ...draft, [key]: event.currentTarget.value })}
      />
    </div>
  );

  return (
    <>
      <PageTitle>Audit log</PageTitle>
      <p class="muted">
        Every sign-in, access change, request, resend, retry and download, with who did it. Each
        entry’s hash covers the one before: <code>lifeline audit verify</code> proves none was
        edited.
      </p>
      <form class="filters" onSubmit={apply} aria-label="Filter the audit log">
        {field('actor', 'Actor')}
        {field('action', 'Action')}
        {field('request', 'Request id')}
        <div class="field">
          <label for="audit-since">Since</label>
          <input
            id="audit-since"
            type="date"
            value={draft.since ?? ''}
            onInput={(event) => setDraft({ ...draft, since: event.currentTarget.value })}
          />
        </div>
        <div class="filter-actions">
          <button type="submit" class="primary">
            Filter
          </button>
        </div>
      </form>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      <div class="table-wrap">
        <table aria-label="Audit entries">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {entries?.map((entry) => (
              <tr key={entry.seq}>
                <td>{entry.seq}</td>
                <td>{dateTime(entry.at)}</td>
                <td>
                  {entry.actor}{' '}
                  <span class="muted">
                    ({entry.role}, {entry.address})
                  </span>
                </td>
                <td>{entry.action}</td>
                <td>{entry.target ?? ''}</td>
                <td class="mono">{JSON.stringify(entry.details)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {entries?.length === 0 && <p class="muted">No entry matches.</p>}
      {next && (
        <button type="button" onClick={() => void more()}>
          Older entries
        </button>
      )}
    </>
  );
}
