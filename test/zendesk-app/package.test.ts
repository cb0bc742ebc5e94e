/** `zendesk:package`: the zip Zendesk receives holds exactly the app, for this Lifeline's host. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
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
