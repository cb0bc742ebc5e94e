/**
 * Stands in for Zendesk's ZAF SDK (zaf_sdk.min.js) in the browser tests: the same `ZAFClient.init()`
 * and client methods, answered by the test's Zendesk (zendesk-harness.ts) through a function the
 * test exposes to the page. Bundled with esbuild and served where Zendesk's CDN would be.
 */
import type { ZafClient, ZafRequestOptions, ZafResponse } from '../../../web/src/sidebar/zaf.js';

export type HostCall =
  | { op: 'get'; paths: string[] }
  | { op: 'set'; path: string; value: unknown }
  | { op: 'context' }
  | { op: 'metadata' }
  | { op: 'invoke'; name: string; args: unknown[] }
  | { op: 'on'; name: string }
  | { op: 'request'; options: ZafRequestOptions };

export type RequestAnswer =
  | { ok: true; response: ZafResponse }
  | { ok: false; response: ZafResponse & { statusText: string } };

declare global {
  interface Window {
    __zafHost?: (call: HostCall) => Promise<unknown>;
  }
}

function host(call: HostCall): Promise<unknown> {
  if (!window.__zafHost) return Promise.reject(new Error('No Zendesk host in this page'));
  return window.__zafHost(call);
}

const client: ZafClient = {
  get: (paths) =>
    host({ op: 'get', paths: Array.isArray(paths) ? paths : [paths] }) as Promise<
      Record<string, unknown>
    >,
  set: (path, value) => host({ op: 'set', path, value }),
  context: () => host({ op: 'context' }) as ReturnType<ZafClient['context']>,
  metadata: () => host({ op: 'metadata' }) as ReturnType<ZafClient['metadata']>,
  invoke: (name, ...args) => host({ op: 'invoke', name, args }),
  on: (name) => void host({ op: 'on', name }),
  // Like the SDK: resolves with the data (or the whole response with httpCompleteResponse), and
  // rejects with the response on an HTTP error status.
  async request(options) {
    const answer = (await host({ op: 'request', options })) as RequestAnswer;
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- the SDK rejects with the response, not an Error
    if (!answer.ok) throw answer.response;
    return options.httpCompleteResponse
      ? answer.response
      : (answer.response.responseJSON ?? answer.response.responseText);
  },
};

window.ZAFClient = { init: () => client };
