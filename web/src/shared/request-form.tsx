import type { TargetedEvent } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiFailure, type LifelineApi } from './api.js';
import type { Decision, InspectAnswer, SubmitAnswer } from './api-types.js';
import { DecisionView } from './decision-view.js';
import { Field, randomKey } from './field.js';
import {
  emptyForm,
  fieldOfDetail,
  formErrors,
  readyForEligibility,
  submissionOf,
  type FieldErrors,
  type FormField,
  type RequestFormValues,
} from './form-state.js';
import { LicenseView } from './license-view.js';
import { useDebounced } from './use-debounced.js';

type Check<T> =
  | { state: 'idle' }
  | { state: 'checking' }
  | { state: 'done'; value: T }
  | { state: 'error'; message: string };

export interface RequestFormProps {
  api: LifelineApi;
  initial?: Partial<RequestFormValues>;
  /** The sidebar knows the ticket: it is shown, not typed. */
  ticketFixed?: boolean;
  /** Who will be recorded as asking, when the caller knows (shown, never sent). */
  requestedBy?: string;
  /** Where an earlier request can be opened, for the repeat rule's link. */
  requestLink?: (id: string) => string | undefined;
  onSubmitted: (answer: SubmitAnswer & { accepted: boolean }) => void;
  idPrefix?: string;
}

/**
 * The emergency request form, shared by the console and the Zendesk sidebar: the ticket, the
 * customer, the user count and the evidence, with the license file decoded as it is pasted and
 * the policy's decision shown live before anything is sent.
 */
export function RequestForm({
  api,
  initial,
  ticketFixed = false,
  requestedBy,
  requestLink,
  onSubmitted,
  idPrefix = 'request',
}: RequestFormProps) {
  const [values, setValues] = useState<RequestFormValues>(() => emptyForm(initial));
  const [touched, setTouched] = useState<Partial<Record<FormField, boolean>>>({});
  const [showAllErrors, setShowAllErrors] = useState(false);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [submitting, setSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<string>();
  const [fileName, setFileName] = useState<string>();
  // One key per form: a retried send after a lost answer returns the first answer, not a second request.
  const idempotencyKey = useRef(randomKey());
  const summaryRef = useRef<HTMLDivElement>(null);
  const id = (field: string) => `${idPrefix}-${field}`;

  // Initial values can arrive after the first render (the sidebar reads them from Zendesk).
  const initialKey = JSON.stringify(initial ?? {});
  useEffect(() => {
    setValues((current) => ({ ...current, ...initial }));
  }, [initialKey]);

  const errors = useMemo(() => formErrors(values), [values]);
  const visibleError = (field: FormField) =>
    serverErrors[field] ?? (showAllErrors || touched[field] ? errors[field] : undefined);

  const set = <K extends FormField>(field: K, value: RequestFormValues[K]) => {
    setValues((current) => ({ ...current, [field]: value }));
    setServerErrors(({ [field]: _dropped, ...rest }) => rest);
  };
  const touch = (field: FormField) => () =>
    setTouched((current) => ({ ...current, [field]: true }));
  const text =
    (field: FormField) =>
    (event: TargetedEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) =>
      set(field, event.currentTarget.value as never);

  // The form's plain text inputs: one shape, with their own names, wording and keyboards.
  const textField = (
    field:
      | 'ticketId'
      | 'ticketUrl'
      | 'customerEmail'
      | 'userCount'
      | 'expiredOn'
      | 'licensedUsers'
      | 'maximumUsers'
      | 'billableUsers',
    label: string,
    input: {
      type?: 'text' | 'url' | 'email' | 'date';
      inputMode?: 'numeric';
      placeholder?: string;
      hint?: string;
    } = {},
  ) => (
    <Field id={id(field)} label={label} hint={input.hint} error={visibleError(field)}>
      {(props) => (
        <input
          {...props}
          // Preact types each input type apart and tsc needs the cast to see that these four
          // take the same attributes; the lint rule judges the attribute alone.
          // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
          type={(input.type ?? 'text') as 'text'}
          inputMode={input.inputMode}
          placeholder={input.placeholder}
          autoComplete="off"
          value={values[field]}
          onInput={text(field)}
          onBlur={touch(field)}
        />
      )}
    </Field>
  );

  const inspection = useLicenseInspection(
    api,
    values.evidenceKind === 'licenseFile' ? values.licenseFile : '',
  );
  const eligibility = useLiveEligibility(api, values);

  async function loadFile(event: TargetedEvent<HTMLInputElement>) {
    const file = event.currentTarget.files?.[0];
    if (!file) return;
    setFileName(file.name);
    set('licenseFile', (await file.text()).trim());
    setTouched((current) => ({ ...current, licenseFile: true }));
  }

  async function submit(event: TargetedEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitError(undefined);
    if (Object.keys(errors).length > 0) {
      setShowAllErrors(true);
      requestAnimationFrame(() => summaryRef.current?.focus());
      return;
    }
    setSubmitting(true);
    try {
      const answer = await api.submitRequest(submissionOf(values), idempotencyKey.current);
      idempotencyKey.current = randomKey();
      onSubmitted(answer);
    } catch (error) {
      if (error instanceof ApiFailure && error.details.length > 0) {
        const mapped: FieldErrors = {};
        for (const detail of error.details) {
          const field = fieldOfDetail(detail.field);
          if (field) mapped[field] = detail.message;
        }
        setServerErrors(mapped);
      }
      setSubmitError(error instanceof Error ? error.message : String(error));
      requestAnimationFrame(() => summaryRef.current?.focus());
    } finally {
      setSubmitting(false);
    }
  }

  const allErrors = { ...(showAllErrors ? errors : {}), ...serverErrors };
  const errorList = Object.entries(allErrors) as [FormField, string][];

  return (
    <form
      class="request-form"
      onSubmit={(event) => void submit(event)}
      noValidate
      aria-label="Emergency license request"
    >
      {(errorList.length > 0 || submitError) && (
        <div class="error-summary" role="alert" tabIndex={-1} ref={summaryRef}>
          <p>
            <strong>
              {submitError && errorList.length === 0
                ? 'The request was not sent.'
                : 'Check these fields:'}
            </strong>
          </p>
          {submitError && <p>{submitError}</p>}
          {errorList.length > 0 && (
            <ul>
              {errorList.map(([field, message]) => (
                <li key={field}>
                  <a
                    href={`#${id(field)}`}
                    onClick={(event) => (
                      event.preventDefault(),
                      document.getElementById(id(field))?.focus()
                    )}
                  >
                    {message}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}

      {ticketFixed ? (
        <p class="ticket-line">
          Ticket{' '}
          <a href={values.ticketUrl} target="_blank" rel="noopener">
            #{values.ticketId}
          </a>
          {requestedBy && <span class="requested-by"> · requested by {requestedBy}</span>}
        </p>
      ) : (
        <div class="field-row">
          {textField('ticketId', 'Ticket number', { inputMode: 'numeric' })}
          {textField('ticketUrl', 'Ticket address', {
            type: 'url',
            placeholder: 'https://…/agent/tickets/…',
          })}
        </div>
      )}

      {textField('customerEmail', 'Customer’s email', {
        type: 'email',
        hint: 'The license is emailed here.',
      })}

      {textField('userCount', 'Users for the temporary license', {
        inputMode: 'numeric',
        hint: 'GitLab refuses fewer than it needs: the policy check below names the smallest count it accepts.',
      })}

      <fieldset class="evidence">
        <legend>Evidence of the expired license</legend>
        <div class="choices">
          <label class="choice">
            <input
              type="radio"
              name={id('evidenceKind')}
              value="licenseFile"
              checked={values.evidenceKind === 'licenseFile'}
              onChange={() => set('evidenceKind', 'licenseFile')}
            />
            The expired license file
          </label>
          <label class="choice">
            <input
              type="radio"
              name={id('evidenceKind')}
              value="screenshots"
              checked={values.evidenceKind === 'screenshots'}
              onChange={() => set('evidenceKind', 'screenshots')}
            />
            Values from the screenshots
          </label>
        </div>

        {values.evidenceKind === 'licenseFile' ? (
          <>
            <Field
              id={id('licenseFile')}
              label="License file"
              hint="Paste the .gitlab-license text, or upload the file below."
              error={visibleError('licenseFile')}
            >
              {(props) => (
                <textarea
                  {...props}
                  rows={4}
                  spellcheck={false}
                  class="mono"
                  value={values.licenseFile}
                  onInput={text('licenseFile')}
                  onBlur={touch('licenseFile')}
                />
              )}
            </Field>
            <div class="field">
              <label for={id('licenseUpload')}>Upload the license file</label>
              <input
                id={id('licenseUpload')}
                type="file"
                accept=".gitlab-license,.txt,text/plain"
                onChange={(event) => void loadFile(event)}
              />
              {fileName && <p class="hint">Loaded {fileName}.</p>}
            </div>
            <div class="inspection" aria-live="polite">
              {inspection.state === 'checking' && <p class="muted">Reading the license…</p>}
              {inspection.state === 'error' && <p class="field-error">{inspection.message}</p>}
              {inspection.state === 'done' &&
                (inspection.value.ok ? (
                  <LicenseView answer={inspection.value} compact />
                ) : (
                  <p class="field-error" data-testid="license-unreadable">
                    {inspection.value.error.message}
                  </p>
                ))}
            </div>
          </>
        ) : (
          <>
            <Field id={id('plan')} label="Plan" error={visibleError('plan')}>
              {(props) => (
                <select
                  {...props}
                  value={values.plan}
                  onChange={text('plan')}
                  onBlur={touch('plan')}
                >
                  <option value="">Choose…</option>
                  <option value="starter">Starter</option>
                  <option value="premium">Premium</option>
                  <option value="ultimate">Ultimate</option>
                </select>
              )}
            </Field>
            {textField('expiredOn', 'License expiry date', { type: 'date' })}
            {textField('licensedUsers', 'Licensed users', {
              inputMode: 'numeric',
              hint: 'Subscription page: the seats of the expired license.',
            })}
            <div class={visibleError('screenshotsAttached') ? 'field field-invalid' : 'field'}>
              <label class="choice">
                <input
                  id={id('screenshotsAttached')}
                  type="checkbox"
                  checked={values.screenshotsAttached}
                  onChange={(event) => set('screenshotsAttached', event.currentTarget.checked)}
                  {...(visibleError('screenshotsAttached') && {
                    'aria-describedby': `${id('screenshotsAttached')}-error`,
                    'aria-invalid': 'true',
                  })}
                />
                Both screenshots (Admin Area dashboard and subscription page) are attached to the
                ticket
              </label>
              {visibleError('screenshotsAttached') && (
                <p class="field-error" id={`${id('screenshotsAttached')}-error`}>
                  {visibleError('screenshotsAttached')}
                </p>
              )}
            </div>
          </>
        )}
        <div class="field-row">
          {textField('maximumUsers', 'Maximum users', {
            inputMode: 'numeric',
            hint: 'Subscription page, the “Maximum users” card: GitLab checks the seats against it.',
          })}
          {textField('billableUsers', 'Billable users (optional)', {
            inputMode: 'numeric',
            hint: 'Subscription page, the “Billable users” card.',
          })}
        </div>
      </fieldset>

      <Field
        id={id('note')}
        label="Note (optional)"
        hint="Anything the licensing team should know on Monday."
      >
        {(props) => <textarea {...props} rows={2} value={values.note} onInput={text('note')} />}
      </Field>

      <section
        class="live-decision"
        aria-live="polite"
        aria-busy={eligibility.state === 'checking'}
        aria-label="Policy decision"
      >
        <h3>Policy check</h3>
        {eligibility.state === 'idle' && (
          <p class="muted">
            The policy’s answer appears here once the customer, user count and evidence are filled
            in.
          </p>
        )}
        {eligibility.state === 'checking' && <p class="muted">Checking…</p>}
        {eligibility.state === 'error' && <p class="field-error">{eligibility.message}</p>}
        {eligibility.state === 'done' && (
          <DecisionView
            decision={eligibility.value}
            {...(requestLink && { requestLink })}
            onUseUserCount={(count) => set('userCount', String(count))}
          />
        )}
      </section>

      <div class="actions">
        <button type="submit" class="primary" disabled={submitting}>
          {submitting ? 'Sending…' : 'Send request'}
        </button>
        {eligibility.state === 'done' && !eligibility.value.eligible && (
          <p class="hint">
            Not eligible: sending records the request and its decision, and issues nothing.
          </p>
        )}
      </div>
    </form>
  );
}

/** Decodes the pasted license as it changes, to show what it is before anything is sent. */
function useLicenseInspection(api: LifelineApi, licenseFile: string): Check<InspectAnswer> {
  const settled = useDebounced(licenseFile.trim(), 300);
  const [check, setCheck] = useState<Check<InspectAnswer>>({ state: 'idle' });
  useEffect(() => {
    if (!settled) {
      setCheck({ state: 'idle' });
      return;
    }
    let current = true;
    setCheck({ state: 'checking' });
    api.inspectLicense(settled).then(
      (value) => current && setCheck({ state: 'done', value }),
      (error: unknown) =>
        current &&
        setCheck({
          state: 'error',
          message: error instanceof Error ? error.message : String(error),
        }),
    );
    return () => {
      current = false;
    };
  }, [api, settled]);
  return check;
}

/** The policy's decision for the form as it stands, asked again when it stops changing. */
function useLiveEligibility(api: LifelineApi, values: RequestFormValues): Check<Decision> {
  const ready = readyForEligibility(values);
  const body = ready ? JSON.stringify(submissionOf(values)) : '';
  const settled = useDebounced(body, 400);
  const [check, setCheck] = useState<Check<Decision>>({ state: 'idle' });
  useEffect(() => {
    if (!settled) {
      setCheck({ state: 'idle' });
      return;
    }
    let current = true;
    setCheck({ state: 'checking' });
    api.checkEligibility(JSON.parse(settled) as ReturnType<typeof submissionOf>).then(
      (value) => current && setCheck({ state: 'done', value }),
      (error: unknown) =>
        current &&
        setCheck({
          state: 'error',
          message: error instanceof Error ? error.message : String(error),
        }),
    );
    return () => {
      current = false;
    };
  }, [api, settled]);
  // While typing, an answer for older values would mislead: say it is being checked again.
  if (ready && body !== settled && check.state === 'done') return { state: 'checking' };
  return ready ? check : { state: 'idle' };
}
