import { useState } from 'preact/hooks';

/**
 * Copies a value (or what `text()` fetches, such as the license file) to the clipboard, and says
 * so in words a screen reader announces. The label names what is copied, so several can sit on
 * one page.
 */
export function CopyButton({
  what,
  value,
  text,
}: {
  what: string;
  value?: string;
  text?: () => Promise<string>;
}) {
  const [said, setSaid] = useState('');
  const copy = async () => {
    try {
      const content = value ?? (await text?.()) ?? '';
      await navigator.clipboard.writeText(content);
      setSaid(`Copied the ${what}.`);
    } catch {
      setSaid(`Could not copy the ${what}: select it and copy by hand.`);
    }
  };
  return (
    <>
      <button type="button" class="copy-button" onClick={() => void copy()}>
        Copy the {what}
      </button>
      <span class="copy-said muted" role="status">
        {said}
      </span>
    </>
  );
}
