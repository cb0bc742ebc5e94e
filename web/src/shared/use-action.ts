import { useState } from 'preact/hooks';

export interface ActionMessage {
  tone: 'ok' | 'bad';
  text: string;
}

/**
 * One button's call and its answer: busy while it runs, then the sentence that says it worked
 * (and the page reloaded) or the service's own words for why not.
 */
export function useAction(reload: () => Promise<void>) {
  const [message, setMessage] = useState<ActionMessage>();
  const [busy, setBusy] = useState(false);
  async function act(what: () => Promise<void>, done: string) {
    setBusy(true);
    setMessage(undefined);
    try {
      await what();
      setMessage({ tone: 'ok', text: done });
      await reload();
    } catch (failure) {
      setMessage({
        tone: 'bad',
        text: failure instanceof Error ? failure.message : String(failure),
      });
    } finally {
      setBusy(false);
    }
  }
  return { message, busy, act };
}
