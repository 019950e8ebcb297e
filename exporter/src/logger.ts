/** Structured JSON logs on stdout (pino). Authorization headers and tokens are redacted. */
import { pino, type Logger } from 'pino';

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'ballast-exporter' },
    redact: ['req.headers.authorization', 'headers.authorization', 'token', '*.token'],
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
