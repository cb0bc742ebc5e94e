/**
 * A signer that could not sign: `retryable` when trying again later can help (a module that did
 * not answer in time, a dropped session), not when the settings are wrong (a refused PIN, an
 * unknown token or key label). Messages name the setting to fix and never hold a secret.
 */
export class SignerError extends Error {
  override readonly name = 'SignerError';
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}
