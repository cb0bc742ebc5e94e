/**
 * The local stand-in for Zendesk's validator: the app as built passes, and each thing Zendesk
 * (or this app's code) would refuse is reported in words that say what to fix.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import { buildWeb } from '../../scripts/build-web.js';
import { appFilesFromDirectory, appFilesFromMap } from '../../zendesk-app/scripts/app-files.js';
import { encodePng, readPngInfo } from '../../zendesk-app/scripts/png.js';
import { duplicateKeys, validateApp } from '../../zendesk-app/scripts/validate.js';

const appRoot = fileURLToPath(new URL('../../zendesk-app/', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));

function sourceFiles(): Map<string, Uint8Array> {
  const files = appFilesFromDirectory(appRoot);
  return new Map(files.paths().map((path) => [path, files.read(path) ?? new Uint8Array()]));
}

function withManifest(change: (manifest: Record<string, any>) => void): Map<string, Uint8Array> {
  const files = sourceFiles();
  const manifest = JSON.parse(
    Buffer.from(files.get('manifest.json') ?? []).toString('utf8'),
  ) as Record<string, any>;
  change(manifest);
  files.set('manifest.json', Buffer.from(JSON.stringify(manifest)));
  return files;
}

function errorsOf(files: Map<string, Uint8Array>): string[] {
  return validateApp(appFilesFromMap(files)).errors;
}

/** A PNG that says it has no alpha channel (colour type 2), to check the transparency rule. */
function opaquePng(size: number): Buffer {
  const png = encodePng(size, size, new Uint8Array(size * size * 4));
  png[25] = 2; // IHDR's colour type; the validator reads the header, not the CRC.
  return png;
}

describe('zendesk:validate', () => {
  before(() => buildWeb());

  it('passes the app as built, warning only that the domain whitelist is still the placeholder', () => {
    const report = validateApp(appFilesFromDirectory(appRoot));
    assert.deepEqual(report.errors, []);
    assert.equal(report.warnings.length, 1);
    assert.match(report.warnings[0] ?? '', /domainWhitelist still names lifeline\.example\.com/);
  });

  it('ships logos of the sizes Zendesk asks for', () => {
    const files = appFilesFromDirectory(appRoot);
    assert.deepEqual(readPngInfo(files.read('assets/logo.png') ?? Buffer.alloc(0)), {
      width: 320,
      height: 320,
      bitDepth: 8,
      colorType: 6,
      transparency: true,
    });
    assert.deepEqual(readPngInfo(files.read('assets/logo-small.png') ?? Buffer.alloc(0)), {
      width: 128,
      height: 128,
      bitDepth: 8,
      colorType: 6,
      transparency: true,
    });
  });

  it('requires the author, the default locale and its translations, and framework 2.0', () => {
    assert.ok(
      errorsOf(withManifest((m) => delete m.author)).some((e) => /"author" is required/.test(e)),
    );
    assert.ok(
      errorsOf(withManifest((m) => (m.author.url = 'not a url'))).some((e) =>
        /author\.url is not a valid URL/.test(e),
      ),
    );
    assert.ok(
      errorsOf(withManifest((m) => (m.defaultLocale = 'fr'))).some((e) =>
        /translations\/fr\.json is missing/.test(e),
      ),
    );
    assert.ok(
      errorsOf(withManifest((m) => (m.frameworkVersion = '1.0'))).some((e) =>
        /frameworkVersion "1\.0" is not one Zendesk serves/.test(e),
      ),
    );
    assert.ok(
      errorsOf(withManifest((m) => (m.private = 'yes'))).some((e) =>
        /"private" must be true or false/.test(e),
      ),
    );
  });

  it('checks locations: known names, and URLs that exist in the app', () => {
    assert.ok(
      errorsOf(
        withManifest(
          (m) => (m.location.support = { ticket_sidebr: { url: 'assets/iframe.html' } }),
        ),
      ).some((e) => /"ticket_sidebr" is not a support location/.test(e)),
    );
    assert.ok(
      errorsOf(
        withManifest((m) => (m.location.support.ticket_sidebar.url = 'assets/missing.html')),
      ).some((e) => /points to assets\/missing\.html, which is not in the app/.test(e)),
    );
    assert.ok(
      errorsOf(
        withManifest(
          (m) => (m.location.support.ticket_sidebar.url = 'http://lifeline.example.com/'),
        ),
      ).some((e) => /must use https/.test(e)),
    );
    assert.ok(
      errorsOf(withManifest((m) => (m.location.support.ticket_sidebar.flexible = 'yes'))).some(
        (e) => /flexible must be true or false/.test(e),
      ),
    );
    assert.ok(
      errorsOf(withManifest((m) => delete m.location)).some((e) =>
        /"location" is required/.test(e),
      ),
    );
  });

  it('checks parameters: types, secure settings, and what the app relies on', () => {
    assert.ok(
      errorsOf(withManifest((m) => (m.parameters[0].type = 'uri'))).some((e) =>
        /parameter "lifeline_url" has type "uri"/.test(e),
      ),
    );
    assert.ok(
      errorsOf(withManifest((m) => (m.parameters[1].secure = false))).some((e) =>
        /shared_secret.*must be a "secure": true parameter/.test(e),
      ),
    );
    assert.ok(
      errorsOf(withManifest((m) => m.parameters.push({ name: 'lifeline_url' }))).some((e) =>
        /parameter "lifeline_url" is declared twice/.test(e),
      ),
    );
    assert.ok(
      errorsOf(withManifest((m) => m.parameters.push({ name: 'name' }))).some((e) =>
        /may not be called "name"/.test(e),
      ),
    );
    assert.ok(
      errorsOf(
        withManifest((m) => m.parameters.push({ name: 'region', type: 'hidden', required: true })),
      ).some((e) => /hidden parameter "region" cannot be required/.test(e)),
    );
    const report = validateApp(
      appFilesFromMap(withManifest((m) => m.parameters.push({ name: 'api_token', type: 'text' }))),
    );
    assert.ok(report.warnings.some((w) => /"api_token" looks like a secret/.test(w)));
    assert.ok(
      errorsOf(withManifest((m) => (m.domainWhitelist = ['https://lifeline.acme.com']))).some((e) =>
        /must be a host name/.test(e),
      ),
    );
  });

  it('finds keys named twice in the manifest', () => {
    assert.deepEqual(
      duplicateKeys('{"a": 1, "b": {"a": 2, "c": [ {"a": 1}, {"a": 2} ]}, "a": 3}'),
      ['a'],
    );
    const files = sourceFiles();
    files.set(
      'manifest.json',
      Buffer.from(
        Buffer.from(files.get('manifest.json') ?? [])
          .toString('utf8')
          .replace('"private": true,', '"private": true, "private": false,'),
      ),
    );
    assert.ok(errorsOf(files).some((e) => /names "private" twice/.test(e)));
  });

  it('checks translations and logos', () => {
    const noTranslations = sourceFiles();
    noTranslations.delete('translations/en.json');
    assert.ok(errorsOf(noTranslations).some((e) => /translations\/en\.json is missing/.test(e)));

    const noName = sourceFiles();
    noName.set('translations/en.json', Buffer.from('{"app": {"short_description": "x"}}'));
    assert.ok(errorsOf(noName).some((e) => /app\.name is required/.test(e)));

    const badJson = sourceFiles();
    badJson.set('translations/de.json', Buffer.from('{'));
    assert.ok(errorsOf(badJson).some((e) => /translations\/de\.json is not valid JSON/.test(e)));

    const smallLogo = sourceFiles();
    smallLogo.set('assets/logo.png', encodePng(128, 128, new Uint8Array(128 * 128 * 4)));
    assert.ok(
      errorsOf(smallLogo).some((e) =>
        /assets\/logo\.png is 128×128; Zendesk asks for 320×320/.test(e),
      ),
    );

    const opaqueSmall = sourceFiles();
    opaqueSmall.set('assets/logo-small.png', opaquePng(128));
    assert.ok(
      errorsOf(opaqueSmall).some((e) => /logo-small\.png must be a PNG with transparency/.test(e)),
    );

    const notPng = sourceFiles();
    notPng.set('assets/logo-small.png', Buffer.from('GIF89a'));
    assert.ok(errorsOf(notPng).some((e) => /logo-small\.png is not a PNG/.test(e)));
  });

  it('checks the iframe loads the ZAF SDK from Zendesk, and its own files from the app', () => {
    const files = sourceFiles();
    const html = Buffer.from(files.get('assets/iframe.html') ?? []).toString('utf8');
    const local = sourceFiles();
    local.set(
      'assets/iframe.html',
      Buffer.from(html.replace(/https:\/\/static\.zdassets\.com[^"]+/, 'zaf_sdk.min.js')),
    );
    assert.ok(
      errorsOf(local).some((e) =>
        /must load the ZAF SDK from https:\/\/static\.zdassets\.com/.test(e),
      ),
    );

    const unbuilt = sourceFiles();
    unbuilt.delete('assets/sidebar.js');
    assert.ok(
      errorsOf(unbuilt).some((e) =>
        /loads sidebar\.js, which is not in the app \(run npm run zendesk:package/.test(e),
      ),
    );

    const legacy = sourceFiles();
    legacy.set('app.js', Buffer.from('(function(){}())'));
    assert.ok(errorsOf(legacy).some((e) => /app\.js: an app whose locations are URLs/.test(e)));
  });

  it('exits with 1 and lists the errors when run on a broken app', async () => {
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'zendesk-app/scripts/validate.ts', 'test/fixtures'],
        { cwd: root },
        (error, _stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
      );
    });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /error: manifest\.json is missing/);
  });
});
