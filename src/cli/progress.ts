/**
 * Progress of a long import on stderr: records, MB/s, ETA. On a terminal, one line redrawn in place; otherwise (a
 * log file, a playbook's captured output) a plain line every 30 seconds, so a long import in a log is not silent.
 */
import type { ImportProgress } from '../import/import-service';

/** How often a line is written when stderr is not a terminal. */
const LOG_EVERY_MS = 30_000;

export class ProgressBar {
  private readonly started = Date.now();
  private lastDraw = this.started;
  private readonly terminal = Boolean(process.stderr.isTTY);

  update(p: ImportProgress, force = false): void {
    const now = Date.now();
    if (!this.terminal) {
      if (now - this.lastDraw < LOG_EVERY_MS) return;
      this.lastDraw = now;
      process.stderr.write(`${new Date(now).toISOString()} ${this.describe(p, now)}\n`);
      return;
    }
    if (!force && now - this.lastDraw < 200) return;
    this.lastDraw = now;
    const line = this.describe(p, now);
    process.stderr.write('\r' + line.slice(0, (process.stderr.columns || 120) - 1).padEnd((process.stderr.columns || 120) - 1));
  }

  private describe(p: ImportProgress, now: number): string {
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
    return `${p.fileName ?? ''} ${bar}${p.records.toLocaleString('en')} records, ${p.rejected} rejected, ${rate.toFixed(1)} MB/s${eta}`;
  }

  done(): void {
    if (this.terminal) process.stderr.write('\n');
  }
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m > 0 ? `${m}m${String(s).padStart(2, '0')}s` : `${s}s`;
}
