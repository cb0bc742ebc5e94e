/** A batch's state or a row's outcome as a badge: the word says it, the colour only helps. */
export function BatchBadge({ label }: { label: { label: string; tone: string } }) {
  return <span class={`badge badge-${label.tone}`}>{label.label}</span>;
}
