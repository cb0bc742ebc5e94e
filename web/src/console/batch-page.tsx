import { useEffect, useState } from 'preact/hooks';
import type { LifelineApi } from '../shared/api.js';
import type { BatchRow, BatchRowOutcome, BatchView } from '../shared/api-types.js';
import { dateTime, users } from '../shared/format.js';
import { useAction } from '../shared/use-action.js';
import { BatchBadge } from './batch-badge.js';
import {
  batchStateLabels,
  isMoving,
  isRowOutcome,
  maySteerBatches,
  progressOf,
  rowOutcomeLabels,
  rowsPerSecondText,
} from './batch-format.js';
import { PageTitle } from './page-title.js';
import { links } from './router.js';
import { useBatch } from './use-batch.js';

/** One batch: how far it is, Stop and Resume, its rows by outcome, and the report to download. */
export function BatchPage({
  api,
  id,
  query,
  role,
}: {
  api: LifelineApi;
  id: string;
  query: URLSearchParams;
  role: string;
}) {
  const { batch, error, reload } = useBatch(api, id);
  if (error && !batch) {
    return (
      <>
        <PageTitle>Batch</PageTitle>
        <p class="field-error" role="alert">
          {error}
        </p>
        <a href={links.batches()}>Back to the batches</a>
      </>
    );
  }
  if (!batch) return <p class="muted">Loading…</p>;
  const outcome = query.get('outcome');
  return (
    <>
      <p class="breadcrumb">
        <a href={links.batches()}>Batches</a> › {batch.fileName}
      </p>
      <PageTitle>{`Batch ${batch.fileName}`}</PageTitle>
      <BatchProgress batch={batch} />
      {maySteerBatches(role) && <Steering api={api} batch={batch} reload={reload} />}
      <BatchFacts batch={batch} />
      <BatchRows api={api} batch={batch} outcome={isRowOutcome(outcome) ? outcome : undefined} />
    </>
  );
}

function BatchProgress({ batch }: { batch: BatchView }) {
  const { done, percent } = progressOf(batch.counts);
  const { counts } = batch;
  const rate = rowsPerSecondText(batch.rowsPerSecond);
  return (
    <section aria-labelledby="progress-heading" data-testid="batch-progress">
      <h2 id="progress-heading">
        Progress <BatchBadge label={batchStateLabels[batch.state]} />
      </h2>
      <div
        class="progress"
        role="progressbar"
        aria-label="Rows done"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent} %, ${done} of ${counts.rows} rows`}
      >
        <div class="progress-done" style={{ width: `${percent}%` }} />
      </div>
      <p data-testid="batch-done">
        <strong>{percent} %</strong>: {done.toLocaleString('en-US')} of{' '}
        {counts.rows.toLocaleString('en-US')} rows done
        {rate !== '—' && ` · ${rate}`}
      </p>
      <ul class="counts" aria-label="Rows by outcome">
        <Count label="Issued" value={counts.issued} />
        <Count label="Awaiting approval" value={counts.awaitingApproval} />
        <Count label="Refused" value={counts.refused} />
        <Count label="Failed" value={counts.failed} />
        <Count label="Invalid" value={counts.invalid} />
        <Count label="Pending" value={counts.pending} />
      </ul>
    </section>
  );
}

function Count({ label, value }: { label: string; value: number }) {
  return (
    <li>
      <span class="count-value">{value.toLocaleString('en-US')}</span>{' '}
      <span class="count-label">{label}</span>
    </li>
  );
}

function Steering({
  api,
  batch,
  reload,
}: {
  api: LifelineApi;
  batch: BatchView;
  reload: () => Promise<void>;
}) {
  const { message, busy, act } = useAction(reload);
  if (batch.state === 'finished' && !message) return null;
  return (
    <div class="actions batch-steering">
      {isMoving(batch.state) && (
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            void act(
              () => api.steerBatch(batch.id, 'stop'),
              'Stopping: the rows already in hand finish, the rest wait for Resume.',
            )
          }
        >
          Stop
        </button>
      )}
      {batch.state === 'stopped' && (
        <button
          type="button"
          class="primary"
          disabled={busy}
          onClick={() =>
            void act(
              () => api.steerBatch(batch.id, 'resume'),
              'Resumed: the batch goes on where it stopped.',
            )
          }
        >
          Resume
        </button>
      )}
      {message && (
        <p
          class={message.tone === 'ok' ? 'notice' : 'field-error'}
          role={message.tone === 'ok' ? 'status' : 'alert'}
        >
          {message.text}
        </p>
      )}
    </div>
  );
}

function BatchFacts({ batch }: { batch: BatchView }) {
  return (
    <dl class="facts facts-wide">
      <dt>Reason</dt>
      <dd>{batch.reason}</dd>
      <dt>Started</dt>
      <dd>
        {dateTime(batch.createdAt)} by {batch.createdBy}
      </dd>
      <dt>Finished</dt>
      <dd>{batch.finishedAt ? dateTime(batch.finishedAt) : <span class="muted">not yet</span>}</dd>
      <dt>File</dt>
      <dd>
        {batch.fileName} <span class="muted mono">SHA-256 {batch.fileSha256}</span>
      </dd>
      <dt>Tracker issue</dt>
      <dd>
        {batch.trackerIssue ? (
          batch.trackerIssue.url ? (
            <a href={batch.trackerIssue.url} target="_blank" rel="noopener">
              #{batch.trackerIssue.number}
            </a>
          ) : (
            `#${batch.trackerIssue.number}`
          )
        ) : (
          <span class="muted">none yet</span>
        )}
      </dd>
      <dt>Report</dt>
      <dd>
        <a href={batch.links.report} download>
          Download report (CSV)
        </a>
      </dd>
    </dl>
  );
}

type RowsLoad =
  | { state: 'loading' }
  | { state: 'error'; message: string }
  | { state: 'done'; rows: BatchRow[]; nextCursor: string | null; outcome: string };

/**
 * The batch's rows, filtered by outcome (kept in the address, so a link or a reload shows the
 * same rows). Read again whenever the counts move, so a running batch's table follows its bar.
 */
function BatchRows({
  api,
  batch,
  outcome,
}: {
  api: LifelineApi;
  batch: BatchView;
  outcome: BatchRowOutcome | undefined;
}) {
  const [load, setLoad] = useState<RowsLoad>({ state: 'loading' });
  const moved = `${batch.state}:${JSON.stringify(batch.counts)}`;

  useEffect(() => {
    let current = true;
    // Another filter shows "Loading…" rather than the rows of the last one; a poll's refresh
    // of the same filter keeps its rows on screen until the new ones come.
    setLoad((shown) =>
      shown.state === 'done' && shown.outcome !== (outcome ?? '') ? { state: 'loading' } : shown,
    );
    api.listBatchRows(batch.id, outcome ? { outcome } : {}).then(
      (page) => current && setLoad({ state: 'done', ...page, outcome: outcome ?? '' }),
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
  }, [api, batch.id, outcome, moved]);

  async function loadMore() {
    if (load.state !== 'done' || !load.nextCursor) return;
    try {
      const page = await api.listBatchRows(batch.id, {
        ...(outcome && { outcome }),
        cursor: load.nextCursor,
      });
      setLoad({
        state: 'done',
        rows: [...load.rows, ...page.rows],
        nextCursor: page.nextCursor,
        outcome: load.outcome,
      });
    } catch (error) {
      setLoad({ state: 'error', message: error instanceof Error ? error.message : String(error) });
    }
  }

  return (
    <section aria-labelledby="rows-heading">
      <h2 id="rows-heading">Rows</h2>
      <div class="filters batch-filter">
        <div class="field">
          <label for="batch-outcome">Outcome</label>
          <select
            id="batch-outcome"
            value={outcome ?? ''}
            onChange={(event) =>
              (location.hash = links.batch(batch.id, { outcome: event.currentTarget.value }))
            }
          >
            <option value="">Any</option>
            {(Object.keys(rowOutcomeLabels) as BatchRowOutcome[]).map((value) => (
              <option key={value} value={value}>
                {rowOutcomeLabels[value].label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {load.state === 'loading' && <p class="muted">Loading…</p>}
      {load.state === 'error' && (
        <p class="field-error" role="alert">
          {load.message}
        </p>
      )}
      {load.state === 'done' &&
        (load.rows.length === 0 ? (
          <p class="muted" data-testid="batch-rows-empty">
            No row {outcome ? `is ${rowOutcomeLabels[outcome].label.toLowerCase()}` : 'yet'}.
          </p>
        ) : (
          <>
            <div class="table-wrap">
              <table
                class="batch-rows stack"
                aria-label="Rows of the batch"
                data-outcome-filter={load.outcome}
              >
                <thead>
                  <tr>
                    <th scope="col">Row</th>
                    <th scope="col">Customer</th>
                    <th scope="col">Users</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Details</th>
                  </tr>
                </thead>
                <tbody>
                  {load.rows.map((row) => (
                    <tr key={row.row} data-row={row.row} data-outcome={row.outcome}>
                      <td data-label="Row">{row.row}</td>
                      <td data-label="Customer" class="wrap">
                        {row.requestId ? (
                          <a href={links.request(row.requestId)}>{row.customerEmail}</a>
                        ) : (
                          row.customerEmail || <span class="muted">—</span>
                        )}
                      </td>
                      <td data-label="Users">{row.userCount ? users(row.userCount) : '—'}</td>
                      <td data-label="Outcome">
                        <BatchBadge label={rowOutcomeLabels[row.outcome]} />
                      </td>
                      <td data-label="Details" class="wrap">
                        {row.message ?? ''}
                        {row.licenseFingerprint && (
                          <span class="muted mono">
                            {' '}
                            license {row.licenseFingerprint.slice(0, 12)}…
                          </span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {load.nextCursor && (
              <button type="button" onClick={() => void loadMore()}>
                Show more
              </button>
            )}
          </>
        ))}
    </section>
  );
}
