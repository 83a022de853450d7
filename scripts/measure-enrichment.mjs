#!/usr/bin/env node
// Measures the enrichment tables: load time, memory and lookup rate (figures go to data/enrichment/SOURCES.md).
// Run after `npm run build`: node --expose-gc scripts/measure-enrichment.mjs
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const enrich = require('../dist/src/enrich/index.js');
const { asnTable, countryTable } = require('../dist/src/enrich/geo.js');
const { microsoftApps } = require('../dist/src/enrich/apps.js');

const gc = globalThis.gc ?? (() => {});
const heap = () => (gc(), process.memoryUsage());
const mb = (bytes) => (bytes / 1048576).toFixed(1);

const before = heap();
for (const [name, load] of [['country', countryTable], ['asn', asnTable], ['apps', microsoftApps]]) {
  const t0 = performance.now();
  const table = load();
  console.log(`load ${name}: ${(performance.now() - t0).toFixed(0)} ms`, table.sizes ?? `${table.size} app ids`);
}
const after = heap();
console.log(`memory held: heap +${mb(after.heapUsed - before.heapUsed)} MB, array buffers +${mb(after.arrayBuffers - before.arrayBuffers)} MB, rss +${mb(after.rss - before.rss)} MB`);

// Deterministic pseudo-random public-looking addresses, half IPv4, half IPv6 in 2000::/3.
let seed = 1;
const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
const addresses = [];
for (let i = 0; i < 200000; i++) {
  addresses.push(i % 2 ? `${next() % 223 + 1}.${next() % 256}.${next() % 256}.${next() % 256}` : `2${(next() % 0x1000).toString(16).padStart(3, '0')}:${(next() % 0x10000).toString(16)}::${(next() % 0x10000).toString(16)}`);
}
const t0 = performance.now();
let found = 0;
for (const a of addresses) if (enrich.enrichIp(a).country) found++;
const ms = performance.now() - t0;
console.log(`enrichIp: ${addresses.length} addresses in ${ms.toFixed(0)} ms = ${Math.round(addresses.length / (ms / 1000))}/s (${found} with a country)`);
