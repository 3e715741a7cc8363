import { Writable } from 'node:stream';
import pino from 'pino';
import { runWithCorrelationId } from './correlation-id';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { traceSampleRatio } from '../tracing/tracing';
import { buildPinoHttpOptions, requestLogPolicy, resolveLogLevel } from './logger-options';

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

  it('logs every failed or slow request and only a sample of the successful ones', () => {
    const levelOf = (env: Record<string, string>, statusCode: number, startedMsAgo = 0, err?: Error) => {
      const options = buildPinoHttpOptions('x', env);
      const req = { headers: {}, url: '/v1/challenges' } as unknown as IncomingMessage;
      (options.genReqId as (req: IncomingMessage) => string)(req);
      if (startedMsAgo > 0) {
        const key = Object.getOwnPropertySymbols(req)[0]!;
        (req as unknown as Record<symbol, number>)[key] = performance.now() - startedMsAgo;
      }
      return (options.customLogLevel as (req: IncomingMessage, res: ServerResponse, err?: Error) => string)(req, { statusCode } as ServerResponse, err);
    };
    const quiet = { PUSHMFA_MODE: 'production', LOG_REQUEST_SAMPLE_RATIO: '0' };
    expect(levelOf(quiet, 201)).toBe('silent');
    expect(levelOf(quiet, 201, 1500)).toBe('info');
    expect(levelOf(quiet, 404)).toBe('warn');
    expect(levelOf(quiet, 503)).toBe('error');
    expect(levelOf(quiet, 200, 0, new Error('boom'))).toBe('error');
    expect(levelOf({ PUSHMFA_MODE: 'production', LOG_REQUEST_SAMPLE_RATIO: '1' }, 201)).toBe('info');
    expect(requestLogPolicy({ PUSHMFA_MODE: 'production' })).toEqual({ sampleRatio: 0.01, slowMs: 1000 });
    expect(requestLogPolicy({ PUSHMFA_MODE: 'development' }).sampleRatio).toBe(1);
    expect(() => requestLogPolicy({ LOG_REQUEST_SAMPLE_RATIO: '2' })).toThrow(/LOG_REQUEST_SAMPLE_RATIO/);
  });

  it('samples new traces at TRACE_SAMPLE_RATIO (default 5 %) and refuses a value outside 0..1', () => {
    expect(traceSampleRatio({})).toBe(0.05);
    expect(traceSampleRatio({ TRACE_SAMPLE_RATIO: '1' })).toBe(1);
    expect(() => traceSampleRatio({ TRACE_SAMPLE_RATIO: '-1' })).toThrow(/TRACE_SAMPLE_RATIO/);
  });
});
