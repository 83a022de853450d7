#!/usr/bin/env node
// Rebuilds the offline enrichment data in data/enrichment/ from its public sources (needs network; the product
// never does). Usage: node scripts/refresh-enrichment.mjs [options]
//   --ip-location-db DIR   use already unpacked @ip-location-db packages (DIR/asn, DIR/geo-whois-asn-country)
//                          instead of `npm pack`-ing the current versions
//   --apps-csv FILE        use a local copy of merill/microsoft-info _info/MicrosoftApps.csv
//   --apps-version TEXT    version label for that copy (e.g. the commit it came from)
//   --exchange-cidrs FILE  use a local list of the Exchange Online CIDRs (one a line) instead of the web service
//   --exchange-version TEXT version label for that list
//   --out DIR              write there instead of data/enrichment (it must hold SOURCES.md and microsoft-ranges.json)
// Writes the shipped files, their licences, manifest.json (sha256 of every shipped file) and the table in SOURCES.md.
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const { encodeRangeTable } = createRequire(import.meta.url)('./range-table-writer.cjs');

const args = parseArgs(process.argv.slice(2));
const OUT = resolve(args.out ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'enrichment'));
const manifest = existsSync(join(OUT, 'manifest.json'))
  ? JSON.parse(readFileSync(join(OUT, 'manifest.json'), 'utf8'))
  : { sources: {} };

await refreshApps();
await refreshMicrosoftRanges();
refreshIpLocationDb();
writeFileSync(join(OUT, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
renderSourcesTable();
console.log('enrichment data refreshed in', OUT);

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(`bad argument ${argv[i]}`);
    out[argv[i].slice(2)] = argv[i + 1];
  }
  return out;
}

function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function record(key, entry) {
  manifest.sources[key] = {
    ...entry,
    files: entry.files.map((file) => ({ file, sha256: sha256(join(OUT, file)) })),
  };
}

async function download(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

async function refreshApps() {
  const url = 'https://raw.githubusercontent.com/merill/microsoft-info/main/_info/MicrosoftApps.csv';
  const csv = args['apps-csv'] ? readFileSync(args['apps-csv']) : await download(url);
  if (!csv.toString('utf8', 0, 200).startsWith('"AppId","AppDisplayName"')) throw new Error('MicrosoftApps.csv: unexpected header');
  writeFileSync(join(OUT, 'MicrosoftApps.csv'), csv);
  if (!args['apps-csv']) {
    writeFileSync(join(OUT, 'LICENSE-microsoft-info.txt'), await download('https://raw.githubusercontent.com/merill/microsoft-info/main/LICENSE'));
  }
  record('microsoftApps', {
    name: 'Microsoft first-party application ids (merill/microsoft-info, _info/MicrosoftApps.csv)',
    url: 'https://github.com/merill/microsoft-info',
    licence: 'MIT (LICENSE-microsoft-info.txt)',
    version: args['apps-version'] ?? `main as of ${new Date().toISOString().slice(0, 10)}`,
    files: ['MicrosoftApps.csv'],
  });
}

/** The published Exchange Online ranges are replaced; the curated back-end ranges in the file are kept. */
async function refreshMicrosoftRanges() {
  const file = join(OUT, 'microsoft-ranges.json');
  const current = JSON.parse(readFileSync(file, 'utf8'));
  let published;
  let version = args['exchange-version'];
  if (args['exchange-cidrs']) {
    published = readFileSync(args['exchange-cidrs'], 'utf8').split(/\r?\n/).map((s) => s.trim()).filter(Boolean);
  } else {
    const id = randomUUID();
    const endpoints = JSON.parse(
      (await download(`https://endpoints.office.com/endpoints/worldwide?ServiceAreas=Exchange&clientrequestid=${id}`)).toString('utf8'),
    );
    published = [...new Set(endpoints.filter((e) => e.serviceArea === 'Exchange').flatMap((e) => e.ips ?? []))];
    const versions = JSON.parse((await download(`https://endpoints.office.com/version/worldwide?clientrequestid=${id}`)).toString('utf8'));
    version = `worldwide ${versions.latest}`;
  }
  current.published = {
    source: 'Microsoft 365 URLs and IP address ranges web service, serviceArea Exchange (Exchange Online)',
    url: 'https://endpoints.office.com/endpoints/worldwide?ServiceAreas=Exchange',
    version,
    cidrs: published,
  };
  writeFileSync(file, JSON.stringify(current, null, 2) + '\n');
  record('microsoftRanges', {
    name: 'Exchange Online / Microsoft 365 service ranges (published list + curated back-end ranges)',
    url: 'https://learn.microsoft.com/en-us/microsoft-365/enterprise/urls-and-ip-address-ranges',
    licence: 'Facts published by Microsoft for customers\' firewall configuration; no licence stated',
    version,
    files: ['microsoft-ranges.json'],
  });
}

function unpackIpLocationDb() {
  if (args['ip-location-db']) return args['ip-location-db'];
  const dir = mkdtempSync(join(tmpdir(), 'ip-location-db-'));
  for (const name of ['asn', 'geo-whois-asn-country']) {
    const tgz = execFileSync('npm', ['pack', `@ip-location-db/${name}`, '--silent'], { cwd: dir, encoding: 'utf8' }).trim();
    mkdirSync(join(dir, name));
    execFileSync('tar', ['-xzf', join(dir, tgz), '-C', join(dir, name), '--strip-components=1']);
  }
  return dir;
}

function refreshIpLocationDb() {
  const root = unpackIpLocationDb();
  const version = (name) => JSON.parse(readFileSync(join(root, name, 'package.json'), 'utf8')).version;

  const country = join(root, 'geo-whois-asn-country');
  writeRangeTable('ip-country.bin.br', 'country', [
    readRanges(join(country, 'geo-whois-asn-country-ipv4-num.csv'), 4, (fields) => fields[2]),
    readRanges(join(country, 'geo-whois-asn-country-ipv6-num.csv'), 6, (fields) => fields[2]),
  ]);
  copyFileSync(join(country, 'NRO_LICENSE'), join(OUT, 'LICENSE-geo-whois-asn-country.txt'));
  record('ipCountry', {
    name: 'IP to country: @ip-location-db/geo-whois-asn-country (GeoFeed > Whois > ASN)',
    url: 'https://www.npmjs.com/package/@ip-location-db/geo-whois-asn-country',
    licence: 'CC0-1.0 per its package.json; built from NRO data under CC BY 4.0 (LICENSE-geo-whois-asn-country.txt), attributed as such',
    version: version('geo-whois-asn-country'),
    files: ['ip-country.bin.br'],
  });

  const asn = join(root, 'asn');
  const asnValue = (fields) => [Number(fields[2]), fields[3]];
  writeRangeTable('ip-asn.bin.br', 'asn', [
    readRanges(join(asn, 'asn-ipv4-num.csv'), 4, asnValue),
    readRanges(join(asn, 'asn-ipv6-num.csv'), 6, asnValue),
  ]);
  const licence = ['ROUTEVIEWS-LICENSE', 'DBIP-LICENSE', 'NRO_LICENSE', 'MODIFICATIONS']
    .map((f) => `== ${f}\n${readFileSync(join(asn, f), 'utf8').trim()}\n`)
    .join('\n');
  writeFileSync(join(OUT, 'LICENSE-asn.txt'), licence);
  record('ipAsn', {
    name: 'IP to ASN and organisation: @ip-location-db/asn (RouteViews > RIRs > DB-IP ASN Lite)',
    url: 'https://www.npmjs.com/package/@ip-location-db/asn',
    licence: 'CC BY 4.0: RouteViews, DB-IP.com, NRO (LICENSE-asn.txt)',
    version: version('asn'),
    files: ['ip-asn.bin.br'],
  });
}

/** CSV rows `start,end,value...` with decimal numeric addresses; quoted fields may hold commas. */
function readRanges(file, family, valueOf) {
  const rows = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line === '') continue;
    const fields = splitCsv(line);
    rows.push({ start: BigInt(fields[0]), end: BigInt(fields[1]), value: valueOf(fields) });
  }
  return { family, rows };
}

function writeRangeTable(fileName, kind, families) {
  const { compressed, stats } = encodeRangeTable(kind, families);
  writeFileSync(join(OUT, fileName), compressed);
  const counts = Object.entries(stats.boundaries).map(([f, n]) => `${f} ${n} boundaries`).join(', ');
  console.log(`${fileName}: ${stats.values} values, ${counts}, ${stats.nested} rows nested inside a wider one; ` +
    `${stats.rawBytes} bytes raw, ${compressed.length} compressed`);
}

function splitCsv(line) {
  const out = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') out.push(field), (field = '');
    else field += c;
  }
  out.push(field);
  return out;
}

function renderSourcesTable() {
  const file = join(OUT, 'SOURCES.md');
  const text = readFileSync(file, 'utf8');
  const begin = '<!-- sources:begin (written by scripts/refresh-enrichment.mjs) -->';
  const end = '<!-- sources:end -->';
  const rows = Object.values(manifest.sources).flatMap((s) =>
    s.files.map((f) => `| ${s.name} | ${s.url} | ${s.licence} | ${s.version} | \`${f.file}\` | \`${f.sha256}\` |`),
  );
  const table = ['| Source | URL | Licence | Version | Shipped file | sha256 |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
  const at = text.indexOf(begin);
  const to = text.indexOf(end);
  if (at < 0 || to < 0) throw new Error('SOURCES.md: table markers missing');
  writeFileSync(file, text.slice(0, at + begin.length) + '\n' + table + '\n' + text.slice(to));
}

