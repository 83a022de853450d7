import pino, { type Logger } from 'pino';

/** Structured JSON logs on stderr (stdout stays free for command output such as `import --json`). */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'mailtrail' } }, pino.destination(2));
}

export type { Logger };
