/**
 * A Zendesk for the sidebar app: serves the packaged app's files where Zendesk serves apps
 * from, the fake ZAF SDK where Zendesk's CDN is, and answers the SDK's calls from Node. Its
 * `request` does what Zendesk's proxy does for `cors: false`: fills in `{{setting.…}}` (secure
 * settings only with `secure: true` and to hosts in the manifest's domainWhitelist), signs the
 * `jwt` option's claims with HS256 plus `iat` and `exp`, puts the token where `{{jwt.token}}`
 * stands, and calls the service from the server side. Nothing reaches the network: any other
 * URL the page asks for is refused and recorded.
 */
import { build } from 'esbuild';
import { SignJWT, type JWTPayload } from 'jose';
import type { BrowserContext, Page } from 'playwright-core';
import type { ZafRequestOptions } from '../../../web/src/sidebar/zaf.js';
import type { AppFiles } from '../../../zendesk-app/scripts/app-files.js';
import { zafSdkUrl } from '../../../zendesk-app/scripts/validate.js';
import type { HostCall, RequestAnswer } from './fake-zaf-sdk.js';

export interface ZendeskInstallation {
  /** The packaged app (the zip Zendesk would receive). */
  app: AppFiles;
  subdomain: string;
  /** The installation's settings, by parameter name; the manifest says which are secure. */
  settings: Record<string, string>;
  ticket: { id: number; requester: { email: string; name: string } };
  currentUser: { id: number; name: string; email: string; role: string };
  /** The ticket's comments as the framework's `ticket.comments` gives them. */
  comments?: {
    id: number;
    value: string;
    imageAttachments: { filename: string; contentType: string; contentUrl: string }[];
    nonImageAttachments: { filename: string; contentType: string; contentUrl: string }[];
  }[];
  /** What Zendesk serves at each attachment's contentUrl (through the agent's session). */
  attachmentContents?: Record<string, string>;
}

export interface ProxiedCall {
  method: string;
  url: string;
  status: number;
  claims?: JWTPayload;
}

export interface OpenSidebar {
  page: Page;
  /** What went through the Zendesk proxy, in order. */
  calls: ProxiedCall[];
  resizes: unknown[];
  /** What the app set (`client.set`) and invoked (`client.invoke`), in order. */
  sets: { path: string; value: unknown }[];
  invokes: { name: string; args: unknown[] }[];
  /** URLs the page tried to reach that are neither the app nor the SDK. */
  refused: string[];
}

const appId = 1_234_567;
const assetBase = `https://${appId}.apps.zdusercontent.com/${appId}/`;

let sdkSource: Promise<string> | undefined;
function fakeSdk(): Promise<string> {
  sdkSource ??= build({
    entryPoints: [new URL('fake-zaf-sdk.ts', import.meta.url).pathname],
    bundle: true,
    format: 'iife',
    write: false,
    logLevel: 'silent',
  }).then((result) => result.outputFiles[0]?.text ?? '');
  return sdkSource;
}

const contentTypes: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  png: 'image/png',
};

export async function openSidebar(
  context: BrowserContext,
  installation: ZendeskInstallation,
): Promise<OpenSidebar> {
  const manifest = JSON.parse(installation.app.read('manifest.json')?.toString('utf8') ?? '{}') as {
    parameters?: { name: string; secure?: boolean }[];
    domainWhitelist?: string[];
    location: { support: { ticket_sidebar: { url: string } } };
  };
  const secure = new Set(
    (manifest.parameters ?? [])
      .filter((parameter) => parameter.secure)
      .map((parameter) => parameter.name),
  );
  const whitelist = manifest.domainWhitelist ?? [];
  const page = await context.newPage();
  const opened: OpenSidebar = {
    page,
    calls: [],
    resizes: [],
    sets: [],
    invokes: [],
    refused: [],
  };

  await page.route('**/*', async (route) => {
    const url = route.request().url();
    if (url === zafSdkUrl)
      return route.fulfill({ status: 200, contentType: contentTypes.js, body: await fakeSdk() });
    if (url.startsWith(assetBase)) {
      const path = url.slice(assetBase.length).split(/[?#]/)[0] ?? '';
      const bytes = installation.app.read(path);
      if (!bytes) return route.fulfill({ status: 404, body: 'not in the app' });
      return route.fulfill({
        status: 200,
        contentType: contentTypes[path.split('.').pop() ?? ''] ?? 'application/octet-stream',
        body: bytes,
      });
    }
    opened.refused.push(url);
    return route.abort('blockedbyclient');
  });

  const publicSettings = Object.fromEntries(
    Object.entries(installation.settings).filter(([name]) => !secure.has(name)),
  );
  await page.exposeFunction('__zafHost', async (call: HostCall): Promise<unknown> => {
    switch (call.op) {
      case 'get': {
        const values: Record<string, unknown> = {
          'ticket.id': installation.ticket.id,
          'ticket.requester.email': installation.ticket.requester.email,
          'ticket.requester.name': installation.ticket.requester.name,
          currentUser: installation.currentUser,
          'ticket.comments': installation.comments ?? [],
        };
        return Object.fromEntries(call.paths.map((path) => [path, values[path]]));
      }
      case 'context':
        return {
          product: 'support',
          location: 'ticket_sidebar',
          instanceGuid: 'instance-1',
          ticketId: installation.ticket.id,
          account: { subdomain: installation.subdomain },
        };
      case 'metadata':
        // Zendesk never gives the app its secure settings.
        return {
          appId,
          installationId: 42,
          name: 'Lifeline',
          version: '1.0.0',
          settings: publicSettings,
        };
      case 'set':
        opened.sets.push({ path: call.path, value: call.value });
        return { [call.path]: call.value };
      case 'invoke':
        if (call.name === 'resize') opened.resizes.push(call.args[0]);
        else opened.invokes.push({ name: call.name, args: call.args });
        return {};
      case 'on':
        return undefined;
      case 'request': {
        const attachment = installation.attachmentContents?.[call.options.url];
        if (attachment !== undefined) {
          opened.calls.push({ method: call.options.type, url: call.options.url, status: 200 });
          return { ok: true, response: { status: 200, responseText: attachment } };
        }
        return proxy(call.options, installation.settings, secure, whitelist, opened.calls);
      }
    }
  });

  await page.goto(`${assetBase}${manifest.location.support.ticket_sidebar.url}`);
  return opened;
}

/** Zendesk's proxy, as far as the app relies on it. */
async function proxy(
  options: ZafRequestOptions,
  settings: Record<string, string>,
  secure: Set<string>,
  whitelist: string[],
  calls: ProxiedCall[],
): Promise<RequestAnswer> {
  const refuse = (message: string): RequestAnswer => ({
    ok: false,
    response: { status: 0, statusText: message, responseText: '' },
  });
  if (options.cors === true) return refuse('this harness only proxies (cors: false)');
  const host = new URL(options.url).hostname;
  let usesSecret = false;
  const fill = (text: string) =>
    text.replace(/\{\{setting\.([a-z_]+)\}\}/g, (_all, name: string) => {
      if (secure.has(name)) usesSecret = true;
      return settings[name] ?? '';
    });
  const url = fill(options.url);
  const headers = Object.fromEntries(
    Object.entries(options.headers ?? {}).map(([name, value]) => [name, fill(value)]),
  );
  let data = options.data === undefined ? undefined : fill(options.data);
  let claims: JWTPayload | undefined;
  if (options.jwt) {
    const key = fill(options.jwt.secret_key);
    const now = Math.floor(Date.now() / 1000);
    claims = { ...options.jwt.claims, iat: now, exp: now + options.jwt.expiry };
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: options.jwt.algorithm, typ: 'JWT' })
      .sign(new TextEncoder().encode(key));
    for (const name of Object.keys(headers))
      headers[name] = (headers[name] ?? '').replaceAll('{{jwt.token}}', token);
    data = data?.replaceAll('{{jwt.token}}', token);
  }
  if (usesSecret && (options.secure !== true || !whitelist.includes(host))) {
    return refuse(
      `secure settings are only sent with secure: true to a domain in domainWhitelist (${host} is ${whitelist.includes(host) ? '' : 'not '}listed)`,
    );
  }
  const response = await fetch(url, {
    method: options.type,
    headers: {
      ...(options.contentType && data !== undefined && { 'content-type': options.contentType }),
      ...headers,
    },
    ...(data !== undefined && { body: data }),
  });
  const responseText = await response.text();
  let responseJSON: unknown;
  try {
    responseJSON = responseText ? JSON.parse(responseText) : undefined;
  } catch {
    responseJSON = undefined;
  }
  calls.push({ method: options.type, url, status: response.status, ...(claims && { claims }) });
  const answer = {
    status: response.status,
    statusText: response.statusText,
    responseText,
    responseJSON,
    headers: Object.fromEntries(response.headers),
  };
  return response.ok ? { ok: true, response: answer } : { ok: false, response: answer };
}
