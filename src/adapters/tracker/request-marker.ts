/**
 * The hidden line a tracker issue carries so that Lifeline can find a request's issue again
 * without having recorded its number (a crash between "issue created" and "number saved").
 * An HTML comment: GitLab keeps it in the description but does not render it.
 */
const REQUEST_ID = /^[A-Za-z0-9._:-]+$/;

export function requestMarker(requestId: string): string {
  // The id ends up inside an HTML comment and a search query: keep it to a plain token.
  if (!REQUEST_ID.test(requestId)) {
    throw new RangeError(
      `A request id must be a plain token (letters, digits, . _ : -): ${requestId}`,
    );
  }
  return `<!-- lifeline-request-id: ${requestId} -->`;
}

/** The description with the request's marker as its last line, added once. */
export function withRequestMarker(description: string, requestId: string): string {
  const marker = requestMarker(requestId);
  const body = description.includes(marker)
    ? description.split(marker).join('').trimEnd()
    : description.trimEnd();
  return `${body}\n\n${marker}\n`;
}

/** Whether a description carries exactly this request's marker (not merely mentions the id). */
export function hasRequestMarker(
  description: string | null | undefined,
  requestId: string,
): boolean {
  return description?.includes(requestMarker(requestId)) ?? false;
}
