/**
 * The part of the Zendesk Apps Framework client (ZAF SDK 2.0, loaded from Zendesk's CDN by
 * iframe.html) that the sidebar uses.
 */
export interface ZafRequestOptions {
  url: string;
  type: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  contentType?: string;
  data?: string;
  headers?: Record<string, string>;
  /** Route through Zendesk's proxy, which fills in `{{setting.…}}` and `{{jwt.token}}`. */
  cors?: boolean;
  secure?: boolean;
  dataType?: 'json' | 'text';
  httpCompleteResponse?: boolean;
  timeout?: number;
  jwt?: {
    algorithm: 'HS256';
    secret_key: string;
    /** Seconds: Zendesk sets `exp` this far after `iat`. */
    expiry: number;
    claims: Record<string, string | number>;
  };
}

/** What `request` resolves with when `httpCompleteResponse` is true, and rejects with on an HTTP error. */
export interface ZafResponse {
  status: number;
  responseText?: string;
  responseJSON?: unknown;
  headers?: Record<string, string>;
}

export interface ZafContext {
  product: string;
  location: string;
  instanceGuid?: string;
  ticketId?: number;
  account: { subdomain: string };
}

export interface ZafMetadata {
  appId: number;
  installationId: number;
  name?: string;
  version?: string;
  /** Only the settings that are not secure: the shared secret is never here. */
  settings: Record<string, unknown>;
}

export interface ZafClient {
  get(paths: string | string[]): Promise<Record<string, unknown>>;
  set(path: string, value: unknown): Promise<unknown>;
  context(): Promise<ZafContext>;
  metadata(): Promise<ZafMetadata>;
  request(options: ZafRequestOptions): Promise<unknown>;
  invoke(name: string, ...args: unknown[]): Promise<unknown>;
  on(name: string, handler: (data: unknown) => void): void;
}

declare global {
  interface Window {
    ZAFClient?: { init(): ZafClient | false | undefined };
  }
}
