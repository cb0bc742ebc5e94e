/**
 * `npm run bench [-- --seconds N]`: runs the benchmarks and prints a readable summary with
 * the machine it ran on. The last line of stdout is one JSON object, for CI and for comparing
 * runs; progress goes to stderr.
 */
import { cpus, loadavg } from 'node:os';
import { benchCliStart } from './cli-start.js';
import { benchBatch } from './batch.js';
import { benchEndToEnd } from './e2e.js';
import { benchLicense } from './license.js';
import { benchPkcs11 } from './pkcs11.js';
import { benchPostgresThroughput, benchPostgresUrl } from './postgres.js';
import { benchSlowRemotes } from './slow-remotes.js';
import { benchSqliteCommits } from './sqlite-commits.js';
import { benchWriteTransactions } from './write-transactions.js';

function secondsFromArgs(argv: readonly string[]): number | undefined {
  const index = argv.indexOf('--seconds');
  if (index < 0) return undefined;
  const value = Number(argv[index + 1]);
  if (!(value > 0)) {
    process.stderr.write('bench: --seconds must be a positive number\n');
    process.exit(1);
  }
  return value;
}

const seconds = secondsFromArgs(process.argv.slice(2));
const processors = cpus();
const machine = {
  cpu: processors[0]?.model.trim() ?? 'unknown',
  cores: processors.length,
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
};

const license = await benchLicense(seconds === undefined ? {} : { seconds });
const pkcs11 = await benchPkcs11(seconds === undefined ? {} : { seconds });
const storage = benchSqliteCommits(seconds === undefined ? {} : { seconds });
const e2e = await benchEndToEnd();
const cliStart = benchCliStart();
const writes = await benchWriteTransactions();
const slowRemotes = await benchSlowRemotes();
// What else ran on the machine: startup figures mean little without it.
const loadAverage = loadavg().map((value) => Math.round(value * 100) / 100);
// PostgreSQL with 1, 2 and 4 worker processes, when a server is configured (e2e built dist/).
const pgRuns = [];
if (benchPostgresUrl()) {
  for (const workers of [1, 2, 4] as const) {
    pgRuns.push(await benchPostgresThroughput({ workers, requests: 450, build: false }));
  }
} else {
  process.stderr.write(
    'bench: LIFELINE_BENCH_DATABASE_URL (or LIFELINE_TEST_DATABASE_URL) is not set: no PostgreSQL figures.\n',
  );
}
// Bulk outage mode: a 10,000-row batch end to end (e2e built dist/), each stopped at a deadline
// (180 s) if it has not finished by then, so the bench takes a bounded time.
const batchSqlite = await benchBatch({ rows: 10_000, build: false });
const batchPgUrl = benchPostgresUrl();
const batchPg = batchPgUrl
  ? await benchBatch({ rows: 10_000, build: false, postgresUrl: batchPgUrl })
  : undefined;
const pgThroughputPerSec =
  pgRuns.length > 0
    ? Object.fromEntries(pgRuns.map((r) => [String(r.workers), r.throughputPerSec]))
    : null;

const lines = [
  `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node} (${machine.platform})`,
  `RSA-2048 private operation (raw):  ${license.rsaRawOpsPerSec.toFixed(0).padStart(8)} /s`,
  `License encode:                    ${license.licenseEncodePerSec.toFixed(0).padStart(8)} /s  (${(license.encodeRatio * 100).toFixed(1)}% of raw RSA)`,
  `License encode, PKCS#11 (SoftHSM2): ${pkcs11.pkcs11EncodePerSec === null ? '     n/a   (softhsm2 not installed)' : `${pkcs11.pkcs11EncodePerSec.toFixed(0).padStart(8)} /s  (the key in the module, ${(pkcs11.pkcs11EncodePerSec / license.licenseEncodePerSec).toFixed(2)}× the key file's rate)`}`,
  `License decode:                    ${license.licenseDecodePerSec.toFixed(0).padStart(8)} /s`,
  `SQLite write transaction (raw):    ${storage.sqliteRawCommitsPerSec.toFixed(0).padStart(8)} /s  (WAL, one row each)`,
  `End to end, SQLite + outbox (POST → tracker issue closed, at 10 requests/s for 30 s after a 3-s warm-up):`,
  `  p50 ${e2e.e2eP50Ms} ms, p99 ${e2e.e2eP99Ms} ms; the first request after the service started: ${e2e.e2eFirstRequestMs} ms`,
  `  sustained ${e2e.e2eThroughputPerSec} requests/s (${e2e.e2eRequests} requests offered at a steady rate), service peak RSS ${e2e.servicePeakRssMb} MB`,
  `  (${(e2e.e2eThroughputPerSec / license.rsaRawOpsPerSec).toFixed(4)} requests per raw RSA operation, ` +
    `${(e2e.e2eThroughputPerSec / storage.sqliteRawCommitsPerSec).toFixed(4)} per raw SQLite transaction)`,
  `Write transactions per request (counted on SQLite): ${writes.writeTransactionsPerRequest}`,
  `POST → everything delivered, remotes slowed (SMTP 300 ms, GitLab 400 ms, Slack 200 ms, Zendesk 300 ms): p50 ${slowRemotes.slowRemotesP50Ms} ms`,
  `lifeline --version: ${cliStart.cliVersionMs} ms (node -e 0: ${cliStart.nodeStartMs} ms, ${(cliStart.cliVersionMs / cliStart.nodeStartMs).toFixed(2)}×; load average ${loadAverage.join(' ')})`,
  ...(pgRuns.length > 0
    ? [
        `End to end, PostgreSQL (1 API process + N worker processes, ${pgRuns[0]?.requests} requests, POST → tracker issue closed):`,
        ...pgRuns.map(
          (r) =>
            `  ${r.workers} worker${r.workers === 1 ? ' ' : 's'}: ${r.throughputPerSec.toFixed(1).padStart(6)} requests/s  (${(r.throughputPerSec / license.rsaRawOpsPerSec).toFixed(4)} per raw RSA operation)`,
        ),
      ]
    : []),
  `Bulk outage mode, a ${batchSqlite.rows}-row batch end to end (POST → every row issued, the batch's notice and issue):`,
  ...([['SQLite', batchSqlite] as const, ['PostgreSQL', batchPg] as const] as const).flatMap(
    ([name, figures]) =>
      figures
        ? [
            `  ${name}: ${figures.rowsPerSec.toFixed(1)} rows/s (${figures.finished ? `${figures.seconds} s` : `stopped at the deadline: ${figures.issued} of ${figures.rows} rows issued in ${figures.seconds} s`}; ${(figures.rowsPerSec / license.rsaRawOpsPerSec).toFixed(4)} per raw RSA operation), service peak RSS ${figures.peakRssMb} MB, service CPU ${figures.serviceCpuMsPerRow} ms per row`,
            `    V8 heap in use while rows were issued, its floor: ${figures.heapFloorFirstThirdMb} MB in the first third, ${figures.heapFloorLastThirdMb} MB in the last`,
          ]
        : [],
  ),
];
process.stdout.write(`${lines.join('\n')}\n`);
process.stdout.write(
  `${JSON.stringify({
    ...license,
    ...pkcs11,
    ...storage,
    ...e2e,
    ...writes,
    ...slowRemotes,
    ...cliStart,
    pgThroughputPerSec,
    batchRowsPerSecSqlite: batchSqlite.rowsPerSec,
    batchRowsPerSecPg: batchPg?.rowsPerSec ?? null,
    batchPeakRssMb: batchSqlite.peakRssMb,
    batchCpuMsPerRowSqlite: batchSqlite.serviceCpuMsPerRow,
    batchCpuMsPerRowPg: batchPg?.serviceCpuMsPerRow ?? null,
    batchFinishedSqlite: batchSqlite.finished,
    batchFinishedPg: batchPg?.finished ?? null,
    batchHeapFloorFirstThirdMb: batchSqlite.heapFloorFirstThirdMb,
    batchHeapFloorLastThirdMb: batchSqlite.heapFloorLastThirdMb,
    machine: { ...machine, loadAverage },
  })}\n`,
);
