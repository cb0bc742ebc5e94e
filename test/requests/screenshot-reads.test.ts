import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TicketAttachments } from '../../src/ports/ticket-desk.js';
import { ScreenshotReads } from '../../src/requests/ticket-evidence.js';

const image = { id: 1, fileName: 'dashboard.png', contentType: 'image/png', size: 16 };
const text = { id: 2, fileName: 'notes.txt', contentType: 'text/plain', size: 2 };
const withImage: TicketAttachments = { attachments: [image, text], licenseFiles: [] };
const withoutImage: TicketAttachments = { attachments: [text], licenseFiles: [] };

describe('ScreenshotReads', () => {
  it('keeps a read that shows a screenshot for a minute of the clock, then forgets it', () => {
    let now = 1_000_000;
    const reads = new ScreenshotReads(() => now);
    reads.keep('4711', withImage);
    now += 59_999;
    assert.equal(reads.get('4711'), withImage);
    now += 1;
    assert.equal(reads.get('4711'), undefined);
  });

  it('never keeps a read without an image, and a later one without drops the kept one', () => {
    const now = 1_000_000;
    const reads = new ScreenshotReads(() => now);
    reads.keep('4711', withoutImage);
    assert.equal(reads.get('4711'), undefined);
    reads.keep('4712', withImage);
    reads.keep('4712', withoutImage);
    assert.equal(reads.get('4712'), undefined);
  });

  it('does not trust a read from the future (the clock jumped back)', () => {
    let now = 1_000_000;
    const reads = new ScreenshotReads(() => now);
    reads.keep('4711', withImage);
    now -= 1;
    assert.equal(reads.get('4711'), undefined);
  });

  it('holds at most the given number of tickets, the oldest going first', () => {
    const reads = new ScreenshotReads(() => 0, 60_000, 2);
    reads.keep('1', withImage);
    reads.keep('2', withImage);
    reads.keep('3', withImage);
    assert.equal(reads.get('1'), undefined);
    assert.equal(reads.get('2'), withImage);
    assert.equal(reads.get('3'), withImage);
  });
});
