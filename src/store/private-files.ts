import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';

/**
 * The data directory and the database hold every signed license and the API tokens' hashes:
 * readable by the service's user alone, whatever umask the process was started with (a shell
 * at 022 made them 0755 and 0644). The modes are set, not requested, so the umask cannot widen
 * or narrow them; a directory the service does not own (chmod refused) is left as it is.
 */
export function ensurePrivateDirectory(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  try {
    // A sticky folder (/tmp, /var/tmp) is shared by design: narrowing it would lock others out.
    if ((statSync(path).mode & 0o1000) !== 0) return;
    chmodSync(path, 0o700);
  } catch {
    // Not ours to change (a shared mount): its owner chose the mode.
  }
}

/**
 * Creates the SQLite file 0600 before SQLite opens it (SQLite gives its `-wal` and `-shm`
 * files the database file's mode), and narrows those of an existing one.
 */
export function ensurePrivateDatabaseFiles(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(file, 0o600);
    } catch {
      // Missing (no WAL yet) or not ours.
    }
  }
}
