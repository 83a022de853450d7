/** `mailtrail timeline`: writes a timeline export to stdout or --out FILE (see src/export/timeline.ts). */
import fs from 'node:fs';
import { once } from 'node:events';
import type { DataSource } from 'typeorm';
import { poolOf } from '../db/data-source';
import { UserInputError } from '../errors';
import { DEFAULT_ORG_ID } from '../model/organization.entity';
import { timelineQuery, writeTimeline } from '../export/timeline';
import type { Parsed } from './args';

export async function runTimeline(dataSource: DataSource, parsed: Parsed): Promise<number> {
  const value = (name: string) => parsed.values[name] as string | undefined;
  let asked: ReturnType<typeof timelineQuery>;
  try {
    asked = timelineQuery({ mailbox: value('mailbox'), sessionId: value('session'), clientIp: value('ip'), from: value('from'), to: value('to'), format: value('format') });
  } catch (error) {
    if (!(error instanceof UserInputError)) throw error;
    process.stderr.write(`mailtrail: ${error.message}\n`);
    return 2;
  }
  const file = value('out');
  const out = file ? fs.createWriteStream(file) : process.stdout;
  const pool = poolOf(dataSource);
  const rows = await writeTimeline(pool, DEFAULT_ORG_ID, asked.query, asked.format, out);
  if (file) {
    out.end();
    await once(out, 'finish');
  }
  process.stderr.write(`mailtrail: ${rows} record(s) written${file ? ` to ${file}` : ''}\n`);
  return 0;
}
