import { sql, type Sql } from './sql';

/**
 * Array parameters the importer builds itself, as PostgreSQL array literals. node-postgres quotes and escapes every
 * element of a JS array one by one (and a Date's ISO text costs ~1 µs to make); for the loader's arrays of ids,
 * counts and times that was ~2 s of the loading thread per 200,000 records (PERFORMANCE.md, ninth session).
 */

/**
 * `{1,2,3}` for values that never need quoting: ids as digit strings, integers, hex. Never for text a file supplied,
 * and never with a null in it (that is what node-postgres' own arrays are for).
 */
export function plainArray(values: readonly (string | number)[]): string {
  return `{${values.join(',')}}`;
}

/** Milliseconds since the epoch, as a plainArray: read back in SQL with `epochMsSql`. */
export function epochMsArray(dates: readonly Date[]): string {
  let text = '{';
  for (let i = 0; i < dates.length; i++) text += (i ? ',' : '') + dates[i].getTime();
  return text + '}';
}

/**
 * The timestamptz of an epochMsArray element: whole seconds and milliseconds apart, so the arithmetic stays exact to
 * the millisecond a Date holds over its whole range (one multiplication in milliseconds was 8 µs off in year 9999).
 */
export const epochMsSql = (column: Sql): Sql =>
  sql`(TIMESTAMPTZ 'epoch' + (${column} / 1000) * INTERVAL '1 second' + (${column} % 1000) * INTERVAL '1 millisecond')`;
