/**
 * Timeline export benchmark: peak RSS and time of streaming a 1M-row timeline (the exporter must not hold the
 * result). The fixture incident is imported with the real importer, then one of alice's records is copied N times
 * by SQL (distinct keys and times) so the export has N rows without an N-record import; the export writes to a
 * sink that only counts bytes. Figures go to bench/results/timeline-<rows>.json.
 *
 *   npm run bench:timeline -- --rows 1000000
 */
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createDataSource, poolOf } from '../src/db/data-source';
import { ImportService } from '../src/import/import-service';
import { writeTimeline } from '../src/export/timeline';
import { benchServer } from './bench-database';
import { argValue, writeResults } from './measure';

async function main(): Promise<void> {
  const rows = Number(argValue(process.argv, '--rows') ?? 1_000_000);
  const server = await benchServer();
  const url = await server.recreate('mailtrail_bench_timeline');
  const ds = createDataSource(url, { poolSize: 2, applicationName: 'mailtrail-bench-timeline' });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
    const fixture = path.resolve(__dirname, '../../test/fixtures/audit.ndjson');
    await new ImportService(ds, pino({ level: 'silent' }), { chunkRecords: 5000 }).importFile(fixture, { orgId: 1, source: 'cli' });
    const [template] = await ds.query(
      `SELECT r.id FROM audit_record r JOIN mailbox m ON m.id = r.mailbox_id WHERE m.user_principal_name = 'alice@contoso.com' ORDER BY r.id LIMIT 1`,
    );
    const t0 = Date.now();
    await ds.query(
      `INSERT INTO audit_record (org_id, record_key_text, creation_time, operation_code, operation_text, record_type, user_id, mailbox_id, session_id, client_ip_id,
         client_ip_raw, client_info_id, app_uuid, app_id_text, client_app_id, aad_session_id, logon_type, mail_access_type, is_throttled, operation_count, raw, raw_block_id, raw_offset, raw_length, raw_sha256, raw_exact, batch_id, source_line)
       SELECT org_id, 'bench-' || g, timestamptz '2024-01-01' + g * interval '1 second', operation_code, operation_text, record_type, user_id, mailbox_id, session_id, client_ip_id,
         client_ip_raw, client_info_id, app_uuid, app_id_text, client_app_id, aad_session_id, logon_type, mail_access_type, is_throttled, operation_count, raw, raw_block_id, raw_offset, raw_length, raw_sha256, raw_exact, batch_id, source_line
       FROM audit_record, generate_series(1, $2::int) g WHERE id = $1`,
      [template.id, rows],
    );
    await ds.query('ANALYZE audit_record');
    console.log(`filled ${rows} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const results: Record<string, unknown> = { rows };
    for (const format of ['timesketch-jsonl', 'csv'] as const) {
      let bytes = 0;
      const sink = new Writable({
        highWaterMark: 1 << 16,
        write(chunk: Buffer, _enc, done) {
          bytes += chunk.length;
          setImmediate(done); // a consumer that takes its time, as a network would
        },
      });
      let peak = process.memoryUsage().rss;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
      const started = Date.now();
      const written = await writeTimeline(poolOf(ds), 1, { mailbox: 'alice@contoso.com', sessionId: null, clientIp: null, from: null, to: null }, format, sink);
      clearInterval(sampler);
      const seconds = (Date.now() - started) / 1000;
      results[format] = { written, bytes, seconds, peakRssMb: Math.round(peak / 2 ** 20) };
      console.log(`${format}: ${written} rows, ${(bytes / 2 ** 20).toFixed(0)} MB in ${seconds.toFixed(1)} s, peak RSS ${Math.round(peak / 2 ** 20)} MB`);
    }
    console.log(`wrote ${writeResults(`timeline-${rows}`, results)}`);
  } finally {
    await ds.destroy();
    await server.drop('mailtrail_bench_timeline');
    await server.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
