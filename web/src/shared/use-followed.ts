import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

/**
 * Follows something the service holds to where it settles: reads it, and reads it again every
 * `intervalMs` while `moving` says it is still on its way. An answer to an older read (the id
 * changed meanwhile) is dropped, so a slow answer never replaces a newer one. Everything comes
 * from the service, so a page can be left and reopened and shows the same thing.
 */
export function useFollowed<T>(
  read: () => Promise<T>,
  key: readonly unknown[],
  moving: (value: T) => boolean,
  intervalMs: number,
) {
  const [value, setValue] = useState<T>();
  const [error, setError] = useState<string>();
  const generation = useRef(0);

  // `key` names what `read` reads (the API and the id): a new key is a new thing to follow.
  const load = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const answer = await read();
      if (mine === generation.current) {
        setValue(answer);
        setError(undefined);
      }
    } catch (failure) {
      if (mine === generation.current)
        setError(failure instanceof Error ? failure.message : String(failure));
    }
  }, key);

  useEffect(() => {
    setValue(undefined);
    void load();
  }, [load]);

  const stillMoving = value !== undefined && moving(value);
  useEffect(() => {
    if (!stillMoving) return;
    const timer = setInterval(() => void load(), intervalMs);
    return () => clearInterval(timer);
  }, [stillMoving, load, intervalMs]);

  return { value, error, reload: load };
}
