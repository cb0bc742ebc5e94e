import { useCallback, useEffect, useState } from 'preact/hooks';

/** A list the page loads, reloads after a change, and shows the failure of. */
export function useList<T>(load: () => Promise<T[]>) {
  const [items, setItems] = useState<T[]>();
  const [error, setError] = useState<string>();
  const reload = useCallback(() => {
    load().then(
      (loaded) => {
        setItems(loaded);
        setError(undefined);
      },
      (failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)),
    );
  }, [load]);
  useEffect(reload, [reload]);
  return { items, error, reload, setError };
}

export const roleNames = ['engineer', 'approver', 'admin', 'service'] as const;
