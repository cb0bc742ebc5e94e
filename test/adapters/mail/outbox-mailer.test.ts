import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { RemoteFailure } from '../../../src/ports/remote-failure.js';
import { renderLicenseEmail } from '../../../src/adapters/mail/license-email.js';
import { createOutboxMailer, derivedFileName } from '../../../src/adapters/mail/outbox-mailer.js';
import { emailDeliveryId } from '../../../src/requests/delivery-ids.js';
import { LICENSE_TEXT, sampleLicenseEmail } from './sample-license-email.js';

describe('the outbox mailer', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'lifeline-outbox-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** A clock that moves one second per call, so that two writes never share a file name by chance. */
  function steppingClock(start = Date.parse('2026-11-28T09:15:30.250Z')): () => Date {
    let now = start;
    return () => new Date((now += 1000));
  }

  it('writes one RFC 5322 message that a mail parser reads back whole', async () => {
    const directory = join(root, 'created', 'on', 'demand');
    const mailer = createOutboxMailer({ directory, clock: steppingClock() });
    const mail = renderLicenseEmail(sampleLicenseEmail());
    const sent = await mailer.send(mail);
    await mailer.close();

    assert.equal(sent.messageId, mail.messageId);
    // The file's name, not the server's path: receipts are shown in API answers.
    assert.equal(
      sent.receipt,
      '2026-11-28T09-15-31-250Z-6f1c9a52-3b7e-4f0a-9d21-0c8e5b7a4d10-d2.eml',
    );
    assert.equal((await stat(join(directory, sent.receipt))).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(directory), [basename(sent.receipt)]);

    const raw = await readFile(join(directory, sent.receipt));
    assert.ok(raw.includes('\r\n'), 'CRLF line ends');
    const parsed = await simpleParser(raw);
    assert.equal(parsed.messageId, mail.messageId);
    assert.equal(parsed.subject, mail.subject);
    assert.deepEqual(parsed.from?.value, [
      { name: 'GitLab Support', address: 'support@support.example.com' },
    ]);
    assert.equal(parsed.replyTo?.value[0]?.address, 'help@support.example.com');
    assert.equal(parsed.headers.get('x-lifeline-request'), '6f1c9a52-3b7e-4f0a-9d21-0c8e5b7a4d10');
    assert.equal(parsed.text?.trim(), mail.text.trim());
    assert.equal(parsed.html && parsed.html.trim(), mail.html.trim());

    assert.equal(parsed.attachments.length, 1);
    const [attachment] = parsed.attachments;
    assert.equal(attachment?.filename, 'emergency-12345.gitlab-license');
    assert.match(attachment?.filename ?? '', /\.gitlab-license$/);
    assert.ok(attachment?.content.equals(Buffer.from(LICENSE_TEXT, 'utf8')), 'byte for byte');
  });

  it('replaces the file when the same Message-ID is written again', async () => {
    const directory = join(root, 'idempotent');
    const mailer = createOutboxMailer({ directory, clock: steppingClock() });
    const first = await mailer.send(renderLicenseEmail(sampleLicenseEmail()));
    const again = renderLicenseEmail(sampleLicenseEmail());
    again.subject = 'Second attempt';
    const second = await mailer.send(again);

    assert.equal(second.receipt, first.receipt);
    assert.deepEqual(await readdir(directory), [basename(first.receipt)]);
    const parsed = await simpleParser(await readFile(join(directory, first.receipt)));
    assert.equal(parsed.subject, 'Second attempt');
  });

  // 2026-12-02T08:20:00.123Z in a version-7 UUID's first 48 bits.
  const v7DeliveryId = '01a235d6-cffb-7c2a-9e4f-3a1b2c3d4e5f';

  it('names a license email by its delivery’s time, so a restarted outbox replaces it without an index', async () => {
    const directory = join(root, 'derived');
    const mail = renderLicenseEmail(sampleLicenseEmail({ deliveryId: v7DeliveryId }));
    const first = await createOutboxMailer({ directory, clock: steppingClock() }).send(mail);
    assert.equal(
      first.receipt,
      `2026-12-02T08-20-00-123Z-6f1c9a52-3b7e-4f0a-9d21-0c8e5b7a4d10-${v7DeliveryId}.eml`,
    );
    // A new mailer, as after a restart, on another clock: the same message, the same file.
    const again = { ...mail, subject: 'After a restart' };
    const later = createOutboxMailer({ directory, clock: steppingClock(Date.parse('2027-01-01')) });
    const second = await later.send(again);
    assert.equal(second.receipt, first.receipt);
    assert.deepEqual(await readdir(directory), [first.receipt]);
    const parsed = await simpleParser(await readFile(join(directory, first.receipt)));
    assert.equal(parsed.subject, 'After a restart');
  });

  it('still replaces a license email that an earlier version named by the time of writing', async () => {
    const directory = join(root, 'written-before');
    const mail = renderLicenseEmail(sampleLicenseEmail({ deliveryId: v7DeliveryId }));
    // As earlier versions named every file: by the clock when it was written.
    const earlier = `2026-12-02T08-20-07-000Z-6f1c9a52-3b7e-4f0a-9d21-0c8e5b7a4d10-${v7DeliveryId}.eml`;
    await createOutboxMailer({ directory }).check();
    await writeFile(join(directory, earlier), 'the first attempt');
    const sent = await createOutboxMailer({ directory }).send(mail);
    assert.equal(sent.receipt, earlier);
    assert.deepEqual(await readdir(directory), [earlier]);
    assert.notEqual(await readFile(join(directory, earlier), 'utf8'), 'the first attempt');
  });

  it('names a first license email, whose delivery id holds no time, by its request’s time', async () => {
    const directory = join(root, 'first-license');
    // As src/requests/steps/send-email.ts sends it: the request's v7 id, the delivery REQUEST:email:license.
    const requestId = v7DeliveryId;
    const mail = renderLicenseEmail(
      sampleLicenseEmail({ requestId, deliveryId: emailDeliveryId(requestId) }),
    );
    const expected = `2026-12-02T08-20-00-123Z-${requestId}-${requestId}_email_license.eml`;
    // Written a month later: the name comes from the id, not from the clock, so it needs no index.
    const sent = await createOutboxMailer({
      directory,
      clock: steppingClock(Date.parse('2027-01-01')),
    }).send(mail);
    assert.equal(sent.receipt, expected);
    const again = await createOutboxMailer({ directory }).send(mail);
    assert.equal(again.receipt, expected);
    assert.deepEqual(await readdir(directory), [expected]);
  });

  it('derives a name from a version-7 UUID that ends the key (the delivery) or begins it (the request)', () => {
    assert.equal(
      derivedFileName(`r1-${v7DeliveryId}`),
      `2026-12-02T08-20-00-123Z-r1-${v7DeliveryId}.eml`,
    );
    assert.equal(
      derivedFileName(`${v7DeliveryId}-d2`),
      `2026-12-02T08-20-00-123Z-${v7DeliveryId}-d2.eml`,
    );
    assert.equal(derivedFileName('r1-d2'), undefined);
    // Version 4: random from the first bit, no time in it.
    assert.equal(derivedFileName('r1-6f1c9a52-3b7e-4f0a-9d21-0c8e5b7a4d10'), undefined);
    assert.equal(derivedFileName('6f1c9a52-3b7e-4f0a-9d21-0c8e5b7a4d10-d2'), undefined);
    // A UUID alone is not a key: a key has the request's part and the delivery's.
    assert.equal(derivedFileName(v7DeliveryId), undefined);
  });

  it('writes one file for concurrent sends of one message, and one per delivery', async () => {
    const directory = join(root, 'concurrent');
    const mailer = createOutboxMailer({ directory, clock: steppingClock() });
    const mail = renderLicenseEmail(sampleLicenseEmail());
    const receipts = await Promise.all([1, 2, 3, 4].map(() => mailer.send(mail)));
    assert.equal(new Set(receipts.map((sent) => sent.receipt)).size, 1);
    await mailer.send(renderLicenseEmail(sampleLicenseEmail({ deliveryId: 'd3' })));

    const files = await readdir(directory);
    assert.equal(files.length, 2, files.join(', '));
    assert.ok(
      files.every((name) => name.endsWith('.eml')),
      'no temporary file left behind',
    );
  });

  it('reports a writable directory as ready, and writes the test message there', async () => {
    const directory = join(root, 'checked');
    const mailer = createOutboxMailer({ directory });
    const rows = await mailer.check({ sendTestTo: 'ops@example.org' });
    assert.deepEqual(
      rows.map((row) => [row.name, row.ok]),
      [
        ['Mail outbox', true],
        ['Mail test message', true],
      ],
    );
    const files = await readdir(directory);
    assert.equal(files.length, 1);
    const parsed = await simpleParser(await readFile(join(directory, files[0] ?? '')));
    assert.equal(parsed.to && !Array.isArray(parsed.to) ? parsed.to.text : '', 'ops@example.org');
  });

  it('reports and refuses a directory it cannot write, as a configuration problem', async () => {
    // A file where the directory should be: fails for root too, unlike a permission bit.
    const blocker = join(root, 'blocker');
    await writeFile(blocker, 'not a directory');
    const mailer = createOutboxMailer({
      directory: join(blocker, 'outbox'),
      directorySetting: 'LIFELINE_OUTBOX_DIR',
    });

    const [row] = await mailer.check();
    assert.equal(row?.ok, false);
    assert.match(row?.fix ?? '', /LIFELINE_OUTBOX_DIR/);

    const error = await mailer.send(renderLicenseEmail(sampleLicenseEmail())).then(
      () => assert.fail('send should fail'),
      (failure: unknown) => failure,
    );
    assert.ok(error instanceof RemoteFailure);
    assert.equal(error.kind, 'configuration');
    assert.equal(error.code, 'OUTBOX_NOT_WRITABLE');
    // The message reaches the request's timeline and API answers: no server path in it.
    assert.doesNotMatch(error.message, new RegExp(root));
    assert.match(error.message, /LIFELINE_OUTBOX_DIR/);
  });
});
