/**
 * How fast licenses are made and read, against the floor set by RSA itself. Making a license
 * is one RSA-2048 private operation plus AES, JSON and base64 on ~600 bytes, so its rate
 * should stay within a few percent of the raw RSA rate (encodeRatio near 1): anything lower
 * means per-call overhead (a PEM parsed per call, a slow base64 wrap) crept in.
 *
 * The three measurements are interleaved in short slices, so that a machine that speeds up or
 * slows down (turbo, a noisy neighbour) affects all three alike, and rates are per second of
 * this process's CPU time: on a shared machine (CI, a busy laptop) wall-clock rates measure the
 * neighbours as much as the code. On an idle machine both are the same, as all the work here
 * is synchronous on one thread.
 */
import { constants, privateEncrypt, randomBytes } from 'node:crypto';
import {
  buildEmergencyLicense,
  decodeLicense,
  defaultEmergencyLicenseSettings,
  encodeLicense,
  generateSigningKeyPair,
  loadSigningKey,
  loadVerificationKey,
} from '../src/license/index.js';

export interface LicenseBenchResult {
  /** Raw RSA-2048 PKCS#1 v1.5 private operations on a 16-byte AES key, per second. */
  rsaRawOpsPerSec: number;
  /** Complete license texts made, per second. */
  licenseEncodePerSec: number;
  /** License texts read and checked, per second. */
  licenseDecodePerSec: number;
  /** licenseEncodePerSec / rsaRawOpsPerSec: the share of the RSA floor encode keeps. */
  encodeRatio: number;
}

/** Slices per measurement: each case runs for seconds / ROUNDS per round (125 ms at 2 s). */
const ROUNDS = 16;

export async function benchLicense(
  options: { seconds?: number } = {},
): Promise<LicenseBenchResult> {
  const seconds = options.seconds ?? 2;
  if (!(seconds > 0)) throw new RangeError('seconds must be positive');
  const pair = generateSigningKeyPair(2048);
  const signing = loadSigningKey(pair.privatePem);
  const keys = [loadVerificationKey(pair.publicPem)];
  const attributes = buildEmergencyLicense(
    {
      customerEmail: 'admin@customer.example',
      userCount: 250,
      at: new Date('2026-11-28T12:00:00Z'),
    },
    defaultEmergencyLicenseSettings,
  );
  const aesKey = randomBytes(16);
  const sample = encodeLicense(attributes, signing);

  const cases = {
    rsaRaw: () => {
      privateEncrypt({ key: signing.privateKey, padding: constants.RSA_PKCS1_PADDING }, aesKey);
    },
    encode: () => {
      encodeLicense(attributes, signing);
    },
    decode: () => {
      if (!decodeLicense(sample, keys).ok) throw new Error('benchmark license did not decode');
    },
  };
  type CaseName = keyof typeof cases;
  const names = Object.keys(cases) as CaseName[];
  const totals = Object.fromEntries(
    names.map((name) => [name, { ops: 0, cpuMicros: 0 }]),
  ) as Record<CaseName, { ops: number; cpuMicros: number }>;

  // Warm up every path (JIT, OpenSSL's key caches) before anything counts.
  for (const name of names) runFor(cases[name], 100_000_000n);

  const sliceNs = BigInt(Math.round((seconds * 1e9) / ROUNDS));
  for (let round = 0; round < ROUNDS; round += 1) {
    // Rotate the order so no case always runs first in a round.
    for (let index = 0; index < names.length; index += 1) {
      const name = names[(round + index) % names.length]!;
      const { ops, cpuMicros } = runFor(cases[name], sliceNs);
      totals[name].ops += ops;
      totals[name].cpuMicros += cpuMicros;
    }
    // Let the event loop breathe between rounds (signals, stderr).
    await new Promise((resolve) => setImmediate(resolve));
    if ((round + 1) % 4 !== 0) continue;
    process.stderr.write(
      `bench license: round ${round + 1}/${ROUNDS} ${names.map((name) => `${name} ${rate(totals[name]).toFixed(0)}/s`).join(', ')}\n`,
    );
  }

  const rsaRawOpsPerSec = rate(totals.rsaRaw);
  const licenseEncodePerSec = rate(totals.encode);
  return {
    rsaRawOpsPerSec: round1(rsaRawOpsPerSec),
    licenseEncodePerSec: round1(licenseEncodePerSec),
    licenseDecodePerSec: round1(rate(totals.decode)),
    encodeRatio: Math.round((licenseEncodePerSec / rsaRawOpsPerSec) * 1000) / 1000,
  };
}

/** Runs `operation` for about `budgetNs` of wall time; returns the count and the CPU time used. */
function runFor(operation: () => void, budgetNs: bigint): { ops: number; cpuMicros: number } {
  const cpuBefore = process.cpuUsage();
  const start = process.hrtime.bigint();
  let ops = 0;
  while (process.hrtime.bigint() - start < budgetNs) {
    operation();
    ops += 1;
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { ops, cpuMicros: cpu.user + cpu.system };
}

function rate(total: { ops: number; cpuMicros: number }): number {
  return total.cpuMicros === 0 ? 0 : (total.ops * 1e6) / total.cpuMicros;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
