/**
 * The OpenAPI 3.1 document of the REST mirror: valid by a maintained validator, served at /api/v1/openapi.json
 * without a key, and in agreement with the express routes actually mounted (every route is documented and every
 * documented path is routed), with what Logic Apps needs (operationIds, x-ms-pageable, the API key schemes).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startTestServer, type TestServer } from '../support/server';

/** The validator library's verdict on a document (see test/support/validate-openapi.mjs). */
function validateOpenApi(doc: unknown): { valid: boolean; version: string; errors: unknown[] } {
  const run = spawnSync(process.execPath, [path.join(__dirname, '../support/validate-openapi.mjs')], { input: JSON.stringify(doc), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`validator failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** GET routes registered on an express router, as OpenAPI paths. */
function routedPaths(router: { stack: any[] }): string[] {
  return router.stack
    .filter((layer) => layer.route && layer.route.methods?.get)
    .map((layer) => String(layer.route.path).replace(/:(\w+)/g, '{$1}'));
}

describe('REST mirror OpenAPI document', () => {
  let t: TestServer;
  let doc: any;
  beforeAll(async () => {
    t = await startTestServer();
    const response = await fetch(`${t.url}/api/v1/openapi.json`);
    expect(response.status).toBe(200);
    doc = (await response.json()) as any;
  });
  afterAll(async () => t.close());

  test('is a valid OpenAPI 3.1 document', async () => {
    const result = validateOpenApi(doc);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.version).toBe('3.1');
    // The validator does reject a broken document (so the check above means something).
    expect(validateOpenApi({ ...doc, paths: { '/x': { get: { responses: 'none' } } } }).valid).toBe(false);
    expect(doc.servers[0].url).toBe(`${t.url}/api/v1`);
  });

  test('documents exactly the routes express serves under /api/v1', () => {
    const routed = [...routedPaths(t.server.restRouters.document), ...routedPaths(t.server.restRouters.api)].sort();
    expect(routed.length).toBeGreaterThan(10);
    expect(Object.keys(doc.paths).sort()).toEqual(routed);
    // Each path parameter of a route is declared in its operation, and only those.
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect([path, item.get.parameters?.filter((p: any) => p.in === 'path').map((p: any) => p.name).sort() ?? []]).toEqual([path, inPath]);
    }
  });

  test('what Logic Apps and SOAR need: unique operationIds, x-ms-pageable on paged routes, API key security', async () => {
    const operations = Object.values<any>(doc.paths).map((item) => item.get);
    const ids = operations.map((o) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.components.securitySchemes.apiKey).toEqual(expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-Key' }));
    expect(doc.components.securitySchemes.bearer).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    const paged = operations.filter((o) => o['x-ms-pageable']);
    expect(paged.map((o) => o.operationId)).toEqual(expect.arrayContaining(['listSessionsByIp', 'getMailboxExposure', 'listSessionMessages', 'timeline']));
    for (const o of paged) {
      expect(o['x-ms-pageable']).toEqual({ nextLinkName: 'nextLink', itemName: 'value' });
      expect(o.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(['top', '$skiptoken']));
      expect(o.responses['200'].content['application/json'].schema.properties.nextLink).toBeDefined();
    }
    // A documented paged route really pages as documented.
    const response = await fetch(`${t.url}/api/v1/apps?top=1`, { headers: { 'x-api-key': t.key } });
    expect(Object.keys((await response.json()) as object).sort()).toEqual(['nextLink', 'value']);
  });

  test('every row column of the document is a field of the answer', async () => {
    await t.importer.importFile(`${__dirname}/../fixtures/audit.ndjson`, { orgId: 1, source: 'cli' });
    const response = await fetch(`${t.url}/api/v1/ips/192.0.2.10/sessions`, { headers: { 'x-api-key': t.key } });
    const body = (await response.json()) as any;
    const schema = doc.components.schemas.ListSessionsByIpRow;
    expect(Object.keys(body.value[0]).sort()).toEqual(Object.keys(schema.properties).sort());
  });
});
