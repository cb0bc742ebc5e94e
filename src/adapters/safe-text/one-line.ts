/**
 * Untrusted text as one line: what every destination needs first. A line break in a ticket id,
 * a requester's name or a note would start a new line in a GitLab issue (where a line beginning
 * with `/close` is a quick action), in an email header (a second header) or in the email's text.
 * Line breaks of every kind become a space; other control characters and the bidirectional
 * overrides that make text read differently from its bytes are dropped.
 */
export function oneLine(value: string | number): string {
  return (
    String(value)
      .replace(/\r\n|[\n\r\v\f\u0085\u2028\u2029]/g, ' ')
      .replace(/\t/g, ' ')
      // Control characters are exactly what this removes.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '')
  );
}
