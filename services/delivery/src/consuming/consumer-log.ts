import { Logger } from '@nestjs/common';

export type ConsumerLog = (level: 'error' | 'warn' | 'info', message: string, extra?: Record<string, unknown>) => void;

/** Routes the messaging library's log lines to the service logger. */
export function consumerLog(context: string): ConsumerLog {
  const logger = new Logger(context);
  return (level, message, extra) => {
    const line = extra ? `${message} ${JSON.stringify(extra)}` : message;
    if (level === 'error') logger.error(line);
    else if (level === 'warn') logger.warn(line);
    else logger.log(line);
  };
}
