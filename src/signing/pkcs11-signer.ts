/**
 * The signer whose private key stays in a PKCS#11 module (a hardware security module, a cloud
 * HSM's PKCS#11 library, SoftHSM in tests): each license's AES key is signed with `CKM_RSA_PKCS`,
 * which is exactly the raw PKCS#1 v1.5 type-1 operation the format needs.
 *
 * The module is driven from its own thread (pkcs11-thread.ts), so a module call that blocks
 * cannot stall the service's event loop. Every signature has a deadline: when the module does not
 * answer in time, the signature fails as a retryable SignerError (the job backs off and tries
 * again), the thread is given up on, and the next signature starts a fresh thread, which opens
 * fresh sessions. (A thread stuck inside the module stays stuck until the module returns; it no
 * longer holds anyone up.)
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { publicKeyFingerprint, type LicenseSigner } from '../license/index.js';
import type { Pkcs11Settings } from './pkcs11-settings.js';
import type { Pkcs11Failure, Pkcs11ThreadReply, Pkcs11ThreadRequest } from './pkcs11-protocol.js';
import { SignerError } from './signer-error.js';

export interface Pkcs11SignerOptions {
  /** How long one signature may take in the module. Default 10 s. */
  deadlineMs?: number;
  /** How long starting a module thread may take: load, log in, find the key. Default 15 s. */
  openDeadlineMs?: number;
}

/**
 * The build runs the emitted thread file. Under tsx (tests, `npm start`) the thread runs from
 * source, and a worker thread does not inherit tsx's loader: it registers it first.
 */
function spawnThread(options: WorkerOptions): Worker {
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./pkcs11-thread.js', import.meta.url), options);
  }
  const tsx = import.meta.resolve('tsx/esm/api');
  const thread = new URL('./pkcs11-thread.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(thread)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

interface Pending {
  resolve(signature: Buffer): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** A running module thread, with the signatures it owes. */
class ModuleThread {
  readonly ready: Promise<{ modulus: Buffer; exponent: Buffer }>;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private gone: SignerError | undefined;

  constructor(
    private readonly settings: Pkcs11Settings,
    private readonly onGone: (thread: ModuleThread) => void,
  ) {
    this.worker = spawnThread({
      workerData: {
        module: settings.module,
        tokenLabel: settings.tokenLabel,
        keyLabel: settings.keyLabel,
        pin: settings.pin,
      },
      // Its output is the module's own chatter; ours goes through the service's logger.
      stdout: true,
      stderr: true,
    });
    this.worker.stdout.resume();
    this.worker.stderr.resume();
    this.ready = new Promise((resolve, reject) => {
      const onReply = (message: Pkcs11ThreadReply) => {
        if (message.type === 'ready') {
          resolve({
            modulus: Buffer.from(message.modulus),
            exponent: Buffer.from(message.exponent),
          });
        } else if (message.type === 'unavailable') {
          const error = signerError(message.failure);
          reject(error);
          this.abandon(error);
        } else {
          this.settle(message);
        }
      };
      this.worker.on('message', onReply);
      this.worker.on('error', (error) => {
        const failure = new SignerError(
          'PKCS11_THREAD_FAILED',
          `PKCS#11: the module thread stopped (${error.message.slice(0, 200)}); a new one is started for the next license.`,
          true,
        );
        reject(failure);
        this.abandon(failure);
      });
      this.worker.on('exit', () => {
        const failure = new SignerError(
          'PKCS11_THREAD_FAILED',
          'PKCS#11: the module thread ended; a new one is started for the next license.',
          true,
        );
        reject(failure);
        this.abandon(failure);
      });
    });
    // A failed start is reported to whoever signs next; nobody else may see it unhandled.
    this.ready.catch(() => undefined);
  }

  sign(aesKey: Buffer, deadlineMs: number): Promise<Buffer> {
    if (this.gone) return Promise.reject(this.gone);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.abandon(
          new SignerError(
            'PKCS11_TIMEOUT',
            `PKCS#11: the module did not answer within ${Math.round(deadlineMs / 1000)} s (token "${this.settings.tokenLabel}"); the license is signed again later, with a fresh module thread and session.`,
            true,
          ),
        );
      }, deadlineMs);
      this.pending.set(id, { resolve, reject, timer });
      // Its own copy: a Buffer may be a view of a larger pool of random bytes.
      const request: Pkcs11ThreadRequest = { type: 'sign', id, data: new Uint8Array(aesKey) };
      this.worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    if (this.gone) return;
    this.gone = new SignerError('PKCS11_CLOSED', 'PKCS#11: the signer is closed.', false);
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ type: 'close' } satisfies Pkcs11ThreadRequest);
    const timer = setTimeout(() => void this.worker.terminate(), 2_000);
    timer.unref();
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3_000).unref())]);
    clearTimeout(timer);
    this.failAll(this.gone);
  }

  private settle(message: Extract<Pkcs11ThreadReply, { id: number }>): void {
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    clearTimeout(waiting.timer);
    if (message.type === 'signed') waiting.resolve(Buffer.from(message.signature));
    else waiting.reject(signerError(message.failure));
  }

  /** Fails everything still owed and lets the thread go; it is never asked anything again. */
  private abandon(error: SignerError): void {
    if (this.gone) return;
    this.gone = error;
    this.failAll(error);
    this.worker.removeAllListeners('message');
    // A thread blocked inside the module cannot be stopped; it must not keep the process up.
    this.worker.unref();
    void this.worker.terminate().catch(() => undefined);
    this.onGone(this);
  }

  private failAll(error: SignerError): void {
    for (const [id, waiting] of this.pending) {
      clearTimeout(waiting.timer);
      waiting.reject(error);
      this.pending.delete(id);
    }
  }
}

function signerError(failure: Pkcs11Failure): SignerError {
  return new SignerError(failure.code, failure.message, failure.retryable);
}

/**
 * Opens the module, logs in and finds the key (within the deadline); throws a SignerError that
 * names the setting to fix when it cannot.
 */
export async function openPkcs11Signer(
  settings: Pkcs11Settings,
  options: Pkcs11SignerOptions = {},
): Promise<LicenseSigner> {
  const deadlineMs = options.deadlineMs ?? 10_000;
  const openDeadlineMs = options.openDeadlineMs ?? 15_000;
  let current: ModuleThread | undefined;
  const start = () => {
    const thread: ModuleThread = new ModuleThread(settings, (gone) => {
      if (current === gone) current = undefined;
    });
    current = thread;
    return thread;
  };
  const withDeadline = <T>(promise: Promise<T>, thread: ModuleThread): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        void thread.close();
        if (current === thread) current = undefined;
        reject(
          new SignerError(
            'PKCS11_TIMEOUT',
            `PKCS#11: the module ${settings.module} did not open token "${settings.tokenLabel}" within ${Math.round(openDeadlineMs / 1000)} s.`,
            true,
          ),
        );
      }, openDeadlineMs);
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });

  const first = start();
  const { modulus, exponent } = await withDeadline(first.ready, first);
  const publicKey: KeyObject = createPublicKey({
    key: { kty: 'RSA', n: modulus.toString('base64url'), e: exponent.toString('base64url') },
    format: 'jwk',
  });
  const fingerprint = publicKeyFingerprint(publicKey);

  return {
    fingerprint,
    publicKey,
    description: `PKCS#11 key "${settings.keyLabel}" on token "${settings.tokenLabel}" (${settings.module})`,
    async privateEncrypt(aesKey) {
      const thread = current ?? start();
      const opened = await withDeadline(thread.ready, thread);
      // A module that came back with another key must not sign in its name.
      if (!opened.modulus.equals(modulus) || !opened.exponent.equals(exponent)) {
        throw new SignerError(
          'PKCS11_KEY_CHANGED',
          `PKCS#11: key "${settings.keyLabel}" on token "${settings.tokenLabel}" is no longer the key this service started with (fingerprint ${fingerprint}); restart the service to check the new key against LIFELINE_SIGNING_KEY_FINGERPRINT.`,
          false,
        );
      }
      return thread.sign(aesKey, deadlineMs);
    },
    async close() {
      await current?.close();
      current = undefined;
    },
  };
}
