import { Refusal } from '../refusal.js';
import { actionAccess, allows, refusal } from './permissions.js';
import type { Role } from './principal.js';

export type Action = keyof typeof actionAccess;

/** The caller's role may not do this (a 403 with the sentence naming the roles that may). */
export class ActionNotAllowed extends Refusal {
  override readonly name = 'ActionNotAllowed';
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

/** Refuses an action inside a command (resend elsewhere, naming someone) the role may not do. */
export function requireAction(role: Role, action: Action): void {
  const access = actionAccess[action];
  if (!allows(access, role)) throw new ActionNotAllowed(refusal(access, role));
}
