import type { TargetedEvent } from 'preact';
import { useState } from 'preact/hooks';
import type { LifelineApi } from '../shared/api.js';
import type { InspectAnswer } from '../shared/api-types.js';
import { LicenseView } from '../shared/license-view.js';
import { PageTitle } from './page-title.js';
import { UploadPreflight } from './upload-preflight.js';

/** Any GitLab license, pasted or uploaded, decoded with the evidence keys, with its status today. */
export function InspectPage({ api }: { api: LifelineApi }) {
  const [text, setText] = useState('');
  const [answer, setAnswer] = useState<InspectAnswer>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function inspect(license: string) {
    setError(undefined);
    setAnswer(undefined);
    if (!license.trim()) {
      setError('Paste a license, or upload a .gitlab-license file.');
      return;
    }
    setBusy(true);
    try {
      setAnswer(await api.inspectLicense(license.trim()));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  }

  async function upload(event: TargetedEvent<HTMLInputElement>) {
    const file = event.currentTarget.files?.[0];
    if (!file) return;
    const content = await file.text();
    setText(content);
    await inspect(content);
  }

  return (
    <>
      <PageTitle>License inspector</PageTitle>
      <p class="muted">
        Decodes a GitLab license with the vendor’s public key and says where it stands today.
        Nothing is recorded.
      </p>
      <form
        class="inspect-form"
        onSubmit={(event) => {
          event.preventDefault();
          void inspect(text);
        }}
        aria-label="Inspect a license"
      >
        <div class="field">
          <label for="inspect-license">License</label>
          <textarea
            id="inspect-license"
            class="mono"
            rows={6}
            spellcheck={false}
            value={text}
            onInput={(event) => setText(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="inspect-upload">Or upload a license file</label>
          <input
            id="inspect-upload"
            type="file"
            accept=".gitlab-license,.txt,text/plain"
            onChange={(event) => void upload(event)}
          />
        </div>
        <button type="submit" class="primary" disabled={busy}>
          Inspect
        </button>
      </form>
      <section aria-live="polite" aria-label="Inspection result">
        {error && <p class="field-error">{error}</p>}
        {answer &&
          (answer.ok ? (
            <>
              <LicenseView answer={answer} />
              <UploadPreflight api={api} license={text.trim()} />
            </>
          ) : (
            <div class="notice notice-bad" data-testid="license-unreadable">
              <p>
                <strong>This license cannot be read.</strong> {answer.error.message}
              </p>
              {answer.error.code === 'WRONG_KEY' && (
                <p data-testid="license-key">
                  Signed by: an unknown key (none of the configured evidence keys).
                </p>
              )}
            </div>
          ))}
      </section>
    </>
  );
}
