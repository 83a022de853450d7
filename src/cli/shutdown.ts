/**
 * Stopping cleanly whatever ends the process: SIGINT (Ctrl-C), SIGTERM (service managers, `kill`), SIGHUP (a closed
 * terminal) and fatal errors all run the same cleanup, which stops the embedded PostgreSQL this process started.
 * (The postmaster runs in its own process group, so a terminal's signals reach only us, and we stop it in order.)
 */
import type { Logger } from '../logger';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type ShutdownCause = (typeof SIGNALS)[number] | 'fatal error';

/** Exit status after a signal: 0 for a server asked to stop, 128+n (the shell's convention) for a command cut short. */
const SIGNAL_NUMBER: Record<(typeof SIGNALS)[number], number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

export function onShutdown(logger: Logger, cleanup: (cause: ShutdownCause) => Promise<void>, opts: { signalExitCode?: 'zero' | 'signal' } = {}): void {
  let stopping = false;
  const stop = async (cause: ShutdownCause, code: number) => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => process.exit(code || 1), 20_000);
    force.unref();
    try {
      await cleanup(cause);
    } catch (error) {
      logger.error({ err: error }, 'error while shutting down');
      code ||= 1;
    }
    process.exit(code);
  };
  for (const signal of SIGNALS) {
    process.on(signal, () => void stop(signal, opts.signalExitCode === 'zero' ? 0 : 128 + SIGNAL_NUMBER[signal]));
  }
  const fatal = (error: unknown) => {
    logger.fatal({ err: error }, 'fatal error: stopping');
    void stop('fatal error', 1);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
}
