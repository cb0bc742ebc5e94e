/**
 * The largest numbers the columns hold on both databases. PostgreSQL's `integer` is 32 bits
 * (SQLite's would take 64), so a count or an issue number is bounded by the smaller one before
 * it reaches a query: a bigger value is a 400 with a sentence, never a database error.
 * Instants are `bigint` columns holding epoch milliseconds, bounded by the largest safe integer.
 */
export const integerColumnMax = 2_147_483_647;
export const integerColumnMin = -2_147_483_648;

/** Whether a number can be written to an `integer` column on both databases. */
export function fitsIntegerColumn(value: number): boolean {
  return Number.isInteger(value) && value >= integerColumnMin && value <= integerColumnMax;
}
