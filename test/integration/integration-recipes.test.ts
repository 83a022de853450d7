/**
 * docs/integrations/*.md cannot rot: every named fenced block (```graphql grafana-activity, ```xsoar ..., ```sh ...)
 * is run here, exactly as written, against the real server loaded with the fixture incident, the way its tool
 * would send it, and its answer is checked against the API's own. A runnable block without a check, or a check
 * whose block disappeared, fails the suite.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { getIntrospectionQuery } from 'graphql';
import { tempDir } from '../support/cli';
import { FIXTURES_DIR, ids, importIncident } from './contract-queries';
import { startTestServer, type TestServer } from '../support/server';

const DOCS = path.join(__dirname, '../../docs/integrations');
const ALICE = 'alice@contoso.com';
/** The dashboard's time range, as Grafana puts it in ${__from} / ${__to}: epoch milliseconds. */
const FROM_MS = Date.parse('2025-03-01T00:00:00Z');
const TO_MS = Date.parse('2025-03-31T00:00:00Z');

interface Block {
  file: string;
  lang: string;
  name: string | null;
  text: string;
}

/** Languages whose blocks are requests; every such block must be named and checked. */
const RUNNABLE = new Set(['graphql', 'xsoar', 'sh', 'http']);

function blocks(): Block[] {
  const found: Block[] = [];
  for (const file of fs.readdirSync(DOCS).filter((f) => f.endsWith('.md')).sort()) {
    const text = fs.readFileSync(path.join(DOCS, file), 'utf8');
    for (const m of text.matchAll(/^```(\w+)(?:[ \t]+([\w-]+))?[ \t]*\n([\s\S]*?)^```[ \t]*$/gm)) {
      found.push({ file, lang: m[1], name: m[2] ?? null, text: m[3] });
    }
  }
  return found;
}

const ALL = blocks();
const named = (name: string): Block => {
  const block = ALL.find((b) => b.name === name);
  if (!block) throw new Error(`docs/integrations has no block named ${name}`);
  return block;
};

/** `data.activity[0].buckets` as Infinity's root selector reads it. */
function select(value: any, selector: string): any {
  return selector.split('.').reduce((at, part) => {
    const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(part);
    if (!m) throw new Error(`cannot read root selector ${selector}`);
    let next = at?.[m[1]];
    for (const index of m[2].matchAll(/\[(\d+)\]/g)) next = next?.[Number(index[1])];
    return next;
  }, value);
}

/** A War Room command line: `!graphql-query key="value" ...` (values in double quotes, \" escaped). */
function xsoarArgs(line: string): Record<string, string> {
  expect(line.trim()).toMatch(/^!graphql-query /);
  const args: Record<string, string> = {};
  for (const m of line.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) args[m[1]] = m[2].replace(/\\(.)/g, '$1');
  return args;
}

function bash(script: string, env: Record<string, string>, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-euo', 'pipefail', '-c', script], { cwd, env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout: String(stdout), stderr: String(stderr) }),
    );
  });
}

describe('docs/integrations recipes run against the real server', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ RATE_LIMIT_PER_MINUTE: '0' });
    await importIncident(t);
  });
  afterAll(async () => t.close());

  /** Asks the API itself, for the answers the recipes are compared with. */
  const api = async (query: string, variables?: Record<string, unknown>) => {
    const { body } = await t.gql(query, variables);
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const aliceRecords = async (filter = '') =>
    (await api(`{ auditRecords(filter: { mailbox: "${ALICE}", from: "${new Date(FROM_MS).toISOString()}", to: "${new Date(TO_MS).toISOString()}" ${filter} }) { totalCount } }`)).auditRecords.totalCount;

  const CHECKS: Record<string, (block: Block) => Promise<void>> = {};

  // --- Grafana Infinity: the query text with the dashboard's macros and variables replaced, sent as {"query"} ---
  const grafana = async (block: Block) => {
    const selector = /# Root selector: (\S+)/.exec(block.text)?.[1];
    expect(selector).toBeDefined();
    const query = block.text
      .replaceAll('${__from}', String(FROM_MS))
      .replaceAll('${__to}', String(TO_MS))
      .replaceAll('$mailbox', ALICE)
      .replaceAll('$session', ids.S_ATTACK);
    const response = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    expect(response.status).toBe(200);
    const body: any = await response.json();
    expect(body.errors).toBeUndefined();
    const rows = select(body, selector!);
    expect(Array.isArray(rows) && rows.length > 0).toBe(true);
    return rows;
  };
  CHECKS['grafana-activity'] = async (block) => {
    const rows = await grafana(block);
    expect(rows).toHaveLength((TO_MS - FROM_MS) / 3_600_000 + 1);
    expect(rows.reduce((n: number, b: any) => n + b.records, 0)).toBe(await aliceRecords());
  };
  CHECKS['grafana-top-ips'] = async (block) => {
    const rows = await grafana(block);
    const want = await api(`{ activityTop(groupBy: CLIENT_IP, from: ${FROM_MS}, to: ${TO_MS}, mailbox: "${ALICE}", first: 10) { key messages records } }`);
    expect(rows.map((r: any) => [r.key, r.messages, r.records])).toEqual(want.activityTop.map((r: any) => [r.key, r.messages, r.records]));
    expect(rows.map((r: any) => r.key)).toContain(ids.IP_ATTACK_1);
  };
  CHECKS['grafana-countries'] = async (block) => {
    const rows = await grafana(block);
    const all = (await api(`{ auditRecords(filter: { from: "${new Date(FROM_MS).toISOString()}", to: "${new Date(TO_MS).toISOString()}" }) { totalCount } }`)).auditRecords.totalCount;
    expect(rows.reduce((n: number, r: any) => n + r.records, 0)).toBe(all);
    expect(rows.map((r: any) => r.key)).toEqual(expect.arrayContaining([null, 'US']));
  };
  CHECKS['grafana-one-session'] = async (block) => {
    const rows = await grafana(block);
    expect(rows.reduce((n: number, b: any) => n + b.records, 0)).toBe(await aliceRecords(`, sessionId: "${ids.S_ATTACK}"`));
  };

  // --- Cortex XSOAR: the instance's header, introspection as its connection test, then each command ---
  const xsoarHeaders = () => {
    const settings = named('xsoar-instance').text;
    const header = /_header:(\S+)/.exec(settings)![1];
    const value = /^Password:\s+(.*)$/m.exec(settings)![1].replace(/<[^>]*>/, t.key);
    expect(/^GraphQL Server URL:\s+http:\/\/127\.0\.0\.1:4000(\/graphql)$/m.exec(settings)).not.toBeNull();
    return { [header]: value, 'content-type': 'application/json' };
  };
  test('XSOAR connection test: the full introspection query with the instance header answers the schema', async () => {
    const response = await fetch(`${t.url}/graphql`, { method: 'POST', headers: xsoarHeaders(), body: JSON.stringify({ query: getIntrospectionQuery({ descriptions: true }) }) });
    expect(response.status).toBe(200);
    const body: any = await response.json();
    expect(body.errors).toBeUndefined();
    expect(body.data.__schema.types.map((x: any) => x.name)).toEqual(expect.arrayContaining(['Query', 'ActivityTopRow', 'Session']));
  });
  const xsoar = async (block: Block) => {
    const args = xsoarArgs(block.text);
    const names = args.variables_names ? args.variables_names.split(',') : [];
    const values = args.variables_values ? args.variables_values.split(',') : [];
    expect(values).toHaveLength(names.length);
    // Scalars only: every value reaches the server as a string.
    const variables = Object.fromEntries(names.map((n, i) => [n.trim(), values[i]]));
    const response = await fetch(`${t.url}/graphql`, { method: 'POST', headers: xsoarHeaders(), body: JSON.stringify({ query: args.query, variables }) });
    const body: any = await response.json();
    expect(body.errors).toBeUndefined();
    return body.data;
  };
  CHECKS['xsoar-instance'] = async () => void xsoarHeaders();
  CHECKS['xsoar-sessions-by-ip'] = async (block) => {
    const data = await xsoar(block);
    expect(data.clientIp.address).toBe(ids.IP_ATTACK_1);
    expect(data.clientIp.sessions.edges.map((e: any) => e.node.sessionId)).toContain(ids.S_ATTACK);
  };
  CHECKS['xsoar-exposure'] = async (block) => {
    const data = await xsoar(block);
    const want = await api(`{ exposure(mailbox: "${ALICE}", sessionIds: ["${ids.S_ATTACK}"], from: ${FROM_MS}, to: ${TO_MS}) { boundMessageCount } }`);
    expect(data.exposure.boundMessageCount).toBe(want.exposure.boundMessageCount);
    expect(data.exposure.boundMessageCount).toBeGreaterThan(0);
  };
  CHECKS['xsoar-top-ips'] = async (block) => {
    const data = await xsoar(block);
    expect(data.activityTop.length).toBeGreaterThan(0);
    expect(data.activityTop.reduce((n: number, r: any) => n + r.records, 0)).toBe(await aliceRecords());
  };

  // --- Shell: each script run by bash -euo pipefail with the two variables the recipe tells the user to set ---
  const shell = async (block: Block, files: Record<string, string> = {}) => {
    const cwd = tempDir('recipe');
    try {
      for (const [name, from] of Object.entries(files)) fs.copyFileSync(from, path.join(cwd, name));
      const result = await bash(block.text, { MAILTRAIL_URL: t.url, MAILTRAIL_API_KEY: t.key }, cwd);
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      return result.stdout;
    } finally {
      fs.rmSync(cwd, { recursive: true, force: true });
    }
  };
  CHECKS['shell-top-ips-csv'] = async (block) => {
    const lines = (await shell(block)).trimEnd().split('\n');
    expect(lines[0]).toBe('"ip","messages","records","first_seen","last_seen"');
    const want = await api(`{ activityTop(groupBy: CLIENT_IP, from: ${FROM_MS}, to: ${TO_MS}, mailbox: "${ALICE}", first: 20) { key messages records firstSeen lastSeen } }`);
    expect(lines.slice(1)).toEqual(want.activityTop.map((r: any) => `"${r.key}",${r.messages},${r.records},"${r.firstSeen}","${r.lastSeen}"`));
  };
  CHECKS['shell-activity-tsv'] = async (block) => {
    const rows = (await shell(block)).trimEnd().split('\n').map((l) => l.split('\t'));
    expect(rows).toHaveLength(14);
    expect(rows[0][0]).toBe('2025-03-01T00:00:00.000Z');
    expect(rows.reduce((n, r) => n + Number(r[1]), 0)).toBe(
      (await api(`{ auditRecords(filter: { mailbox: "${ALICE}", from: "2025-03-01T00:00:00Z", to: "2025-03-14T23:59:59Z" }) { totalCount } }`)).auditRecords.totalCount,
    );
  };
  CHECKS['shell-sessions-paged'] = async (block) => {
    const got = (await shell(block)).trimEnd().split('\n').map((l) => l.split('\t')[0]);
    const want = await api(`{ clientIp(address: "${ids.IP_OFFICE}") { sessions(first: 100) { edges { node { sessionId } } } } }`);
    expect(want.clientIp.sessions.edges.length).toBeGreaterThan(2); // so the recipe really followed a cursor
    expect(got).toEqual(want.clientIp.sessions.edges.map((e: any) => e.node.sessionId));
  };
  CHECKS['shell-timeline-csv'] = async (block) => {
    const lines = Number((await shell(block)).trim());
    const response = await fetch(`${t.url}/exports/timeline?mailbox=${ALICE}&from=2025-03-01T00:00:00Z&format=csv`, { headers: { authorization: `Bearer ${t.key}` } });
    expect(lines).toBe((await response.text()).split('\n').filter(Boolean).length);
    expect(lines).toBeGreaterThan(1);
  };
  CHECKS['shell-upload'] = async (block) => {
    const [id, status, read, inserted, duplicates, rejected, importedBy] = (await shell(block, { 'audit.ndjson': path.join(FIXTURES_DIR, 'audit.ndjson') })).trimEnd().split('\t');
    expect({ status, inserted, rejected, importedBy }).toEqual({ status: 'SUCCEEDED', inserted: '0', rejected: '0', importedBy: 'test admin' });
    expect(duplicates).toBe(read);
    expect((await api(`{ importBatch(id: "${id}") { fileName } }`)).importBatch.fileName).toBe('audit.ndjson');
  };

  // --- Plain HTTP (REST mirror): the request line and headers as written, <...> replaced by the key ---
  const http = async (block: Block) => {
    const [requestLine, ...headerLines] = block.text.trimEnd().split('\n');
    const [method, target] = requestLine.split(' ');
    const url = target
      .replaceAll('${__from}', String(FROM_MS))
      .replaceAll('${__to}', String(TO_MS))
      .replaceAll('$mailbox', encodeURIComponent(ALICE));
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const [name, ...rest] = line.split(':');
      if (name.toLowerCase() !== 'host') headers[name.trim()] = rest.join(':').trim().replace(/<[^>]*>/, t.key);
    }
    const response = await fetch(`${t.url}${url}`, { method, headers });
    expect(response.status).toBe(200);
    return response.json() as Promise<any>;
  };
  CHECKS['logic-apps-openapi'] = async (block) => {
    const doc = await http(block);
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.values(doc.components.securitySchemes)).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' })]));
    expect(doc.paths['/ips/{ip}/sessions'].get['x-ms-pageable']).toEqual({ nextLinkName: 'nextLink', itemName: 'value' });
  };
  CHECKS['logic-apps-sessions-by-ip'] = async (block) => {
    let page = await http(block);
    const got: string[] = page.value.map((s: any) => s.sessionId);
    // Logic Apps' pagination: follow nextLink, with the same key, until it is null.
    while (page.nextLink) {
      page = await (await fetch(page.nextLink, { headers: { 'X-API-Key': t.key } })).json();
      got.push(...page.value.map((s: any) => s.sessionId));
    }
    const want = await api(`{ clientIp(address: "${ids.IP_OFFICE}") { sessions(first: 100) { edges { node { sessionId } } } } }`);
    expect(want.clientIp.sessions.edges.length).toBeGreaterThan(2);
    expect(got).toEqual(want.clientIp.sessions.edges.map((e: any) => e.node.sessionId));
  };
  CHECKS['splunk-soar-exposure'] = async (block) => {
    const answer = await http(block);
    const want = await api(`{ exposure(mailbox: "${ALICE}", sessionIds: ["${ids.S_ATTACK}"]) { boundMessageCount } }`);
    expect(answer.boundMessageCount).toBe(want.exposure.boundMessageCount);
    expect(answer.value).toHaveLength(want.exposure.boundMessageCount);
  };
  CHECKS['grafana-rest-activity'] = async (block) => {
    const { value } = await http(block);
    const want = await api(`{ activity(interval: HOUR, from: ${FROM_MS}, to: ${TO_MS}, groupBy: CLIENT_IP, mailbox: "${ALICE}", top: 5) { key buckets { records } } }`);
    const total = (key: string | null) => value.filter((r: any) => r.key === key).reduce((n: number, r: any) => n + r.records, 0);
    for (const series of want.activity) expect(total(series.key)).toBe(series.buckets.reduce((n: number, b: any) => n + b.records, 0));
  };

  test('every runnable block is named and has a check, and every check has its block', () => {
    const runnable = ALL.filter((b) => RUNNABLE.has(b.lang) || (b.name !== null && b.name in CHECKS));
    expect(runnable.filter((b) => b.name === null).map((b) => `${b.file}: ${b.text.slice(0, 60)}`)).toEqual([]);
    expect(runnable.map((b) => b.name).sort()).toEqual(Object.keys(CHECKS).sort());
  });

  test.each(ALL.filter((b) => b.name !== null).map((b) => [`${b.file} ${b.name}`, b] as const))('%s', async (_title, block) => {
    const check = CHECKS[block.name!];
    expect(check).toBeDefined();
    await check(block);
  });
});
