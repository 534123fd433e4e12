import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs on stdout. In a terminal, and when `pino-pretty` is installed (a dev
 * dependency: present after `npm ci`, absent from the production image), lines are prettified.
 */
export function createLogger(level: string, pretty = false): Logger {
  const options = { level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime };
  if (pretty && canPrettify()) {
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        options: { ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss', singleLine: true },
      },
    });
  }
  return pino(options);
}

function canPrettify(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}
