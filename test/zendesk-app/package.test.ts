/** `zendesk:package`: the zip Zendesk receives holds exactly the app, for this Lifeline's host. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { appFilesFromDirectory, appFilesFromZip } from '../../zendesk-app/scripts/app-files.js';
import { packageApp, PackageError } from '../../zendesk-app/scripts/package.js';
import { validateApp } from '../../zendesk-app/scripts/validate.js';

describe('zendesk:package', () => {
  const outDir = mkdtempSync(join(tmpdir(), 'lifeline-package-'));
  after(() => rmSync(outDir, { recursive: true, force: true }));

  it('builds the sidebar and zips the manifest, translations and assets, whitelisting the Lifeline host', async () => {
    const result = await packageApp({ lifelineUrl: 'https://lifeline.acme.com/', outDir });
    assert.equal(result.zipPath, join(outDir, 'lifeline-zendesk-app-1.0.0.zip'));
    assert.deepEqual(result.report, { errors: [], warnings: [] });

    const zip = appFilesFromZip(readFileSync(result.zipPath));
    assert.deepEqual(zip.paths(), [
      'assets/iframe.html',
      'assets/logo-small.png',
      'assets/logo.png',
      'assets/sidebar.css',
      'assets/sidebar.js',
      'manifest.json',
      'translations/en.json',
    ]);
    const manifest = JSON.parse(zip.read('manifest.json')?.toString('utf8') ?? '{}') as {
      domainWhitelist: string[];
    };
    assert.deepEqual(manifest.domainWhitelist, ['lifeline.acme.com']);
    assert.deepEqual(validateApp(zip).errors, []);
    const unpacked = appFilesFromDirectory(result.appDir);
    assert.deepEqual(unpacked.paths(), zip.paths(), 'dist/app holds the same files, for zcli');
    assert.ok(unpacked.read('manifest.json')?.equals(zip.read('manifest.json') ?? Buffer.alloc(0)));
    assert.match(
      zip.read('assets/sidebar.js')?.toString('utf8') ?? '',
      /\{\{jwt\.token\}\}/,
      'the sidebar signs its calls through Zendesk',
    );
  });

  it('gives the same zip for the same files', async () => {
    const first = readFileSync(
      (await packageApp({ lifelineUrl: 'https://lifeline.acme.com', outDir, build: false }))
        .zipPath,
    );
    const second = readFileSync(
      (await packageApp({ lifelineUrl: 'https://lifeline.acme.com', outDir, build: false }))
        .zipPath,
    );
    assert.ok(first.equals(second));
  });

  it('refuses to build an app that names no reachable Lifeline', async () => {
    const cases: [string | undefined, RegExp][] = [
      [undefined, /still names lifeline\.example\.com.*LIFELINE_PUBLIC_URL/],
      ['http://lifeline.acme.com', /must be https/],
      ['https://localhost:8080', /cannot reach/],
      ['https://127.0.0.1', /cannot reach/],
      ['https://lifeline.example.com', /cannot reach/],
    ];
    for (const [lifelineUrl, pattern] of cases) {
      await assert.rejects(
        packageApp({ ...(lifelineUrl && { lifelineUrl }), outDir, build: false }),
        (error: unknown) => error instanceof PackageError && pattern.test(error.message),
        String(lifelineUrl),
      );
    }
  });

  it('reads LIFELINE_PUBLIC_URL from .env as the service does, and exits 1 without one', () => {
    const work = mkdtempSync(join(tmpdir(), 'lifeline-package-env-'));
    const script = fileURLToPath(new URL('../../zendesk-app/scripts/package.ts', import.meta.url));
    const tsx = import.meta.resolve('tsx');
    const run = () =>
      spawnSync(process.execPath, ['--import', tsx, script], {
        cwd: work,
        encoding: 'utf8',
        env: Object.fromEntries(
          Object.entries(process.env).filter(([name]) => name !== 'LIFELINE_PUBLIC_URL'),
        ),
      });
    try {
      const without = run();
      assert.equal(without.status, 1, without.stderr);
      assert.match(without.stderr, /still names lifeline\.example\.com/);
      writeFileSync(
        join(work, '.env'),
        'LIFELINE_PUBLIC_URL=https://lifeline.from-dotenv.example\n',
      );
      const withEnv = run();
      assert.equal(withEnv.status, 0, withEnv.stderr);
      const zip = appFilesFromZip(readFileSync(withEnv.stdout.trim()));
      const manifest = JSON.parse(zip.read('manifest.json')?.toString('utf8') ?? '{}') as {
        domainWhitelist: string[];
      };
      assert.deepEqual(manifest.domainWhitelist, ['lifeline.from-dotenv.example']);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('refuses a Lifeline URL that is not a URL', async () => {
    await assert.rejects(
      packageApp({ lifelineUrl: 'lifeline.acme.com', outDir, build: false }),
      (error: unknown) => {
        assert.ok(error instanceof PackageError);
        assert.match(error.message, /is not a URL/);
        return true;
      },
    );
  });
});
