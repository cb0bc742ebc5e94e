/**
 * The thread that talks to the PKCS#11 module. Every call into the module is synchronous and may
 * block for as long as the hardware (or a cloud HSM across the network) takes, so none of them
 * runs on the service's event loop: this thread owns the module, the login and a pool of
 * sessions, and answers one signing request at a time. When a call hangs, the main thread stops
 * waiting for it, and gives up on this thread (src/signing/pkcs11-signer.ts).
 *
 * The PIN arrives in `workerData` and is only ever passed to `C_Login`; no message sent back
 * contains it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import pkcs11js from 'pkcs11js';
import type {
  Pkcs11ThreadReply,
  Pkcs11ThreadRequest,
  Pkcs11ThreadSettings,
} from './pkcs11-protocol.js';
import { describePkcs11Failure } from './pkcs11-errors.js';

const settings = workerData as Pkcs11ThreadSettings;
const port = parentPort;
if (!port) throw new Error('pkcs11-thread.ts runs as a worker thread only');

const module = new pkcs11js.PKCS11();
let slot: pkcs11js.Handle | undefined;
let key: pkcs11js.Handle | undefined;
let modulusBytes = 0;
/** Open, logged-in sessions not in use. A failed session is closed, never put back. */
const idle: pkcs11js.Handle[] = [];

function reply(message: Pkcs11ThreadReply): void {
  port!.postMessage(message);
}

function isCode(error: unknown, code: number): boolean {
  return (error as { code?: unknown } | null)?.code === code;
}

function open(): { modulus: Buffer; exponent: Buffer } {
  module.load(settings.module);
  try {
    module.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
  } catch (error) {
    // A thread given up on earlier initialised the module in this process; that still holds.
    if (!isCode(error, pkcs11js.CKR_CRYPTOKI_ALREADY_INITIALIZED)) throw error;
  }
  slot = module
    .C_GetSlotList(true)
    .find((candidate) => module.C_GetTokenInfo(candidate).label.trim() === settings.tokenLabel);
  if (slot === undefined) {
    throw Object.assign(new Error('token not found'), { lifelineCode: 'PKCS11_TOKEN_NOT_FOUND' });
  }
  const session = openSession();
  try {
    const found = findKey(session);
    const [modulus, exponent] = module
      .C_GetAttributeValue(session, found, [
        { type: pkcs11js.CKA_MODULUS },
        { type: pkcs11js.CKA_PUBLIC_EXPONENT },
      ])
      .map((attribute) => attribute.value);
    if (!Buffer.isBuffer(modulus) || !Buffer.isBuffer(exponent)) {
      throw Object.assign(new Error('no public half'), { lifelineCode: 'PKCS11_KEY_NOT_RSA' });
    }
    key = found;
    modulusBytes = modulus.length;
    idle.push(session);
    return { modulus, exponent };
  } catch (error) {
    closeQuietly(session);
    throw error;
  }
}

function openSession(): pkcs11js.Handle {
  const session = module.C_OpenSession(slot!, pkcs11js.CKF_SERIAL_SESSION);
  try {
    module.C_Login(session, pkcs11js.CKU_USER, settings.pin);
  } catch (error) {
    // The login belongs to the application, not the session: the second session finds it done.
    if (!isCode(error, pkcs11js.CKR_USER_ALREADY_LOGGED_IN)) {
      closeQuietly(session);
      throw error;
    }
  }
  return session;
}

function findKey(session: pkcs11js.Handle): pkcs11js.Handle {
  module.C_FindObjectsInit(session, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
    { type: pkcs11js.CKA_LABEL, value: settings.keyLabel },
  ]);
  let found: pkcs11js.Handle[];
  try {
    found = module.C_FindObjects(session, 2);
  } finally {
    module.C_FindObjectsFinal(session);
  }
  if (found.length !== 1) {
    throw Object.assign(new Error('key not found'), {
      lifelineCode: found.length === 0 ? 'PKCS11_KEY_NOT_FOUND' : 'PKCS11_KEY_AMBIGUOUS',
    });
  }
  const [type] = module.C_GetAttributeValue(session, found[0]!, [{ type: pkcs11js.CKA_KEY_TYPE }]);
  // A CK_ULONG in the module's byte order (little-endian here); key types are small numbers.
  const keyType =
    Buffer.isBuffer(type?.value) && type.value.length >= 4 ? type.value.readUInt32LE(0) : -1;
  if (keyType !== pkcs11js.CKK_RSA) {
    throw Object.assign(new Error('not RSA'), { lifelineCode: 'PKCS11_KEY_NOT_RSA' });
  }
  return found[0]!;
}

function signOnce(session: pkcs11js.Handle, data: Buffer): Buffer {
  module.C_SignInit(session, { mechanism: pkcs11js.CKM_RSA_PKCS }, key!);
  return Buffer.from(module.C_Sign(session, data, Buffer.alloc(modulusBytes)));
}

/**
 * One signature. A session that fails is closed; when it came from the pool (it may have been
 * cut off since: the module restarted, the network HSM dropped it), the pool is emptied and a
 * fresh session, with the key found again, gets one try.
 */
function sign(data: Buffer): Buffer {
  const pooled = idle.pop();
  const session = pooled ?? openSession();
  try {
    const signature = signOnce(session, data);
    idle.push(session);
    return signature;
  } catch (error) {
    closeQuietly(session);
    if (pooled === undefined) throw error;
    closeAllIdle();
    const fresh = openSession();
    try {
      // Object handles may not outlive the sessions they were found in (SoftHSM renumbers them).
      key = findKey(fresh);
      const signature = signOnce(fresh, data);
      idle.push(fresh);
      return signature;
    } catch (again) {
      closeQuietly(fresh);
      throw again;
    }
  }
}

function closeQuietly(session: pkcs11js.Handle): void {
  try {
    module.C_CloseSession(session);
  } catch {
    // already gone with the module's state
  }
}

function closeAllIdle(): void {
  for (const session of idle.splice(0)) closeQuietly(session);
}

port.on('message', (request: Pkcs11ThreadRequest) => {
  if (request.type === 'close') {
    closeAllIdle();
    try {
      module.C_Finalize();
      module.close();
    } catch {
      // closing anyway
    }
    port.close();
    return;
  }
  try {
    const signature = sign(Buffer.from(request.data));
    reply({ type: 'signed', id: request.id, signature: new Uint8Array(signature) });
  } catch (error) {
    reply({ type: 'failed', id: request.id, failure: describePkcs11Failure(error, settings) });
  }
});

try {
  const { modulus, exponent } = open();
  reply({
    type: 'ready',
    modulus: new Uint8Array(modulus),
    exponent: new Uint8Array(exponent),
  });
} catch (error) {
  reply({ type: 'unavailable', failure: describePkcs11Failure(error, settings) });
}
