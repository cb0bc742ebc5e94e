/**
 * Whether an error means the storage under the database (or the mail outbox) cannot take a
 * write: the disk is full or failing. Such an error is an outage that clears by itself once
 * space is freed, not a fault of the call or of the step that met it: calls answer 503 with
 * Retry-After, the worker pauses, and no attempt of a step is spent on it.
 *
 * SQLite: SQLITE_FULL, and the SQLITE_IOERR family (a write or fsync refused); PostgreSQL:
 * 53100 disk_full and 58030 io_error; the file system: ENOSPC, EDQUOT, EIO. The error may be
 * wrapped (an outbox RemoteFailure keeps the file system's error as its cause).
 */
export function storageFailureCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && isStorageCode(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function isStorageCode(code: string): boolean {
  return (
    code === 'SQLITE_FULL' ||
    code.startsWith('SQLITE_IOERR') ||
    code === '53100' ||
    code === '58030' ||
    code === 'ENOSPC' ||
    code === 'EDQUOT' ||
    code === 'EIO'
  );
}

/** The sentence people read for a storage failure, naming its code. */
export function storageFailureSentence(code: string): string {
  const what =
    code === '53100' || code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT'
      ? 'its disk is full'
      : 'its disk refuses writes';
  return `Lifeline cannot write to its database right now: ${what} (${code}).`;
}
