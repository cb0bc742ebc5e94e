/**
 * DATABASE_URL names PostgreSQL or SQLite, or is a path: a URL of another scheme (a typo such as
 * postgress://) stops the service with a sentence that names the setting and not the password,
 * instead of becoming the name of a new, empty SQLite file.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { ConfigError } from '../../src/config-error.js';

describe('DATABASE_URL', () => {
  for (const url of [
    'postgres://lifeline:S3cretPw@db.example:5432/lifeline',
    'postgresql://db.example/lifeline',
    'sqlite:/var/lib/lifeline/lifeline.db',
    'file:./data/lifeline.db',
    './data/lifeline.db',
    'sqlite::memory:',
    '/var/lib/lifeline/lifeline.db',
  ]) {
    it(`takes ${url}`, () => {
      assert.equal(loadConfig({ DATABASE_URL: url }).databaseUrl, url);
    });
  }

  for (const url of [
    'postgress://lifeline:S3cretPw@127.0.0.1:5432/postgres',
    'mysql://root:S3cretPw@db.example/lifeline',
    'POSTGRES://db.example/lifeline',
    'jdbc:postgresql://db.internal:5432/lifeline?user=lifeline&password=S3cretPw',
    'postgres:/bob:S3cretPw@db/x',
    'postgres:bob:S3cretPw@db',
    'postgres ://bob:S3cretPw@db/x',
    'postgres%3A//bob:S3cretPw@db/x',
    '//bob:S3cretPw@db/x',
    'bob:S3cretPw@db/x',
    'sqlite://bob:S3cretPw@x',
    'file://bob:S3cretPw@x',
  ]) {
    it(`refuses ${url.replace(/:[^:@/]+@/, ':***@')} without printing its password`, () => {
      assert.throws(
        () => loadConfig({ DATABASE_URL: url }),
        (error: unknown) =>
          error instanceof ConfigError &&
          /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL, sqlite:PATH, or a file path/.test(
            error.message,
          ) &&
          !error.message.includes('S3cretPw'),
      );
    });
  }
});
