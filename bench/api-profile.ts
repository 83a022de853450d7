/**
 * Where the time of one API request goes: contract 01 on the attacker IP by default, against a database loaded by
 * bench:query.
 *
 *   npm run bench:profile -- [--db mailtrail_bench] [--runs 100] [--case "01 sessions of an attacker IP"] [--explain] [--top 40] [--cpuprofile FILE] [--statements FILE]
 *
 * --explain also prints each statement's plan (EXPLAIN ANALYZE, costs and timing off), to check its indexes.
 * --statements FILE writes the request's statements with their parameters as JSON, to run them by hand (psql, EXPLAIN).
 * --top N also lists the N functions with the most self time in the CPU profile of `http`; --cpuprofile FILE saves
 * that profile (Chrome DevTools and speedscope open it).
 *
 * The same request is timed, interleaved run by run, at each layer of the stack:
 *   http          the real server (startServer): express, API key, JSON body, Apollo, plugins, serialisation;
 *   apollo        ApolloServer.executeOperation with the server's two plugins (request log to a pino that writes
 *                 to /dev/null, as the server writes to stderr; query limits), no HTTP;
 *   apollo-bare   the same without plugins;
 *   execute       graphql-js execute() on a parsed document: resolvers, DataLoaders and SQL only;
 *   parse, validate, query-limits walk, JSON.stringify of the result: each on its own.
 * Inside `execute`, every statement's round trip is timed (pg Client.query): their sum, the wall time covered by
 * at least one statement (DataLoaders run statements side by side), and the number of sequential waves.
 * Then a CPU profile of `http` runs, summed by package (self time), shows what the Node side spends it on.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { execute, parse, specifiedRules, validate, Kind, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { Client } from 'pg';
import pino from 'pino';
import { ApiKeyStore } from '../src/api/http/auth';
import { createContext, type RequestContext } from '../src/api/graphql/context';
import { measureOperation, queryLimitsPlugin } from '../src/api/graphql/query-limits';
import { requestLogPlugin } from '../src/api/http/request-log';
import { buildMailtrailSchema, listShapedFields } from '../src/api/graphql/schema';
import { startServer } from '../src/api/http/server';
import { loadConfig } from '../src/config';
import { createDataSource } from '../src/db/data-source';
import { ImportService } from '../src/import/import-service';
import type { Manifest } from './generate-dataset';
import { argValue, markdownTable, percentile } from './measure';

// ------------------------------------------------------------------------------------------------ statement timing

interface Span {
  start: number;
  end: number;
}
let spans: Span[] | null = null;
/** The statements of one request, kept to replay them alone. */
let captured: { text: string; values: unknown[] }[] | null = null;
const now = () => Number(process.hrtime.bigint()) / 1e6;
const originalQuery = Client.prototype.query;
// Every statement TypeORM sends goes through pg's Client.query; time its round trip while `spans` collects.
Client.prototype.query = function timedQuery(this: Client, ...args: unknown[]) {
  const result = (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
  // A named (prepared) statement comes as one config object: { name, text, values }.
  const config = typeof args[0] === 'object' && args[0] !== null ? (args[0] as { text?: unknown; values?: unknown[] }) : null;
  const text = typeof args[0] === 'string' ? args[0] : config?.text;
  if (captured && typeof text === 'string') captured.push({ text, values: ((config ? config.values : args[1]) as unknown[]) ?? [] });
  if (spans && result && typeof (result as Promise<unknown>).then === 'function') {
    const span = { start: now(), end: 0 };
    spans.push(span);
    (result as Promise<unknown>).then(
      () => (span.end = now()),
      () => (span.end = now()),
    );
  }
  return result;
} as typeof Client.prototype.query;

/** Sum of round trips, wall time covered by at least one, and number of waves (groups that overlap). */
function summarise(list: Span[]): { sum: number; covered: number; waves: number } {
  const sorted = [...list].sort((a, b) => a.start - b.start);
  let sum = 0;
  let covered = 0;
  let waves = 0;
  let waveEnd = -Infinity;
  for (const s of sorted) {
    sum += s.end - s.start;
    if (s.start > waveEnd) {
      waves++;
      covered += s.end - s.start;
      waveEnd = s.end;
    } else if (s.end > waveEnd) {
      covered += s.end - waveEnd;
      waveEnd = s.end;
    }
  }
  return { sum, covered, waves };
}

// ------------------------------------------------------------------------------------------------ the run

async function main(): Promise<void> {
  const argv = process.argv;
  const db = argValue(argv, '--db') ?? 'mailtrail_bench';
  const runs = Number(argValue(argv, '--runs') ?? 100);
  const caseName = argValue(argv, '--case') ?? '01 sessions of an attacker IP';
  const admin = process.env.DATABASE_URL;
  if (!admin) throw new Error('Set DATABASE_URL to the PostgreSQL server that holds the bench:query database.');
  const url = new URL(admin);
  url.pathname = `/${db}`;

  // JIT as `mailtrail serve` has it (DATABASE_JIT from the environment, off by default).
  const jit = loadConfig({ DATABASE_JIT: process.env.DATABASE_JIT ?? '' }).databaseJit;
  const dataSource = createDataSource(url.toString(), { poolSize: 10, applicationName: 'mailtrail-profile', jit });
  await dataSource.initialize();
  // A database loaded by an earlier checkout is brought to the current schema, as `mailtrail migrate` would.
  await dataSource.runMigrations({ transaction: 'each' });
  const manifest: Manifest = (
    await dataSource.query('SELECT manifest FROM bench_meta').catch(() => {
      throw new Error(`${db} has no bench_meta: load it with bench:query, or run \`npm run bench:query -- --records N --db ${db} --reuse --api-only --only "01 "\` once on a store imported with mailtrail import`);
    })
  )[0].manifest;
  const cases: Record<string, { file: string; variables: Record<string, unknown> }> = {
    '01 sessions of an attacker IP': { file: '01-sessions-by-ip.graphql', variables: { ip: manifest.attack.clientIpSpellings[1] } },
    '01 sessions of the office NAT': { file: '01-sessions-by-ip.graphql', variables: { ip: manifest.natIp } },
    '02 one session': { file: '02-session.graphql', variables: { sessionId: manifest.attack.sessionId } },
    '04 exposure to the attacker': { file: '04-exposure.graphql', variables: { mailbox: manifest.attack.mailboxes[0], sessionIds: [manifest.attack.sessionId] } },
    '05 one message': { file: '05-message.graphql', variables: { id: manifest.sharedMessage.internetMessageId } },
    '11 presumed messages of a mailbox': { file: '11-presumed.graphql', variables: { mailbox: manifest.throttled.mailbox } },
  };
  const chosen = cases[caseName];
  if (!chosen) throw new Error(`--case must be one of: ${Object.keys(cases).join(', ')}`);
  const query = fs.readFileSync(path.resolve(__dirname, '../../contract', chosen.file), 'utf8');
  const variables = chosen.variables;

  const config = { ...loadConfig({ DATABASE_URL: url.toString(), RATE_LIMIT_PER_MINUTE: '0', DATABASE_JIT: process.env.DATABASE_JIT ?? '' }), port: 0, host: '127.0.0.1' };
  // The server logs its request line at info like `serve` does, into /dev/null rather than a terminal.
  const devNull = pino({ level: 'info' }, pino.destination({ dest: '/dev/null', sync: false }));
  const server = await startServer({ config, dataSource, logger: devNull });
  const key = await new ApiKeyStore(dataSource).create({ name: 'profile', role: 'reader' });
  const principal = (await new ApiKeyStore(dataSource).authenticate(key))!;
  const importer = new ImportService(dataSource, devNull, { chunkRecords: config.importChunkRecords });
  const context = (): RequestContext => createContext({ principal, dataSource, logger: devNull, importer, maxInlineImportBytes: config.maxInlineImportBytes });

  const schema = await buildMailtrailSchema();
  const shapes = listShapedFields(schema);
  const limits = { maxDepth: config.maxQueryDepth, maxCost: config.maxQueryCost };
  // Apollo wraps every resolver of a schema in place once a plugin resolves fields (cache control does): each
  // variant gets its own schema, so the wrapping of one does not slow the others.
  const apollo = new ApolloServer<RequestContext>({
    schema: await buildMailtrailSchema(),
    plugins: [requestLogPlugin(devNull), queryLimitsPlugin(limits, shapes)],
  });
  const apolloNoCacheControl = new ApolloServer<RequestContext>({
    schema: await buildMailtrailSchema(),
    plugins: [
      requestLogPlugin(devNull),
      queryLimitsPlugin(limits, shapes),
      ApolloServerPluginCacheControlDisabled(),
    ],
  });
  const bare = new ApolloServer<RequestContext>({ schema: await buildMailtrailSchema(), plugins: [ApolloServerPluginCacheControlDisabled()] });
  await apollo.start();
  await apolloNoCacheControl.start();
  await bare.start();
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments: Record<string, FragmentDefinitionNode> = {};
  let resultJson = '';
  const body = JSON.stringify({ query, variables });

  const stages: Record<string, () => Promise<unknown>> = {
    http: async () => {
      const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body });
      const json = (await res.json()) as { errors?: unknown[] };
      if (json.errors) throw new Error(JSON.stringify(json.errors).slice(0, 300));
    },
    'http { __typename }': async () => {
      const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: '{"query":"{ __typename }"}' });
      await res.json();
    },
    apollo: () => apollo.executeOperation({ query, variables }, { contextValue: context() }),
    'apollo, cache control off': () => apolloNoCacheControl.executeOperation({ query, variables }, { contextValue: context() }),
    'apollo, no plugins, cache control off': () => bare.executeOperation({ query, variables }, { contextValue: context() }),
    execute: async () => {
      spans = [];
      const result = await execute({ schema, document, variableValues: variables, contextValue: context() });
      if (result.errors) throw new Error(result.errors[0].message);
      resultJson = JSON.stringify(result);
    },
    parse: async () => parse(query),
    validate: async () => validate(schema, document, specifiedRules),
    'query-limits walk': async () => measureOperation(operation, fragments, variables, shapes),
    'JSON.stringify result': async () => JSON.stringify(JSON.parse(resultJson)),
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(stages).map((k) => [k, []]));
  // CPU time of this process (the server and, for http, the client too): unlike wall time, other load barely moves it.
  const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(stages).map((k) => [k, []]));
  const sql: { sum: number; covered: number; waves: number; statements: number }[] = [];
  for (let i = 0; i < runs + 5; i++) {
    for (const [name, fn] of Object.entries(stages)) {
      const t0 = now();
      const c0 = process.cpuUsage();
      await fn();
      const took = now() - t0;
      const c1 = process.cpuUsage(c0);
      if (i < 5) continue; // warm-up
      times[name].push(took);
      cpu[name].push((c1.user + c1.system) / 1000);
      if (name === 'execute') sql.push({ ...summarise(spans!), statements: spans!.length });
    }
    spans = null;
  }

  // The same statements alone, one after the other on one connection: what the database needs for this answer.
  captured = [];
  await stages.execute();
  const statements = captured;
  captured = null;
  const statementsFile = argValue(argv, '--statements');
  if (statementsFile) fs.writeFileSync(statementsFile, JSON.stringify(statements, null, 2));
  const replay = new Client({ connectionString: url.toString() });
  await replay.connect();
  const replayed: number[] = [];
  const perStatement: number[][] = statements.map(() => []);
  for (let i = 0; i < runs + 5; i++) {
    const t0 = now();
    for (const [j, st] of statements.entries()) {
      const s0 = now();
      await replay.query(st.text, st.values);
      if (i >= 5) perStatement[j].push(now() - s0);
    }
    if (i >= 5) replayed.push(now() - t0);
  }
  let plans = '';
  if (argv.includes('--explain')) {
    for (const st of statements) {
      const { rows } = await replay.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${st.text}`, st.values);
      plans += `\n-- ${st.text.replace(/\s+/g, ' ').slice(0, 160)}\n${rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n')}\n`;
    }
  }
  await replay.end();

  // CPU profile of http runs, self time summed by package.
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  const profiled = Math.max(20, Math.floor(runs / 2));
  const t0 = now();
  for (let i = 0; i < profiled; i++) await stages.http();
  const profiledMs = now() - t0;
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  const profileFile = argValue(argv, '--cpuprofile');
  if (profileFile) fs.writeFileSync(profileFile, JSON.stringify(profile));

  await server.stop();
  await apollo.stop();
  await apolloNoCacheControl.stop();
  await bare.stop();
  await dataSource.destroy();

  const p = (xs: number[], q: number) => percentile([...xs].sort((a, b) => a - b), q);
  const rows = Object.entries(times).map(([name, xs]) => [name, p(xs, 50).toFixed(2), p(xs, 95).toFixed(2), p(cpu[name], 50).toFixed(2)]);
  const med = (f: (s: (typeof sql)[number]) => number) => p(sql.map(f), 50);
  rows.push(
    ['  SQL: statements per request', med((s) => s.statements).toString(), '', ''],
    ['  SQL: sequential waves', med((s) => s.waves).toString(), '', ''],
    ['  SQL: sum of round trips', med((s) => s.sum).toFixed(2), p(sql.map((s) => s.sum), 95).toFixed(2), ''],
    ['  SQL: wall time with a statement in flight', med((s) => s.covered).toFixed(2), p(sql.map((s) => s.covered), 95).toFixed(2), ''],
    [`SQL alone: the ${statements.length} statements replayed in sequence`, p(replayed, 50).toFixed(2), p(replayed, 95).toFixed(2), ''],
  );

  const byPackage = new Map<string, number>();
  const nodes = profile.nodes;
  const dt = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) dt.set(samples[i], (dt.get(samples[i]) ?? 0) + (deltas[i] ?? 0) / 1000);
  // Samples under the inspector call that stops the profiler are the profiler's own work.
  const profilerOwn = new Set<number>();
  const mark = (id: number) => {
    profilerOwn.add(id);
    for (const c of nodes.find((x) => x.id === id)?.children ?? []) mark(c);
  };
  for (const n of nodes) if (n.callFrame.url === 'node:inspector') mark(n.id);
  for (const n of nodes) {
    if (profilerOwn.has(n.id)) continue;
    const ms = dt.get(n.id) ?? 0;
    if (!ms) continue;
    const u = n.callFrame.url;
    const pkg = u.includes('node_modules/')
      ? u.split('node_modules/').pop()!.split('/').slice(0, u.split('node_modules/').pop()!.startsWith('@') ? 2 : 1).join('/')
      : u.includes('/dist/src/')
        ? `mailtrail src/${u.split('/dist/src/')[1].split('/').slice(0, -1).join('/') || '.'}`
        : u.startsWith('node:')
          ? 'node core'
          : n.callFrame.functionName === '(idle)'
            ? '(idle: waiting for PostgreSQL)'
            : n.callFrame.functionName === '(garbage collector)'
              ? '(garbage collector)'
              : n.callFrame.functionName || '(other)';
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
  }
  // The same samples by function (self time), to see which calls inside a package cost the most.
  const byFunction = new Map<string, number>();
  for (const n of nodes) {
    if (profilerOwn.has(n.id)) continue;
    const ms = dt.get(n.id) ?? 0;
    if (!ms) continue;
    const f = n.callFrame;
    const where = f.url ? `${f.url.replace(/^.*node_modules\//, '').replace(/^.*\/dist\//, '')}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
  }
  const topFunctions = Number(argValue(argv, '--top') ?? 0);
  const functionRows = [...byFunction.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, topFunctions)
    .map(([fn, ms]) => [fn, (ms / profiled).toFixed(3), `${((ms / profiledMs) * 100).toFixed(1)}%`]);
  const cpuRows = [...byPackage.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 16)
    .map(([pkg, ms]) => [pkg, (ms / profiled).toFixed(2), `${((ms / profiledMs) * 100).toFixed(0)}%`]);

  process.stdout.write(
    `\nAPI profile: "${caseName}" on ${db} (${manifest.records} records); ${runs} interleaved runs after 5 warm-up; ms\n\n` +
      markdownTable(['stage', 'wall p50', 'wall p95', 'Node CPU p50'], rows) +
      `\n\nEach statement replayed alone, p50 ms:\n` +
      statements.map((st, j) => `  ${p(perStatement[j], 50).toFixed(2)}  ${st.text.replace(/\s+/g, ' ').slice(0, 110)}`).join('\n') +
      `\n\nCPU profile of ${profiled} http requests (${(profiledMs / profiled).toFixed(1)} ms each): self time by package, ms per request\n\n` +
      markdownTable(['where', 'ms/request', 'share'], cpuRows) +
      (topFunctions ? `\n\nTop ${topFunctions} functions by self time (--top), ms per request\n\n${markdownTable(['function', 'ms/request', 'share'], functionRows)}` : '') +
      `\n\nresponse: ${(resultJson.length / 1024).toFixed(0)} KB of JSON\n` +
      (plans ? `\nPlans of the statements (EXPLAIN ANALYZE, costs and timing off):\n${plans}` : ''),
  );
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
