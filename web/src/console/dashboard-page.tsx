import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { LifelineApi } from '../shared/api.js';
import type { Dashboard } from '../shared/api-types.js';
import { dateTime } from '../shared/format.js';
import { HandoffSection } from './handoff-page.js';
import { PageTitle } from './page-title.js';
import { TimeToRenewal } from './renewal-chart.js';
import { links } from './router.js';

const periods = [
  { value: '3d', label: 'Last 3 days' },
  { value: '7d', label: 'Last 7 days' },
  { value: '14d', label: 'Last 14 days' },
  { value: '30d', label: 'Last 30 days' },
];

/**
 * The console's home for the licensing team: the period at a glance (each count opens the
 * request list filtered the same way), covers ending soon, the time customers take to renew,
 * repeat customers and what needs a person. Lists and a bar chart of plain CSS, so it reads at
 * 360 px without scrolling sideways.
 */
export function DashboardPage({ api }: { api: LifelineApi }) {
  const [since, setSince] = useState('7d');
  const [dashboard, setDashboard] = useState<Dashboard>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    // A slow answer for the period chosen before must not replace the one chosen now.
    let current = true;
    setError(undefined);
    api.dashboard(since).then(
      (answer) => current && setDashboard(answer),
      (failure: unknown) =>
        current && setError(failure instanceof Error ? failure.message : String(failure)),
    );
    return () => {
      current = false;
    };
  }, [api, since]);

  return (
    <>
      <PageTitle>Dashboard</PageTitle>
      <div class="filters dashboard-period">
        <div class="field">
          <label for="dashboard-since">Period</label>
          <select
            id="dashboard-since"
            value={since}
            onChange={(event) => setSince(event.currentTarget.value)}
          >
            {periods.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
      </div>
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
      {dashboard && (
        <>
          <p class="muted" data-testid="dashboard-period">
            From {dateTime(dashboard.since)} to {dateTime(dashboard.generatedAt)}
          </p>
          <Glance dashboard={dashboard} />
          <EndingSoon dashboard={dashboard} />
          <Covers dashboard={dashboard} />
          <TimeToRenewal dashboard={dashboard} />
          <RepeatCustomers dashboard={dashboard} />
          <NeedsAPerson dashboard={dashboard} />
        </>
      )}
    </>
  );
}

function Glance({ dashboard }: { dashboard: Dashboard }) {
  const { weekend } = dashboard;
  // The list filters by day: it shows the requests from the period's first day on.
  const since = dashboard.since.slice(0, 10);
  const tiles = [
    { label: 'Requests', count: weekend.requests, href: links.requests({ since }) },
    { label: 'Issued', count: weekend.issued, href: links.requests({ state: 'succeeded', since }) },
    {
      label: 'Awaiting approval',
      count: weekend.awaitingApproval,
      href: links.requests({ state: 'awaiting_approval', since }),
    },
    { label: 'Failed', count: weekend.failed, href: links.requests({ state: 'failed', since }) },
    {
      label: 'Rejected',
      count: weekend.rejected,
      href: links.requests({ state: 'rejected', since }),
    },
  ];
  return (
    <section class="dashboard-section" aria-label="At a glance">
      <h2>At a glance</h2>
      <ul class="dashboard-tiles">
        {tiles.map((tile) => (
          <li key={tile.label}>
            <a href={tile.href}>
              <span class="dashboard-count">{tile.count}</span> {tile.label}
            </a>
          </li>
        ))}
      </ul>
      {weekend.byRequester.length > 0 && (
        <p class="dashboard-requesters">
          By requester:{' '}
          {weekend.byRequester.map((r, index) => (
            <span key={r.requester}>
              {index > 0 && ', '}
              {r.requester} ({r.count})
            </span>
          ))}
        </p>
      )}
    </section>
  );
}

/** A titled list with its count, or a sentence when it is empty. */
function Listed<T>(props: {
  title: string;
  empty: string;
  items: T[];
  keyOf: (item: T) => string;
  line: (item: T) => ComponentChildren;
}) {
  return (
    <section class="dashboard-section" aria-label={props.title}>
      <h2>
        {props.title} ({props.items.length})
      </h2>
      {props.items.length === 0 ? (
        <p class="muted">{props.empty}</p>
      ) : (
        <ul class="handoff-list">
          {props.items.map((item) => (
            <li key={props.keyOf(item)}>{props.line(item)}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

const daysLeft = (days: number) =>
  days === 0 ? 'ends today' : days === 1 ? '1 day left' : `${days} days left`;

function EndingSoon({ dashboard }: { dashboard: Dashboard }) {
  return (
    <Listed
      title="Covers ending soon"
      empty="No temporary license ends in the next days."
      items={dashboard.coversEndingSoon}
      keyOf={(cover) => cover.requestId}
      line={(cover) => (
        <>
          <a href={links.request(cover.requestId)}>{cover.customerEmail}</a> · ends{' '}
          {cover.temporaryLicenseEndsOn} · <strong>{daysLeft(cover.daysLeft)}</strong> · cover{' '}
          {cover.state}
        </>
      )}
    />
  );
}

const coverStates = ['pending', 'extended', 'renewed', 'lapsed'] as const;

function Covers({ dashboard }: { dashboard: Dashboard }) {
  return (
    <section class="dashboard-section" aria-label="Covers">
      <h2>Covers</h2>
      <ul class="dashboard-tiles">
        {coverStates.map((state) => (
          <li key={state}>
            <span class="dashboard-count">{dashboard.covers[state]}</span> {state}
          </li>
        ))}
      </ul>
    </section>
  );
}

function RepeatCustomers({ dashboard }: { dashboard: Dashboard }) {
  return (
    <Listed
      title="Repeat customers"
      empty="No customer asked more than once in the last 180 days."
      items={dashboard.repeatCustomers}
      keyOf={(c) => c.customer}
      line={(c) => (
        <>
          <strong>{c.customer}</strong> · {c.requests} requests · last {dateTime(c.lastRequestAt)}
        </>
      )}
    />
  );
}

function NeedsAPerson({ dashboard }: { dashboard: Dashboard }) {
  const of = (reason: string) => dashboard.needsAPerson.filter((r) => r.reason === reason);
  return (
    <section class="dashboard-section" aria-label="Needs a person">
      <h2>Needs a person ({dashboard.needsAPerson.length})</h2>
      <HandoffSection
        title="Failed"
        empty="No failure."
        requests={of('failed')}
        extra={(r) => r.failure && `could not ${r.failure.step}: ${r.failure.message}`}
      />
      <HandoffSection
        title="Waiting for a person"
        empty="Nothing waits."
        requests={of('waiting')}
      />
      <HandoffSection
        title="Licenses ending in the next 3 days"
        empty="None ends soon."
        requests={of('ending_soon')}
        extra={(r) => r.licenseEndsOn && `ends ${r.licenseEndsOn}`}
      />
    </section>
  );
}
