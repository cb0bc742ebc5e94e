import type { Compilable, CompiledQuery, Insertable, Kysely, QueryResult } from 'kysely';
import { prepareOnPostgres } from './prepared-statements.js';
import type { Database } from './schema.js';

/**
 * A query kysely builds and compiles once per dialect, then runs with new values each time.
 *
 * Building a query with kysely's builder and compiling it cost 15–40 µs of the service's one
 * thread, often more than SQLite took to run it, and the hottest queries (a request's row, its
 * license, its timeline events) run several times per request. The query is still written with
 * the typed builder; `build` is called once with a placeholder for each value, and each run puts
 * the values where the placeholders were. A query whose shape depends on its values (an `$if`, a
 * list of any length) cannot be compiled once: `build` must use each value exactly once, as a
 * plain value, which the first compile checks.
 */
export function compiledOnce<Values extends unknown[], Row>(
  build: (db: Kysely<Database>, ...values: Values) => Compilable<Row>,
): (db: Kysely<Database>, ...values: Values) => Promise<QueryResult<Row>> {
  const byDialect = new Map<
    unknown,
    { query: CompiledQuery<Row>; slots: Array<number | { value: unknown }> }
  >();
  return async (db, ...values) => {
    const executor = db.getExecutor();
    // The adapter's class says which SQL the dialect writes (a transaction shares its database's).
    const dialect = executor.adapter.constructor;
    let compiled = byDialect.get(dialect);
    if (!compiled) {
      const markers = values.map((_, index) => placeholder(index));
      const query = build(db, ...(markers as Values)).compile();
      const slots = query.parameters.map((parameter) => {
        const index = typeof parameter === 'string' ? markers.indexOf(parameter) : -1;
        return index >= 0 ? index : { value: parameter };
      });
      markers.forEach((_, index) => {
        if (slots.filter((slot) => slot === index).length !== 1)
          throw new Error(`compiledOnce: value ${index} must appear once in: ${query.sql}`);
      });
      compiled = { query, slots };
      byDialect.set(dialect, compiled);
      prepareOnPostgres(query.sql);
    }
    const parameters = compiled.slots.map((slot) =>
      typeof slot === 'number' ? values[slot] : slot.value,
    );
    // A query id of its own, as each built query has: plugins keep their state by it.
    return await db.executeQuery<Row>({ ...compiled.query, parameters, queryId: { queryId: '' } });
  };
}

function placeholder(index: number): string {
  return `\u0000compiled-once value ${index}\u0000`;
}

/**
 * compiledOnce for a query that takes a few shapes (the columns a patch names, a list's length,
 * the column a look-up seeks by): one compiled query per shape, made the first time that shape
 * runs. `key` names a shape; `build` gives the query of one.
 */
export function compiledPerShape<Shape, Values extends unknown[], Row>(
  key: (shape: Shape) => string,
  build: (shape: Shape) => (db: Kysely<Database>, ...values: Values) => Compilable<Row>,
): (shape: Shape) => (db: Kysely<Database>, ...values: Values) => Promise<QueryResult<Row>> {
  const byShape = new Map<
    string,
    (db: Kysely<Database>, ...values: Values) => Promise<QueryResult<Row>>
  >();
  return (shape) => {
    let query = byShape.get(key(shape));
    if (!query) {
      query = compiledOnce(build(shape));
      byShape.set(key(shape), query);
    }
    return query;
  };
}

/**
 * Inserts one row into `table`, the INSERT compiled once for each set of columns a caller
 * writes (see compiledOnce): for the wide rows written once per request (the request, its
 * decision), whose builder cost the most. Columns left undefined are not written, as with
 * kysely's own `values`.
 */
export async function insertRow<T extends keyof Database>(
  db: Kysely<Database>,
  table: T,
  row: Insertable<Database[T]>,
): Promise<QueryResult<unknown>> {
  const entries = Object.entries(row).filter(([, value]) => value !== undefined);
  const columns = entries.map(([column]) => column);
  return insertOf({ table, columns })(db, ...entries.map(([, value]) => value));
}

const insertOf = compiledPerShape(
  ({ table, columns }: { table: keyof Database; columns: string[] }) =>
    `${table}(${columns.join(',')})`,
  ({ table, columns }) =>
    (db, ...values: unknown[]) =>
      db
        .insertInto(table)
        .values(Object.fromEntries(columns.map((column, i) => [column, values[i]]))),
);
