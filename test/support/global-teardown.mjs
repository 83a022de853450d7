import fs from 'node:fs';

export default async function globalTeardown() {
  const embedded = globalThis.__MAILTRAIL_EMBEDDED__;
  if (!embedded) return;
  await embedded.db.stop();
  fs.rmSync(embedded.dataDir, { recursive: true, force: true });
}
