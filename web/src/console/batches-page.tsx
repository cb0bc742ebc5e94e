import { useCallback } from 'preact/hooks';
import type { LifelineApi } from '../shared/api.js';
import type { BatchView } from '../shared/api-types.js';
import { dateTime } from '../shared/format.js';
import { BatchBadge } from './batch-badge.js';
import { batchStateLabels, progressOf } from './batch-format.js';
import { PageTitle } from './page-title.js';
import { links } from './router.js';
import { useList } from './use-list.js';

/**
 * Every batch, newest first: for the weekend the back office is down for everyone, when one
 * file of affected customers becomes many requests.
 */
export function BatchesPage({ api }: { api: LifelineApi }) {
  const load = useCallback(() => api.listBatches(), [api]);
  const { items, error } = useList<BatchView>(load);
  return (
    <>
      <PageTitle>Batches</PageTitle>
      <p class="muted">
        A batch turns a list of affected customers into requests, each checked as a single request
        is. <a href={links.newBatch()}>Start with a dry run of a file</a>.
      </p>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      {items && items.length === 0 && <p data-testid="batches-empty">No batch yet.</p>}
      {items && items.length > 0 && (
        <div class="table-wrap">
          <table class="batches stack" aria-label="Batches">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">State</th>
                <th scope="col">Done</th>
                <th scope="col">Issued</th>
                <th scope="col">Started</th>
              </tr>
            </thead>
            <tbody>
              {items.map((batch) => (
                <tr key={batch.id} data-batch-id={batch.id}>
                  <td data-label="File" class="wrap">
                    <a href={links.batch(batch.id)}>{batch.fileName}</a>
                  </td>
                  <td data-label="State">
                    <BatchBadge label={batchStateLabels[batch.state]} />
                  </td>
                  <td data-label="Done">
                    {progressOf(batch.counts).done} of {batch.counts.rows}
                  </td>
                  <td data-label="Issued">{batch.counts.issued}</td>
                  <td data-label="Started">
                    {dateTime(batch.createdAt)}
                    <span class="muted"> by {batch.createdBy}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
