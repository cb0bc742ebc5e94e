import type { SubmissionInput } from './api-types.js';

/**
 * The request form's values as typed (strings, as inputs hold them), and how they become the
 * API's body. Pure, so the sidebar and the console agree on what "complete" means.
 */
export interface RequestFormValues {
  ticketId: string;
  ticketUrl: string;
  customerEmail: string;
  userCount: string;
  evidenceKind: 'licenseFile' | 'screenshots';
  licenseFile: string;
  plan: '' | 'starter' | 'premium' | 'ultimate';
  expiredOn: string;
  licensedUsers: string;
  /** The subscription page's *Maximum users* and *Billable users* cards, in both evidence kinds. */
  maximumUsers: string;
  billableUsers: string;
  screenshotsAttached: boolean;
  note: string;
}

export type FormField = keyof RequestFormValues;
export type FieldErrors = Partial<Record<FormField, string>>;

export function emptyForm(overrides: Partial<RequestFormValues> = {}): RequestFormValues {
  return {
    ticketId: '',
    ticketUrl: '',
    customerEmail: '',
    userCount: '',
    evidenceKind: 'licenseFile',
    licenseFile: '',
    plan: '',
    expiredOn: '',
    licensedUsers: '',
    maximumUsers: '',
    billableUsers: '',
    screenshotsAttached: false,
    note: '',
    ...overrides,
  };
}

const wholeNumber = /^\s*\d+\s*$/;

/** What is missing or malformed, field by field, in words an engineer acts on. */
export function formErrors(values: RequestFormValues): FieldErrors {
  const errors: FieldErrors = {};
  if (!values.ticketId.trim()) errors.ticketId = 'Enter the ticket number.';
  if (!/^https?:\/\/\S+$/.test(values.ticketUrl.trim()))
    errors.ticketUrl = 'Enter the ticket’s address (https://…).';
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.customerEmail.trim()))
    errors.customerEmail = 'Enter the customer’s email address.';
  if (!wholeNumber.test(values.userCount) || Number(values.userCount) < 1) {
    errors.userCount = 'Enter the number of users, a whole number of at least 1.';
  }
  if (!wholeNumber.test(values.maximumUsers)) {
    errors.maximumUsers = 'Enter the Maximum users shown on the subscription screenshot.';
  }
  if (values.billableUsers.trim() !== '') {
    if (!wholeNumber.test(values.billableUsers)) {
      errors.billableUsers = 'Enter the Billable users as a whole number, or leave it empty.';
    } else if (
      wholeNumber.test(values.maximumUsers) &&
      Number(values.billableUsers) > Number(values.maximumUsers)
    ) {
      errors.billableUsers =
        'Billable users cannot be above Maximum users (the maximum is the highest billable count so far): check both on the screenshot.';
    }
  }
  if (values.evidenceKind === 'licenseFile') {
    if (!values.licenseFile.trim())
      errors.licenseFile = 'Paste or upload the customer’s expired license file.';
  } else {
    if (!values.plan) errors.plan = 'Choose the plan shown on the subscription screenshot.';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(values.expiredOn))
      errors.expiredOn = 'Enter the license’s expiry date.';
    if (!wholeNumber.test(values.licensedUsers) || Number(values.licensedUsers) < 1) {
      errors.licensedUsers = 'Enter the licensed users shown on the screenshot.';
    }
    if (!values.screenshotsAttached)
      errors.screenshotsAttached = 'Confirm that both screenshots are attached to the ticket.';
  }
  return errors;
}

/** The API body for these values (whatever their errors: the server has the last word). */
export function submissionOf(values: RequestFormValues): SubmissionInput {
  const usage = {
    maximumUsers: Number(values.maximumUsers),
    ...(values.billableUsers.trim() !== '' && { billableUsers: Number(values.billableUsers) }),
  };
  const evidence: SubmissionInput['evidence'] =
    values.evidenceKind === 'licenseFile'
      ? { ...usage, licenseFile: values.licenseFile.trim() }
      : {
          ...usage,
          ...(values.plan && { plan: values.plan }),
          expiredOn: values.expiredOn,
          licensedUsers: Number(values.licensedUsers),
          screenshotsAttached: values.screenshotsAttached,
        };
  return {
    ticket: { id: values.ticketId.trim(), url: values.ticketUrl.trim() },
    customerEmail: values.customerEmail.trim(),
    userCount: Number(values.userCount),
    evidence,
    ...(values.note.trim() && { note: values.note.trim() }),
  };
}

/**
 * Whether a live check is worth asking for: everything the policy reads is there. A missing
 * screenshots confirmation is no reason to wait: the policy's answer says it is missing.
 */
export function readyForEligibility(values: RequestFormValues): boolean {
  const { screenshotsAttached: _confirmation, ...blocking } = formErrors(values);
  return Object.keys(blocking).length === 0;
}

/** Maps the API's `details[].field` (`body.evidence.plan`) to the form's field. */
export function fieldOfDetail(field: string): FormField | undefined {
  const path = field.replace(/^body\./, '');
  const map: Record<string, FormField> = {
    'ticket.id': 'ticketId',
    'ticket.url': 'ticketUrl',
    ticket: 'ticketId',
    customerEmail: 'customerEmail',
    userCount: 'userCount',
    'evidence.licenseFile': 'licenseFile',
    'evidence.plan': 'plan',
    'evidence.expiredOn': 'expiredOn',
    'evidence.licensedUsers': 'licensedUsers',
    'evidence.maximumUsers': 'maximumUsers',
    'evidence.billableUsers': 'billableUsers',
    'evidence.screenshotsAttached': 'screenshotsAttached',
    note: 'note',
  };
  return map[path];
}
