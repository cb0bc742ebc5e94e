import type { RequestState } from './api-types.js';
import { stateLabels } from './format.js';

export function StateBadge({ state }: { state: RequestState }) {
  const { label, tone } = stateLabels[state];
  return <span class={`badge badge-${tone}`}>{label}</span>;
}
