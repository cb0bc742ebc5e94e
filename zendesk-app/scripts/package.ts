/**
 * Builds the zip to upload to Zendesk (Admin Center › Apps › Upload private app, or `zcli
 * apps:create`): builds the sidebar, puts the Lifeline host in the manifest's domainWhitelist
 * (Zendesk only sends secure settings, and so only signs with the shared secret, for those hosts),
 * validates, and writes zendesk-app/dist/lifeline-zendesk-app-VERSION.zip and the same files
 * unpacked in zendesk-app/dist/app/ (for zcli).
 *
 *   LIFELINE_PUBLIC_URL=https://lifeline.acme.com npm run zendesk:package
 *   npm run zendesk:package -- --lifeline-url https://lifeline.acme.com
 *   npm run zendesk:package -- --lifeline-url http://localhost:8080 --local   # zcli apps:server
 */
import { mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { buildWeb } from '../../scripts/build-web.js';
import { appFilesFromDirectory, appFilesFromMap } from './app-files.js';
import { placeholderHost, printReport, validateApp, type ValidationReport } from './validate.js';

const appRoot = fileURLToPath(new URL('..', import.meta.url));

export interface PackageResult {
  zipPath: string;
  /** The zip's files unpacked, for zcli. */
  appDir: string;
  bytes: number;
  files: string[];
  report: ValidationReport;
}

export class PackageError extends Error {
  override readonly name = 'PackageError';
  constructor(
    message: string,
    readonly report?: ValidationReport,
  ) {
    super(message);
  }
}

/** Builds, validates and zips the app; throws PackageError (with the report) when it is not valid. */
export async function packageApp(
  options: {
    lifelineUrl?: string;
    outDir?: string;
    build?: boolean;
    /** For a Lifeline on this machine (zcli apps:server, the browser tests): no reachability check. */
    local?: boolean;
  } = {},
): Promise<PackageResult> {
  if (options.build !== false) await buildWeb();
  const source = appFilesFromDirectory(appRoot);
  const files = new Map<string, Uint8Array>();
  for (const path of source.paths()) files.set(path, source.read(path) ?? new Uint8Array());

  const manifest = JSON.parse(
    Buffer.from(files.get('manifest.json') ?? new Uint8Array()).toString('utf8'),
  ) as Record<string, unknown>;
  if (options.lifelineUrl) {
    const host = reachableHost(options.lifelineUrl, options.local === true);
    const others = Array.isArray(manifest.domainWhitelist)
      ? (manifest.domainWhitelist as string[]).filter((entry) => entry !== placeholderHost)
      : [];
    manifest.domainWhitelist = [...new Set([host, ...others])];
    files.set('manifest.json', new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
  }

  const whitelist = Array.isArray(manifest.domainWhitelist) ? manifest.domainWhitelist : [];
  if (whitelist.length === 0 || whitelist.includes(placeholderHost)) {
    // Uploaded like this, the sidebar would reach nothing: Zendesk signs only for listed hosts.
    throw new PackageError(
      `The manifest still names ${placeholderHost}, not your Lifeline: set LIFELINE_PUBLIC_URL (in .env or the environment, as the service reads it) or pass --lifeline-url https://lifeline.your-company.com.`,
    );
  }

  const report = validateApp(appFilesFromMap(files));
  if (report.errors.length > 0)
    throw new PackageError(`The app is not valid:\n  - ${report.errors.join('\n  - ')}`, report);

  const outDir = options.outDir ?? join(appRoot, 'dist');
  mkdirSync(outDir, { recursive: true });
  // The same files unpacked, for zcli (apps:validate, apps:create, apps:server take a folder).
  const appDir = join(outDir, 'app');
  rmSync(appDir, { recursive: true, force: true });
  for (const [path, bytes] of files) {
    mkdirSync(dirname(join(appDir, path)), { recursive: true });
    writeFileSync(join(appDir, path), bytes);
  }
  const zipPath = join(
    outDir,
    `lifeline-zendesk-app-${typeof manifest.version === 'string' ? manifest.version : '0.0.0'}.zip`,
  );
  // A fixed date keeps the zip identical for identical files.
  const zip = zipSync(
    Object.fromEntries(
      [...files].map(([path, bytes]) => [
        path,
        [bytes, { mtime: new Date('2026-01-01T00:00:00Z') }],
      ]),
    ),
    { level: 9 },
  );
  writeFileSync(zipPath, zip);
  return { zipPath, appDir, bytes: zip.byteLength, files: [...files.keys()].sort(), report };
}

/** The host Zendesk's proxy will call: a real address on the internet, not this machine. */
function reachableHost(lifelineUrl: string, local: boolean): string {
  let url: URL;
  try {
    url = new URL(lifelineUrl);
  } catch {
    throw new PackageError(
      `The Lifeline URL ${lifelineUrl} is not a URL (e.g. https://lifeline.acme.com).`,
    );
  }
  const host = url.hostname;
  if (local) return host;
  if (url.protocol !== 'https:') {
    throw new PackageError(
      `The Lifeline URL ${lifelineUrl} must be https://: Zendesk's proxy calls apps' servers over TLS.`,
    );
  }
  if (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    /^127\./.test(host) ||
    host === '[::1]' ||
    host === placeholderHost
  ) {
    throw new PackageError(
      `The Lifeline URL ${lifelineUrl} names ${host}, which Zendesk's proxy cannot reach: give the address your Lifeline is published at.`,
    );
  }
  return host;
}

/** `.env` in the working directory, read the way the service reads it (the environment wins). */
function loadDotEnv(): void {
  try {
    process.loadEnvFile();
  } catch {
    // No .env file: the environment alone says where Lifeline is.
  }
}

function lifelineUrlArgument(argv: string[]): string | undefined {
  const index = argv.indexOf('--lifeline-url');
  if (index >= 0) return argv[index + 1];
  return argv.find((arg) => arg.startsWith('--lifeline-url='))?.slice('--lifeline-url='.length);
}

// Run directly, also through a link to the file (the tests run the checkout through links).
if (process.argv[1] && fileURLToPath(import.meta.url) === realpathSync(process.argv[1])) {
  loadDotEnv();
  const lifelineUrl = lifelineUrlArgument(process.argv.slice(2)) ?? process.env.LIFELINE_PUBLIC_URL;
  try {
    const local = process.argv.includes('--local');
    const result = await packageApp({ ...(lifelineUrl && { lifelineUrl }), local });
    printReport(result.report, 'zendesk-app');
    console.error(
      `Wrote ${relative(process.cwd(), result.zipPath)} (${(result.bytes / 1024).toFixed(1)} KiB, ${result.files.length} files) and ${relative(process.cwd(), result.appDir)}/.`,
    );
    console.log(result.zipPath);
  } catch (error) {
    if (error instanceof PackageError && error.report) printReport(error.report, 'zendesk-app');
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
