import { parse } from 'csv-parse/sync';
import { submissionSchema, type Submission } from '../requests/submission.js';

/**
 * A batch file, read into rows: each row either a submission exactly as POST /api/v1/requests
 * takes it, or the reasons it is not one, each naming its row and column. Pure: a
 * `license_file` cell that names a file must have been replaced by the file's text before
 * (the CLI does that, reading next to the CSV); the service reads no path it is sent.
 */
export type BatchFormat = 'csv' | 'jsonl';

export const batchColumns = [
  'ticket_id',
  'ticket_url',
  'customer_email',
  'user_count',
  'plan',
  'expired_on',
  'licensed_users',
  'maximum_users',
  'billable_users',
  'license_file',
  'note',
] as const;
export type BatchColumn = (typeof batchColumns)[number];

const requiredColumns: readonly BatchColumn[] = [
  'ticket_id',
  'ticket_url',
  'customer_email',
  'user_count',
  'maximum_users',
];

export interface RowError {
  /** CSV: the row as a spreadsheet numbers it (the header is row 1). JSON lines: the line. */
  row: number;
  /** The column (a CSV header name, or the JSON key); empty for the whole row or file. */
  column: string;
  message: string;
}

export type BatchRowInput =
  | { row: number; submission: Submission; customerEmail: string; userCount: number }
  | { row: number; errors: RowError[]; customerEmail: string; userCount: number };

export interface ParsedBatch {
  rows: BatchRowInput[];
  /** Problems with the file as a whole (a missing column, a quote never closed). */
  fileErrors: RowError[];
}

/** A batch holds at most this many rows: ten times the outage the bench measures. */
export const maxBatchRows = 100_000;

export function parseBatchFile(format: BatchFormat, content: string): ParsedBatch {
  return format === 'csv' ? parseCsv(content) : parseJsonLines(content);
}

/** True when a cell holds a license's text rather than the name of a file. */
export function isLicenseText(cell: string): boolean {
  return /-----BEGIN|\n/.test(cell);
}

function parseCsv(content: string): ParsedBatch {
  let records: string[][];
  try {
    const read: unknown = parse(content, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    });
    records = read as string[][];
  } catch (error) {
    const failed = error as { records?: number; message?: string };
    return {
      rows: [],
      fileErrors: [
        {
          row: (failed.records ?? 0) + 1,
          column: '',
          message: `The CSV cannot be read from this row on: ${failed.message ?? String(error)}`,
        },
      ],
    };
  }
  const header = (records[0] ?? []).map((name) => name.trim().toLowerCase());
  const fileErrors: RowError[] = [];
  if (records.length === 0) {
    return {
      rows: [],
      fileErrors: [{ row: 1, column: '', message: 'The file is empty: a header row and rows.' }],
    };
  }
  for (const name of header) {
    if (!(batchColumns as readonly string[]).includes(name))
      fileErrors.push({
        row: 1,
        column: name,
        message: `"${name}" is not a batch column; the columns are ${batchColumns.join(', ')}`,
      });
  }
  for (const name of requiredColumns) {
    if (!header.includes(name))
      fileErrors.push({ row: 1, column: name, message: `The header has no "${name}" column.` });
  }
  if (records.length - 1 > maxBatchRows)
    fileErrors.push({
      row: maxBatchRows + 2,
      column: '',
      message: `A batch holds at most ${maxBatchRows} rows; split the file.`,
    });
  if (fileErrors.length > 0) return { rows: [], fileErrors };

  const rows = records.slice(1).map((cells, index): BatchRowInput => {
    const row = index + 2;
    if (cells.length !== header.length) {
      return invalid(row, cellsOf(header, cells), [
        {
          row,
          column: '',
          message: `This row has ${cells.length} cells; the header has ${header.length}.`,
        },
      ]);
    }
    return fromCells(row, cellsOf(header, cells));
  });
  return { rows, fileErrors };
}

function cellsOf(header: string[], cells: string[]): Map<string, string> {
  const map = new Map<string, string>();
  header.forEach((name, i) => {
    const value = cells[i];
    if (value !== undefined && value !== '') map.set(name, value);
  });
  return map;
}

function parseJsonLines(content: string): ParsedBatch {
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  const rows: BatchRowInput[] = [];
  const fileErrors: RowError[] = [];
  lines.forEach((line, index) => {
    const row = index + 1;
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      rows.push(invalid(row, new Map(), [{ row, column: '', message: 'This line is not JSON.' }]));
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      rows.push(
        invalid(row, new Map(), [{ row, column: '', message: 'This line is not a JSON object.' }]),
      );
      return;
    }
    const cells = new Map<string, string>();
    const errors: RowError[] = [];
    for (const [key, cell] of Object.entries(value)) {
      if (!(batchColumns as readonly string[]).includes(key)) {
        errors.push({
          row,
          column: key,
          message: `"${key}" is not a batch column; the columns are ${batchColumns.join(', ')}`,
        });
      } else if (cell !== null && cell !== undefined && cell !== '') {
        cells.set(key, String(cell));
      }
    }
    rows.push(errors.length > 0 ? invalid(row, cells, errors) : fromCells(row, cells));
  });
  if (rows.length === 0) fileErrors.push({ row: 1, column: '', message: 'The file has no rows.' });
  if (rows.length > maxBatchRows)
    fileErrors.push({
      row: 0,
      column: '',
      message: `A batch holds at most ${maxBatchRows} rows; split the file.`,
    });
  return { rows: fileErrors.length > 0 ? [] : rows, fileErrors };
}

function invalid(row: number, cells: Map<string, string>, errors: RowError[]): BatchRowInput {
  return { row, errors, ...identity(cells) };
}

function identity(cells: Map<string, string>): { customerEmail: string; userCount: number } {
  const count = Number(cells.get('user_count'));
  return {
    customerEmail: (cells.get('customer_email') ?? '').trim().toLowerCase(),
    userCount: Number.isSafeInteger(count) ? count : 0,
  };
}

/** The submission's field paths, as the columns they came from. */
const columnOfPath: Record<string, BatchColumn> = {
  'ticket.id': 'ticket_id',
  'ticket.url': 'ticket_url',
  customerEmail: 'customer_email',
  userCount: 'user_count',
  'evidence.plan': 'plan',
  'evidence.expiredOn': 'expired_on',
  'evidence.licensedUsers': 'licensed_users',
  'evidence.maximumUsers': 'maximum_users',
  'evidence.billableUsers': 'billable_users',
  'evidence.licenseFile': 'license_file',
  note: 'note',
};

/** The submission's field names inside its sentences, as the columns a person typed. */
const fieldWords: [RegExp, BatchColumn][] = [
  [/\bticket\.id\b/g, 'ticket_id'],
  [/\bticket\.url\b/g, 'ticket_url'],
  [/\bcustomerEmail\b/g, 'customer_email'],
  [/\buserCount\b/g, 'user_count'],
  [/\bexpiredOn\b/g, 'expired_on'],
  [/\blicensedUsers\b/g, 'licensed_users'],
  [/\bmaximumUsers\b/g, 'maximum_users'],
  [/\bbillableUsers\b/g, 'billable_users'],
  [/\blicenseFile\b/g, 'license_file'],
];

function inColumnWords(message: string): string {
  return fieldWords.reduce((text, [word, column]) => text.replace(word, column), message);
}

const numberColumns: readonly BatchColumn[] = [
  'user_count',
  'licensed_users',
  'maximum_users',
  'billable_users',
];

function fromCells(row: number, cells: Map<string, string>): BatchRowInput {
  const errors: RowError[] = [];
  const numbers = new Map<BatchColumn, number>();
  for (const column of numberColumns) {
    const cell = cells.get(column);
    if (cell === undefined) continue;
    const value = Number(cell.replace(/[_,](?=\d{3}\b)/g, ''));
    if (cell.trim() === '' || !Number.isFinite(value)) {
      errors.push({ row, column, message: `${column} must be a number, not "${cell}"` });
    } else numbers.set(column, value);
  }
  const licenseFile = cells.get('license_file');
  if (licenseFile !== undefined && !isLicenseText(licenseFile)) {
    errors.push({
      row,
      column: 'license_file',
      message: `license_file names a file ("${licenseFile}"): give the license's text, or issue the file with "lifeline batch issue", which reads it next to the CSV`,
    });
  }
  if (errors.length > 0) return invalid(row, cells, errors);

  const typed = ['plan', 'expired_on', 'licensed_users'].some((c) => cells.has(c));
  const body = {
    ticket: { id: cells.get('ticket_id'), url: cells.get('ticket_url') },
    customerEmail: cells.get('customer_email'),
    userCount: numbers.get('user_count'),
    evidence: {
      ...(licenseFile !== undefined && { licenseFile }),
      ...(cells.has('plan') && { plan: cells.get('plan')?.toLowerCase() }),
      ...(cells.has('expired_on') && { expiredOn: cells.get('expired_on') }),
      ...(numbers.has('licensed_users') && { licensedUsers: numbers.get('licensed_users') }),
      ...(numbers.has('maximum_users') && { maximumUsers: numbers.get('maximum_users') }),
      ...(numbers.has('billable_users') && { billableUsers: numbers.get('billable_users') }),
      // The outage list is the evidence of typed values: the approver vouches for it with the
      // batch's reason, where a single request confirms the customer's screenshots.
      ...(licenseFile === undefined && typed && { screenshotsAttached: true }),
    },
    ...(cells.has('note') && { note: cells.get('note') }),
  };
  const parsed = submissionSchema.safeParse(body);
  if (parsed.success) {
    return {
      row,
      submission: parsed.data,
      customerEmail: parsed.data.customerEmail,
      userCount: parsed.data.userCount,
    };
  }
  return invalid(
    row,
    cells,
    parsed.error.issues.map((issue) => ({
      row,
      column: columnOfPath[issue.path.join('.')] ?? '',
      message: inColumnWords(issue.message),
    })),
  );
}
