import { RemoteFailure } from '../ports/remote-failure.js';
import { PermanentJobError, type FailureVerdict } from '../jobs/job-handler.js';
import { KeyError } from '../license/index.js';
import { SignerError } from '../signing/signer-error.js';

/**
 * How the worker reads an error: the adapters' RemoteFailure says whether a retry can help;
 * a key problem never fixes itself, a signer says whether it can (a module that timed out); anything else (a database hiccup, a bug) is retried with
 * backoff, and its message is kept short.
 */
export function classifyFailure(error: unknown): FailureVerdict {
  if (error instanceof RemoteFailure) {
    return {
      message: error.message,
      permanent: !error.retryable,
      code: error.code,
      ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }),
    };
  }
  if (error instanceof SignerError) {
    return { message: error.message, permanent: !error.retryable, code: error.code };
  }
  if (error instanceof PermanentJobError) {
    return { message: error.message, permanent: true, code: 'JOB_UNRUNNABLE' };
  }
  if (error instanceof KeyError) {
    return { message: error.message, permanent: true, code: error.code };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message: message.slice(0, 500), permanent: false, code: 'UNEXPECTED' };
}
