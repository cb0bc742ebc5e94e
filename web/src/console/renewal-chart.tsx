import type { Dashboard } from '../shared/api-types.js';

/** Horizontal bars, one per bucket: they stay readable at any width, unlike a shrunken SVG. */
export function TimeToRenewal({ dashboard }: { dashboard: Dashboard }) {
  const { buckets, medianDays } = dashboard.timeToRenewal;
  const most = Math.max(1, ...buckets.map((b) => b.count));
  let previous = 0;
  const rows = buckets.map((bucket) => {
    const label =
      bucket.upToDays === null
        ? `over ${previous} days`
        : bucket.upToDays - previous === 1
          ? `${bucket.upToDays} ${bucket.upToDays === 1 ? 'day' : 'days'}`
          : `${previous + 1}–${bucket.upToDays} days`;
    previous = bucket.upToDays ?? previous;
    return { label, count: bucket.count };
  });
  return (
    <section class="dashboard-section" aria-label="Time to renewal">
      <h2>Time to renewal</h2>
      <p class="muted">
        From the temporary license to the recorded renewal, over the last 180 days.{' '}
        {medianDays === null ? 'No renewal recorded yet.' : `Median ${medianDays} days.`}
      </p>
      <ul class="renewal-chart">
        {rows.map((row) => (
          <li key={row.label} aria-label={`${row.label}: ${row.count}`}>
            <span class="renewal-label">{row.label}</span>
            <span class="renewal-bar" aria-hidden="true">
              <span style={{ width: `${(row.count / most) * 100}%` }} />
            </span>
            <span class="renewal-value">{row.count}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
