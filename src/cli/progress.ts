/** A one-line progress bar on stderr for long imports: records, MB/s, ETA. Silent when stderr is not a terminal. */
import type { ImportProgress } from '../import/import-service';

export class ProgressBar {
  private readonly started = Date.now();
  private lastDraw = 0;
  private readonly enabled = Boolean(process.stderr.isTTY);

  update(p: ImportProgress, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 200) return;
    this.lastDraw = now;
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const mb = p.bytesRead / 1024 ** 2;
    const rate = mb / seconds;
    let bar = '';
    let eta = '';
    if (p.totalBytes) {
      const fraction = Math.min(p.bytesRead / p.totalBytes, 1);
      const width = 24;
      bar = '[' + '#'.repeat(Math.round(fraction * width)).padEnd(width, '.') + `] ${(fraction * 100).toFixed(0).padStart(3)}% `;
      const remaining = rate > 0 ? (p.totalBytes / 1024 ** 2 - mb) / rate : 0;
      eta = ` ETA ${formatDuration(remaining)}`;
    }
    const line = `${p.fileName ?? ''} ${bar}${p.records.toLocaleString('en')} records, ${p.rejected} rejected, ${rate.toFixed(1)} MB/s${eta}`;
    process.stderr.write('\r' + line.slice(0, (process.stderr.columns || 120) - 1).padEnd((process.stderr.columns || 120) - 1));
  }

  done(): void {
    if (this.enabled) process.stderr.write('\n');
  }
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}
