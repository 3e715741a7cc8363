import { Writable } from 'node:stream';
import pino from 'pino';
import { runWithCorrelationId } from './correlation-id';
import { buildPinoHttpOptions, resolveLogLevel } from './logger-options';

function captureLogger(env: Record<string, string> = {}) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      callback();
    },
  });
  const { genReqId: _gen, autoLogging: _auto, quietReqLogger: _quiet, customLogLevel: _level, ...loggerOptions } = buildPinoHttpOptions('challenge', env);
  return { logger: pino(loggerOptions, destination), lines };
}

describe('logger options', () => {
  it('writes JSON lines naming the service, with the current correlation id', () => {
    const { logger, lines } = captureLogger();
    runWithCorrelationId('corr-1', () => logger.info({ challengeId: 'c1' }, 'issued'));
    expect(lines[0]).toMatchObject({ level: 'info', service: 'challenge', correlationId: 'corr-1', challengeId: 'c1', msg: 'issued' });
  });

  it('redacts secrets and masks push tokens in anything logged', () => {
    const { logger, lines } = captureLogger();
    logger.info({ device: { pushToken: 'fcm-0123456789abcdef', secret: 's3cr3t' }, apiKey: 'pk_live_x' }, 'registered');
    const text = JSON.stringify(lines[0]);
    expect(text).not.toMatch(/s3cr3t|pk_live_x|0123456789abcdef/);
    expect(lines[0]).toMatchObject({ device: { pushToken: '…abcdef', secret: '[Redacted]' }, apiKey: '[Redacted]' });
  });

  it('takes its level from LOG_LEVEL and refuses an unknown one', () => {
    const { logger, lines } = captureLogger({ LOG_LEVEL: 'warn' });
    logger.info('hidden');
    logger.warn('shown');
    expect(lines.map((line) => line.msg)).toEqual(['shown']);
    expect(() => resolveLogLevel('loud')).toThrow(/LOG_LEVEL/);
  });

  it('is JSON unless LOG_PRETTY=1 outside production', () => {
    expect(buildPinoHttpOptions('x', {}).transport).toBeUndefined();
    expect(buildPinoHttpOptions('x', { LOG_PRETTY: '1', PUSHMFA_MODE: 'production' }).transport).toBeUndefined();
    expect(buildPinoHttpOptions('x', { LOG_PRETTY: '1', PUSHMFA_MODE: 'development' }).transport).toMatchObject({ target: 'pino-pretty' });
  });
});
