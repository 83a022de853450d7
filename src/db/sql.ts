/**
 * SQL fragments as tagged templates: sql`... ${value} ...` keeps values apart from the text, fragments nest inside
 * fragments, and parameters are numbered ($1, $2, ...) once, when the statement is executed. Text gets into a
 * fragment only from template literals in our code or through `sql.ident`, so no input can become SQL.
 */
import { GENERIC_PLAN_MARK, markPreparable, type PlanMode } from './prepared-statements';

/** One fragment: `strings` around `values` (always strings.length === values.length + 1); no nested fragments. */
export class Sql {
  private constructor(
    readonly strings: readonly string[],
    readonly values: unknown[],
  ) {}

  /** Flattens nested fragments, so numbering later is one pass over plain values. */
  static of(strings: readonly string[], values: readonly unknown[]): Sql {
    const outStrings = [strings[0]];
    const outValues: unknown[] = [];
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (value instanceof Sql) {
        outStrings[outStrings.length - 1] += value.strings[0];
        for (let j = 0; j < value.values.length; j++) {
          outValues.push(value.values[j]);
          outStrings.push(value.strings[j + 1]);
        }
        outStrings[outStrings.length - 1] += strings[i + 1];
      } else {
        outValues.push(value);
        outStrings.push(strings[i + 1]);
      }
    }
    return new Sql(outStrings, outValues);
  }

  /** The statement text with $1..$n and its values, for pg / TypeORM `query(text, values)`. */
  get text(): string {
    let text = this.strings[0];
    for (let i = 1; i < this.strings.length; i++) text += `$${i}${this.strings[i]}`;
    return text;
  }
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/** A fragment; `${x}` is a parameter unless x is itself a fragment. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): Sql {
  return Sql.of(strings, values);
}

/**
 * A lower-case identifier (table, column, alias), optionally qualified (`t.id` as ident('t', 'id')). Anything
 * else throws: identifiers come from our code, never from a request.
 */
sql.ident = (...parts: string[]): Sql => {
  for (const part of parts) if (!IDENTIFIER.test(part)) throw new Error(`Not an SQL identifier: ${JSON.stringify(part)}`);
  return Sql.of([parts.join('.')], []);
};

/** The fragments separated by `separator` (default ", "); no fragments give the empty fragment. */
sql.join = (fragments: readonly Sql[], separator: Sql = sql`, `): Sql => {
  const values: Sql[] = [];
  fragments.forEach((fragment, i) => {
    if (i > 0) values.push(separator);
    values.push(fragment);
  });
  return Sql.of(new Array<string>(values.length + 1).fill(''), values);
};

sql.empty = Sql.of([''], []);

/** Anything whose query(text, values) answers the rows: a TypeORM DataSource, EntityManager or QueryRunner. */
export interface RowSource {
  query(text: string, values: unknown[]): Promise<unknown>;
}

/**
 * Runs a SELECT (or INSERT ... RETURNING) and answers its rows; the server's pool sends its text as a named statement
 * (prepared-statements.ts), planned per call unless `plan` is 'generic' (only where no parameter value can change
 * the best plan: see prepared-statements.ts). A pg client answers a result object instead: use
 * `client.query(s.text, s.values)`; TypeORM answers an UPDATE or DELETE with [rows, count].
 */
export async function run<Row = Record<string, unknown>>(db: RowSource, statement: Sql, plan: PlanMode = 'custom'): Promise<Row[]> {
  // The mark makes a text of its own, so the two modes never share a prepared statement; logs show which ran.
  const text = plan === 'generic' ? GENERIC_PLAN_MARK + statement.text : statement.text;
  markPreparable(text);
  return (await db.query(text, statement.values)) as Row[];
}
