/** Import progress when stderr is not a terminal (a log file, a playbook): a plain line every 30 seconds, no redraws. */
import { ProgressBar } from '../../src/cli/progress';

describe('import progress in a log', () => {
  const wasTty = process.stderr.isTTY;
  let written: string[];
  let write: jest.SpyInstance;
  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
    Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
    written = [];
    write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    write.mockRestore();
    jest.useRealTimers();
    Object.defineProperty(process.stderr, 'isTTY', { value: wasTty, configurable: true });
  });

  test('one line per 30 seconds with records, rate and ETA; nothing for a short import', () => {
    const bar = new ProgressBar();
    const progress = (records: number, bytesRead: number) => ({ fileName: 'big.ndjson', bytesRead, totalBytes: 100 * 1024 ** 2, records, rejected: 2 });
    bar.update(progress(1_000, 1024 ** 2));
    jest.setSystemTime(new Date('2026-01-01T00:00:29Z'));
    bar.update(progress(29_000, 29 * 1024 ** 2));
    expect(written).toEqual([]);
    jest.setSystemTime(new Date('2026-01-01T00:00:30Z'));
    bar.update(progress(30_000, 30 * 1024 ** 2));
    bar.update(progress(30_001, 30 * 1024 ** 2), true);
    expect(written).toEqual(['2026-01-01T00:00:30.000Z big.ndjson [#######.................]  30% 30,000 records, 2 rejected, 1.0 MB/s ETA 1m10s\n']);
    bar.done();
    expect(written).toHaveLength(1);
  });
});
