import { useEffect, useState } from 'preact/hooks';
import {
  evidenceReplyDraft,
  readAttachmentText,
  readTicketEvidence,
  type TicketAttachment,
  type TicketEvidence,
} from './ticket-attachments.js';
import type { ZafClient } from './zaf.js';

type Loaded =
  | { state: 'loading' }
  | { state: 'done'; evidence: TicketEvidence }
  | { state: 'error'; message: string };

/**
 * What the ticket already holds: the screenshots (or, said before anything is sent, that there
 * are none), a license file to use as the evidence in one click, and a public reply asking the
 * customer for what is missing, in words the engineer edits before it goes.
 */
export function TicketEvidencePanel({
  client,
  customerName,
  onEvidence,
}: {
  client: ZafClient;
  customerName: string;
  onEvidence: (found: { licenseFile?: string; screenshotsFound: boolean }) => void;
}) {
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [using, setUsing] = useState<string>();
  const [said, setSaid] = useState<{ tone: 'ok' | 'bad'; text: string }>();
  const [draft, setDraft] = useState(() => evidenceReplyDraft(customerName));

  useEffect(() => {
    readTicketEvidence(client).then(
      (evidence) => {
        setLoaded({ state: 'done', evidence });
        onEvidence({ screenshotsFound: evidence.screenshots.length > 0 });
      },
      (error: unknown) =>
        setLoaded({
          state: 'error',
          message: `The ticket's attachments could not be read (${error instanceof Error ? error.message : String(error)}).`,
        }),
    );
  }, [client]);

  const useLicense = async (attachment: TicketAttachment) => {
    setUsing(attachment.filename);
    setSaid(undefined);
    try {
      const licenseFile = await readAttachmentText(client, attachment);
      onEvidence({
        licenseFile,
        screenshotsFound: loaded.state === 'done' && loaded.evidence.screenshots.length > 0,
      });
      setSaid({ tone: 'ok', text: `Using ${attachment.filename} as the evidence.` });
    } catch (error) {
      setSaid({
        tone: 'bad',
        text: `${attachment.filename} could not be read (${error instanceof Error ? error.message : String(error)}): download it from the ticket and paste it below.`,
      });
    } finally {
      setUsing(undefined);
    }
  };

  const putInReply = async () => {
    try {
      await client.set('comment.type', 'publicReply');
      await client.invoke('comment.appendText', draft);
      setSaid({
        tone: 'ok',
        text: 'The request for evidence is in the public reply: check it and submit it in Zendesk.',
      });
    } catch (error) {
      setSaid({
        tone: 'bad',
        text: `The reply could not be filled in (${error instanceof Error ? error.message : String(error)}): copy the text instead.`,
      });
    }
  };

  return (
    <section class="ticket-evidence" aria-labelledby="zd-ticket-evidence-heading">
      <h2 id="zd-ticket-evidence-heading">On this ticket</h2>
      {loaded.state === 'loading' && <p class="muted">Reading the ticket's attachments…</p>}
      {loaded.state === 'error' && <p class="field-error">{loaded.message}</p>}
      {loaded.state === 'done' && (
        <>
          {loaded.evidence.screenshots.length > 0 ? (
            <>
              <p data-testid="screenshots-found">
                {loaded.evidence.screenshots.length === 1
                  ? '1 screenshot'
                  : `${loaded.evidence.screenshots.length} screenshots`}{' '}
                on the ticket:
              </p>
              <ul class="attachment-list">
                {loaded.evidence.screenshots.map((image) => (
                  <li key={image.contentUrl}>{image.filename}</li>
                ))}
              </ul>
            </>
          ) : (
            <p class="field-error" data-testid="no-screenshots">
              No screenshots on this ticket yet: the policy needs the subscription page and the
              expiry message. Ask the customer for them before sending.
            </p>
          )}
          {loaded.evidence.licenseFiles.map((file) => (
            <p key={file.contentUrl}>
              <button
                type="button"
                class="primary"
                disabled={using !== undefined}
                onClick={() => void useLicense(file)}
              >
                Use {file.filename} as the evidence
              </button>
            </p>
          ))}
          {loaded.evidence.licenseFiles.length === 0 && (
            <p class="muted">No license file on this ticket.</p>
          )}
        </>
      )}
      {said && (
        <p class={said.tone === 'ok' ? 'notice' : 'field-error'} role="status">
          {said.text}
        </p>
      )}
      <details>
        <summary>Ask the customer for the evidence</summary>
        <label for="zd-reply-draft">Public reply</label>
        <textarea
          id="zd-reply-draft"
          rows={10}
          value={draft}
          onInput={(event) => setDraft(event.currentTarget.value)}
        />
        <button type="button" onClick={() => void putInReply()}>
          Put it in the public reply
        </button>
      </details>
    </section>
  );
}
