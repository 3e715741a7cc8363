import { parseBenchOptions } from './bench-options';

describe('bench options', () => {
  it('defaults to a short run the machine can carry', () => {
    expect(parseBenchOptions([], {})).toMatchObject({ durationSeconds: 20, rate: 100, workers: 1, providerLatencyMs: 0, scaling: false, reportRows: 0 });
  });

  it('reads the options the README names', () => {
    const options = parseBenchOptions(['--duration', '5', '--rate', '400', '--workers', '2', '--provider-latency', '50', '--scaling'], {});
    expect(options).toMatchObject({ durationSeconds: 5, rate: 400, workers: 2, providerLatencyMs: 50, scaling: true });
  });

  it('takes a running stack from --target with its operator token and emulator control URL', () => {
    const options = parseBenchOptions(
      ['--target', 'registry=http://h:3002/,challenge=http://h:3001,reporting=http://h:3003', '--emulator-control', 'http://h:9445'],
      { PUSHMFA_OPERATOR_TOKEN: 'op' },
    );
    expect(options.target).toEqual({ registry: 'http://h:3002', challenge: 'http://h:3001', reporting: 'http://h:3003' });
    expect(options.operatorToken).toBe('op');
  });

  it('reads the fault run and refuses it beside a running stack', () => {
    expect(parseBenchOptions(['--faults', '--rate', '40', '--fault-seconds', '8'], {})).toMatchObject({ faults: true, rate: 40, faultSeconds: 8 });
    expect(() =>
      parseBenchOptions(['--faults', '--target', 'registry=http://h:1,challenge=http://h:2,reporting=http://h:3', '--emulator-control', 'http://h:4'], {
        PUSHMFA_OPERATOR_TOKEN: 'op',
      }),
    ).toThrow('--faults starts a stack of its own');
  });

  it('refuses an unknown option or a malformed number, naming it', () => {
    expect(() => parseBenchOptions(['--speed', '3'], {})).toThrow('unknown option "--speed"');
    expect(() => parseBenchOptions(['--rate', 'fast'], {})).toThrow('--rate must be a number');
  });
});
