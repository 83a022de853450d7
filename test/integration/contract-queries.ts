/** The contract operations exactly as dashboards and playbooks send them, and the fixture incident's answers. */
import fs from 'node:fs';
import path from 'node:path';
import type { TestServer } from '../support/server';

/** The client operations the project ships (contract/), run unchanged. */
export const CONTRACT_DIR = path.join(__dirname, '../../contract');
export const FIXTURES_DIR = path.join(__dirname, '../fixtures');

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const expected = require('../fixtures/incident/expected.json');
export const ids: Record<string, string> = expected.ids;

export function contract(name: string): string {
  return fs.readFileSync(path.join(CONTRACT_DIR, name), 'utf8');
}

export const CONTRACT_FILES = fs.readdirSync(CONTRACT_DIR).filter((f) => f.endsWith('.graphql')).sort();

export async function importIncident(t: TestServer, file = 'audit.ndjson'): Promise<void> {
  const [batch] = await t.importer.importFile(path.join(FIXTURES_DIR, file), { orgId: 1, source: 'cli' });
  if (batch.status !== 'SUCCEEDED') throw new Error(`fixture import failed: ${batch.error}`);
}

/** Runs a contract operation unchanged; fails the test on any GraphQL error. */
export async function ask(t: TestServer, name: string, variables: Record<string, unknown> = {}): Promise<any> {
  const { status, body } = await t.gql(contract(name), variables);
  if (body.errors) throw new Error(`${name} answered errors: ${JSON.stringify(body.errors)}`);
  expect(status).toBe(200);
  return body.data;
}

/** ISO without milliseconds, as expected.json writes times. */
export const iso = (value: string) => value.replace('.000Z', 'Z');
export const sorted = <T>(xs: T[]) => [...xs].sort();
