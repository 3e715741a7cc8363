import type { PinoLogger } from 'nestjs-pino';

/** The log function the libraries take (consumers, the Kafka client, the relay): a level, a message, structured extras. */
export type LeveledLog = (level: 'error' | 'warn' | 'info', message: string, extra?: Record<string, unknown>) => void;

/** A service's pino logger as the libraries' log function. */
export function leveledLog(logger: PinoLogger): LeveledLog {
  return (level, message, extra) => logger[level](extra ?? {}, message);
}
