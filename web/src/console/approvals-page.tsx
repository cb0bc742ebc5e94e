import { useCallback } from 'preact/hooks';
import type { LifelineApi } from '../shared/api.js';
import type { RequestDetail } from '../shared/api-types.js';
import { dateTime, users } from '../shared/format.js';
import { PageTitle } from './page-title.js';
import { links } from './router.js';
import { useList } from './use-list.js';

/**
 * The approvers' queue: every request a guardrail holds, oldest deadline first, with why it
 * waits and who may settle it. Approving or declining happens on the request's page.
 */
export function ApprovalsPage({ api }: { api: LifelineApi }) {
  const load = useCallback(async (): Promise<RequestDetail[]> => {
    const page = await api.listRequests({ state: 'awaiting_approval', limit: 100 });
    const details = await Promise.all(page.items.map((item) => api.getRequest(item.id)));
    return details.sort((a, b) =>
      (a.approval?.expiresAt ?? '').localeCompare(b.approval?.expiresAt ?? ''),
    );
  }, [api]);
  const { items, error } = useList(load);
  return (
    <>
      <PageTitle>Awaiting approval</PageTitle>
      <p class="muted">
        Requests a guardrail holds: nothing is issued until an approver who is not the requester
        approves it. Unsettled requests expire at their deadline.
      </p>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      {items && items.length === 0 && <p data-testid="approvals-empty">Nothing is waiting.</p>}
      {items && items.length > 0 && (
        <div class="table-wrap">
          <table data-testid="approvals">
            <thead>
              <tr>
                <th scope="col">Customer</th>
                <th scope="col">Why it waits</th>
                <th scope="col">Who may approve</th>
                <th scope="col">Expires</th>
              </tr>
            </thead>
            <tbody>
              {items.map((request) => (
                <tr key={request.id}>
                  <td>
                    <a href={links.request(request.id)}>{request.customerEmail}</a>
                    <br />
                    <span class="muted">
                      {users(request.userCount)}, ticket #{request.ticket.id}, asked by{' '}
                      {request.requestedBy}
                    </span>
                  </td>
                  <td>
                    <ul>
                      {(request.approval?.reasons ?? []).map((held) => (
                        <li key={held.code}>{held.message}</li>
                      ))}
                    </ul>
                  </td>
                  <td>{request.approval?.whoMayApprove}</td>
                  <td>{request.approval ? dateTime(request.approval.expiresAt) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
