/**
 * Checks the app the way Zendesk's validator (the zendesk_apps_support gem behind `zcli
 * apps:validate`) does statically, plus what this app needs to work: required manifest fields,
 * known locations whose files exist, parameter types, secure settings, translations, and logos
 * of the right sizes. Zendesk's own check needs an account and the network: see README.md.
 *
 *   npm run zendesk:validate            (the source folder, after npm run build:web)
 *   npx tsx zendesk-app/scripts/validate.ts path/to/app.zip
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { appFilesFromDirectory, appFilesFromZip, type AppFiles } from './app-files.js';
import { readPngInfo } from './png.js';

export interface ValidationReport {
  errors: string[];
  warnings: string[];
}

/** The versions Zendesk serves (AppVersion::TO_BE_SERVED). */
const frameworkVersions = ['2.0'];
const parameterTypes = ['text', 'password', 'checkbox', 'url', 'number', 'multiline', 'hidden'];
const locations: Record<string, string[]> = {
  support: [
    'top_bar',
    'nav_bar',
    'ticket_sidebar',
    'new_ticket_sidebar',
    'user_sidebar',
    'organization_sidebar',
    'background',
    'modal',
    'ticket_editor',
    'system_top_bar',
    'ticket_module',
  ],
  chat: ['chat_sidebar', 'background'],
  sell: [
    'top_bar',
    'note_editor',
    'call_log_editor',
    'email_editor',
    'person_card',
    'company_card',
    'deal_card',
    'lead_card',
    'background',
    'modal',
  ],
};
const validLocale = /^[a-z]{2}(-\w{2,3})?$/;
const booleanFields = [
  'private',
  'singleInstall',
  'signedUrls',
  'requirementsOnly',
  'marketingOnly',
];
const securable = /token|key|pwd|password/i;
export const zafSdkUrl = 'https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js';
/** The placeholder host that `zendesk:package` replaces with LIFELINE_PUBLIC_URL's. */
export const placeholderHost = 'lifeline.example.com';
const logos = [
  { path: 'assets/logo.png', size: 320, transparency: false },
  { path: 'assets/logo-small.png', size: 128, transparency: true },
];

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function validateApp(files: AppFiles): ValidationReport {
  const errors: string[] = [];
  const warnings: string[] = [];
  const paths = files.paths();
  const text = (path: string) => files.read(path)?.toString('utf8');

  const manifestText = text('manifest.json');
  if (manifestText === undefined) {
    const nested = paths.find((path) => /^[^/]+\/manifest\.json$/.test(path));
    return {
      errors: [
        nested
          ? `manifest.json must be at the app's root, not ${nested}`
          : 'manifest.json is missing',
      ],
      warnings,
    };
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(manifestText);
  } catch (error) {
    return { errors: [`manifest.json is not valid JSON: ${(error as Error).message}`], warnings };
  }
  if (!isObject(manifest)) return { errors: ['manifest.json must hold a JSON object'], warnings };
  for (const key of duplicateKeys(manifestText)) errors.push(`manifest.json names "${key}" twice`);

  // Required fields and their types.
  const author = manifest.author;
  if (!isObject(author)) {
    errors.push('manifest.json: "author" is required, with name, email and url');
  } else {
    for (const field of ['name', 'email', 'url']) {
      if (typeof author[field] !== 'string' || !author[field])
        errors.push(`manifest.json: author.${field} must be a non-empty string`);
    }
    if (typeof author.url === 'string' && !isHttpUrl(author.url))
      errors.push(`manifest.json: author.url is not a valid URL (${author.url})`);
    if (typeof author.email === 'string' && !/^[^\s@]+@[^\s@]+$/.test(author.email))
      errors.push('manifest.json: author.email is not an email address');
  }
  for (const field of ['name', 'version', 'defaultLocale', 'frameworkVersion']) {
    if (manifest[field] !== undefined && typeof manifest[field] !== 'string')
      errors.push(`manifest.json: "${field}" must be a string`);
  }
  for (const field of booleanFields) {
    if (manifest[field] !== undefined && typeof manifest[field] !== 'boolean')
      errors.push(`manifest.json: "${field}" must be true or false`);
  }

  const locale = manifest.defaultLocale;
  if (typeof locale !== 'string') {
    errors.push('manifest.json: "defaultLocale" is required (e.g. "en")');
  } else if (!validLocale.test(locale)) {
    errors.push(`manifest.json: defaultLocale "${locale}" is not a locale like "en" or "en-US"`);
  } else if (!paths.includes(`translations/${locale}.json`)) {
    errors.push(`translations/${locale}.json is missing (the default locale's translations)`);
  }

  if (manifest.frameworkVersion === undefined)
    errors.push('manifest.json: "frameworkVersion" is required ("2.0")');
  else if (
    typeof manifest.frameworkVersion !== 'string' ||
    !frameworkVersions.includes(manifest.frameworkVersion)
  ) {
    errors.push(
      `manifest.json: frameworkVersion ${JSON.stringify(manifest.frameworkVersion)} is not one Zendesk serves (${frameworkVersions.join(', ')})`,
    );
  }

  // Locations: known hosts and names, and URLs that exist in the package.
  const iframes = new Set<string>();
  if (!isObject(manifest.location) || Object.keys(manifest.location).length === 0) {
    errors.push('manifest.json: "location" is required (e.g. support.ticket_sidebar)');
  } else {
    for (const [host, places] of Object.entries(manifest.location)) {
      const known = locations[host];
      if (!known) {
        errors.push(`manifest.json: location host "${host}" is unknown (support, chat or sell)`);
        continue;
      }
      if (!isObject(places)) {
        errors.push(`manifest.json: location.${host} must map locations to their URLs`);
        continue;
      }
      for (const [name, value] of Object.entries(places)) {
        if (!known.includes(name))
          errors.push(`manifest.json: "${name}" is not a ${host} location`);
        const options: Json = isObject(value) ? value : { url: value };
        const url = options.url;
        if (typeof url !== 'string' || url === '') {
          if (options.autoLoad !== false)
            errors.push(`manifest.json: location ${host}.${name} has no URL`);
        } else if (url.includes('{{setting.')) {
          warnings.push(
            `manifest.json: location ${host}.${name} comes from a setting, so it is not checked`,
          );
        } else if (/^[a-z]+:/i.test(url)) {
          if (!url.startsWith('https://') && !/^http:\/\/localhost[:/]/.test(url))
            errors.push(`manifest.json: location ${host}.${name} must use https (${url})`);
        } else {
          const path = url.split(/[?#]/)[0] ?? url;
          if (!path.startsWith('assets/'))
            errors.push(`manifest.json: location ${host}.${name} must point into assets/ (${url})`);
          else if (!paths.includes(path))
            errors.push(
              `manifest.json: location ${host}.${name} points to ${path}, which is not in the app`,
            );
          else iframes.add(path);
        }
        if (options.flexible !== undefined && typeof options.flexible !== 'boolean')
          errors.push(`manifest.json: ${host}.${name}.flexible must be true or false`);
      }
    }
  }

  // Domain whitelist: secure settings are only sent to these hosts.
  const whitelist = manifest.domainWhitelist;
  if (
    whitelist !== undefined &&
    !(Array.isArray(whitelist) && whitelist.every((entry) => typeof entry === 'string'))
  ) {
    errors.push('manifest.json: "domainWhitelist" must be an array of strings');
  } else if (Array.isArray(whitelist)) {
    for (const entry of whitelist) {
      if (/[/:]/.test(entry) || !entry.includes('.'))
        errors.push(
          `manifest.json: domainWhitelist entry "${entry}" must be a host name, without scheme or path`,
        );
    }
    if (whitelist.includes(placeholderHost)) {
      warnings.push(
        `manifest.json: domainWhitelist still names ${placeholderHost}; package with LIFELINE_PUBLIC_URL=https://your-lifeline-host npm run zendesk:package`,
      );
    }
  }

  // Parameters.
  const parameters = manifest.parameters ?? [];
  if (!Array.isArray(parameters)) {
    errors.push('manifest.json: "parameters" must be an array');
  } else {
    const names = new Set<string>();
    for (const [index, parameter] of parameters.entries()) {
      if (!isObject(parameter) || typeof parameter.name !== 'string' || !parameter.name) {
        errors.push(`manifest.json: parameters[${index}] needs a name`);
        continue;
      }
      const { name } = parameter;
      if (names.has(name)) errors.push(`manifest.json: parameter "${name}" is declared twice`);
      names.add(name);
      if (name === 'name') errors.push('manifest.json: a parameter may not be called "name"');
      const type = parameter.type ?? 'text';
      if (typeof type !== 'string' || !parameterTypes.includes(type))
        errors.push(
          `manifest.json: parameter "${name}" has type ${JSON.stringify(type)}; use one of ${parameterTypes.join(', ')}`,
        );
      for (const flag of ['required', 'secure']) {
        if (parameter[flag] !== undefined && typeof parameter[flag] !== 'boolean')
          errors.push(`manifest.json: parameters.${name}.${flag} must be true or false`);
      }
      if (type === 'hidden' && parameter.required === true)
        errors.push(`manifest.json: hidden parameter "${name}" cannot be required`);
      if ('default' in parameter && (parameter.secure === true || type === 'hidden'))
        warnings.push(`manifest.json: parameter "${name}" is secure or hidden and has a default`);
      if (
        securable.test(name) &&
        (type === 'text' || type === 'password') &&
        parameter.secure !== true
      ) {
        warnings.push(
          `manifest.json: parameter "${name}" looks like a secret; make it "secure": true`,
        );
      }
    }
    // What this app's code relies on (web/src/sidebar): a secure secret for the JWT, a readable URL.
    const byName = new Map(
      (parameters as Json[]).filter(isObject).map((parameter) => [parameter.name, parameter]),
    );
    const secret = byName.get('shared_secret');
    if (!secret || secret.secure !== true)
      errors.push(
        'manifest.json: the app signs its calls with {{setting.shared_secret}}, which must be a "secure": true parameter',
      );
    const url = byName.get('lifeline_url');
    if (!url || url.secure === true)
      errors.push(
        'manifest.json: the app reads "lifeline_url" from its settings, so it must be a parameter that is not secure',
      );
  }

  // Translations.
  for (const path of paths.filter((candidate) => candidate.startsWith('translations/'))) {
    const match = /^translations\/(.+)\.json$/.exec(path);
    if (!match?.[1] || !validLocale.test(match[1])) {
      errors.push(`${path}: translation files are named after a locale, like translations/en.json`);
      continue;
    }
    let translations: unknown;
    try {
      translations = JSON.parse(text(path) ?? '');
    } catch (error) {
      errors.push(`${path} is not valid JSON: ${(error as Error).message}`);
      continue;
    }
    if (!isObject(translations)) {
      errors.push(`${path} must hold a JSON object`);
      continue;
    }
    if (path === 'translations/en.json') {
      const app = isObject(translations.app) ? translations.app : {};
      const keys = Object.keys(app).map((key) =>
        key === 'description' ? 'short_description' : key,
      );
      const required =
        manifest.private === false
          ? ['name', 'short_description', 'installation_instructions', 'long_description']
          : ['name'];
      const missing = required.filter((key) => !keys.includes(key));
      if (missing.length > 0)
        errors.push(
          `${path}: app.${missing.join(', app.')} ${missing.length === 1 ? 'is' : 'are'} required`,
        );
      const labels = isObject(app.parameters) ? app.parameters : {};
      for (const parameter of Array.isArray(parameters) ? parameters : []) {
        if (!isObject(parameter) || typeof parameter.name !== 'string') continue;
        const label = labels[parameter.name];
        if (!isObject(label) || typeof label.label !== 'string') {
          warnings.push(
            `${path}: app.parameters.${parameter.name}.label is missing, so the settings page shows the raw name`,
          );
        }
      }
    }
  }

  // An iframe-only app carries no legacy code.
  for (const path of paths) {
    if (
      path === 'app.js' ||
      path === 'app.css' ||
      /^lib\/.+\.js$/.test(path) ||
      /^templates\/.+\.hdbs$/.test(path)
    ) {
      errors.push(
        `${path}: an app whose locations are URLs (framework 2) must not have app.js, app.css, lib/ or templates/`,
      );
    }
  }

  // Logos.
  for (const logo of logos) {
    const bytes = files.read(logo.path);
    if (!bytes) {
      errors.push(`${logo.path} is missing (a ${logo.size}×${logo.size} PNG)`);
      continue;
    }
    const info = readPngInfo(bytes);
    if (!info) errors.push(`${logo.path} is not a PNG`);
    else if (info.width !== logo.size || info.height !== logo.size)
      errors.push(
        `${logo.path} is ${info.width}×${info.height}; Zendesk asks for ${logo.size}×${logo.size}`,
      );
    else if (logo.transparency && !info.transparency)
      errors.push(`${logo.path} must be a PNG with transparency (PNG-24 with alpha)`);
  }

  // The iframes: Zendesk's SDK from its CDN, and local files that are in the package.
  for (const iframe of iframes) {
    const html = text(iframe) ?? '';
    if (!html.includes(zafSdkUrl)) errors.push(`${iframe} must load the ZAF SDK from ${zafSdkUrl}`);
    const base = iframe.slice(0, iframe.lastIndexOf('/') + 1);
    for (const [, reference] of html.matchAll(
      /<(?:script|link|img)\b[^>]*?\b(?:src|href)=["']([^"']+)["']/gi,
    )) {
      if (!reference || /^(https?:|data:|\/\/)/.test(reference)) continue;
      const path = `${base}${reference.split(/[?#]/)[0] ?? reference}`.replace(
        /^assets\/\.\//,
        'assets/',
      );
      if (!paths.includes(path)) {
        errors.push(
          `${iframe} loads ${reference}, which is not in the app${/sidebar\.(js|css)$/.test(path) ? ' (run npm run zendesk:package, which builds it)' : ''}`,
        );
      }
    }
  }

  return { errors, warnings };
}

/** Keys named twice in one object of a JSON text (JSON.parse would silently keep the last). */
export function duplicateKeys(json: string): string[] {
  const duplicates: string[] = [];
  const stack: Set<string>[] = [];
  const kinds: string[] = [];
  let expectingKey = false;
  for (let index = 0; index < json.length; index++) {
    const char = json[index];
    if (char === '"') {
      let end = index + 1;
      while (end < json.length && json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
      if (expectingKey && kinds.at(-1) === 'object') {
        const key = JSON.parse(json.slice(index, end + 1)) as string;
        const seen = stack.at(-1);
        if (seen?.has(key)) duplicates.push(key);
        seen?.add(key);
        expectingKey = false;
      }
      index = end;
    } else if (char === '{') {
      stack.push(new Set());
      kinds.push('object');
      expectingKey = true;
    } else if (char === '[') {
      kinds.push('array');
    } else if (char === '}' || char === ']') {
      if (kinds.pop() === 'object') stack.pop();
    } else if (char === ',') {
      expectingKey = kinds.at(-1) === 'object';
    }
  }
  return duplicates;
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

export function printReport(report: ValidationReport, what: string): void {
  for (const warning of report.warnings) console.error(`  warning: ${warning}`);
  for (const error of report.errors) console.error(`  error: ${error}`);
  console.error(
    report.errors.length === 0
      ? `${what}: valid${report.warnings.length ? ` (${report.warnings.length} warning${report.warnings.length === 1 ? '' : 's'})` : ''}. Zendesk's own check: zcli apps:validate zendesk-app/dist/app (see zendesk-app/README.md).`
      : `${what}: ${report.errors.length} error${report.errors.length === 1 ? '' : 's'}.`,
  );
}

// Run directly, also through a link to the file (the tests run the checkout through links).
if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  const target = process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url));
  const files = target.endsWith('.zip')
    ? appFilesFromZip(readFileSync(target))
    : appFilesFromDirectory(target);
  const report = validateApp(files);
  printReport(report, target.endsWith('.zip') ? target : 'zendesk-app');
  process.exitCode = report.errors.length === 0 ? 0 : 1;
}
