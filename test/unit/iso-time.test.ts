/**
 * Pages of accesses take their times from PostgreSQL as text (`::text`) and turn that text into the API's ISO
 * form without a Date (rows.ts isoTimeOf). The answer must stay byte-identical: for every shape PostgreSQL prints,
 * isoTimeOf(text) must print what DateTime printed of the Date pg made from the timestamptz column itself.
 */
import { Client } from 'pg';
import { adminUrl } from '../support/database';
import { isoTimeOf } from '../../src/api/services/rows';
import { DateTimeScalar } from '../../src/api/graphql/scalars';

const VALUES = [
  '2025-02-03T10:11:12Z',
  '2025-02-03T10:11:12.5Z',
  '2025-02-03T10:11:12.057Z',
  '2025-02-03T10:11:12.999999Z',
  '2025-02-03T10:11:12.000001Z',
  '2025-02-03T10:11:12.123456Z',
  '2025-12-31T23:59:59.999Z',
  '1970-01-01T00:00:00Z',
  '0050-06-01T12:00:00.25Z',
  '0999-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999999Z',
  '2025-03-30T01:30:00+02:00',
];

async function withTimeZone<T>(zone: string, body: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(`SET TimeZone = '${zone}'`);
    return await body(client);
  } finally {
    await client.end();
  }
}

describe('isoTimeOf: a timestamptz as text, printed as DateTime prints the Date pg would have made', () => {
  for (const zone of ['UTC', 'Europe/Paris']) {
    it(`matches for every value (session TimeZone ${zone})`, async () => {
      await withTimeZone(zone, async (client) => {
        // Fractions of every length 0-6 and each millisecond digit pattern, besides the listed edge values.
        const generated = Array.from({ length: 400 }, (_, i) => `2025-02-03T10:11:12.${String(i * 2503 + 7).padStart(6, '0').slice(0, 1 + (i % 6))}Z`);
        for (const value of [...VALUES, ...generated]) {
          const { rows } = await client.query('SELECT $1::timestamptz AS t, $1::timestamptz::text AS text', [value]);
          const expected = DateTimeScalar.serialize(rows[0].t);
          expect({ value, got: DateTimeScalar.serialize(isoTimeOf(rows[0].text)) }).toEqual({ value, got: expected });
        }
      });
    });
  }

  it('leaves what has no ISO form as pg made it (BC years, infinity): the same Date as before', async () => {
    await withTimeZone('UTC', async (client) => {
      const { rows } = await client.query(
        "SELECT t, t::text AS text FROM (VALUES ('0044-03-15 12:00:00+00 BC'::timestamptz), ('infinity'::timestamptz), ('-infinity'::timestamptz)) v(t)",
      );
      for (const row of rows) {
        const got = isoTimeOf(row.text);
        expect(got).toBeInstanceOf(Date);
        expect(String((got as Date).getTime())).toBe(String(row.t instanceof Date ? row.t.getTime() : new Date(String(row.t)).getTime()));
      }
    });
  });

  it('passes a Date through', () => {
    const d = new Date('2025-02-03T10:11:12.345Z');
    expect(isoTimeOf(d)).toBe(d);
  });
});
