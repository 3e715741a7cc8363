import { parseBenchOptions, warmUpRateOf } from './bench-options';

describe('bench options', () => {
  it('defaults to a short run the machine can carry', () => {
    expect(parseBenchOptions([], {})).toMatchObject({
      durationSeconds: 20,
      rate: 100,
      workers: 1,
      providerLatencyMs: 0,
      receipts: false,
      resends: false,
      scaling: false,
      reportRows: 0,
    });
  });

  it('reads the options the README names', () => {
    const options = parseBenchOptions(
      ['--duration', '5', '--rate', '400', '--workers', '2', '--provider-latency', '50', '--scaling', '--receipts', '--resends'],
      {},
    );
    expect(options).toMatchObject({ durationSeconds: 5, rate: 400, workers: 2, providerLatencyMs: 50, scaling: true, receipts: true, resends: true });
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

  it('warms the stack up before a capacity search or an overload, and not otherwise', () => {
    const rate = (argv: string[]) => warmUpRateOf(parseBenchOptions(argv, {}));
    expect(parseBenchOptions([], {}).warmUpSeconds).toBe(10);
    expect(rate(['--find-capacity'])).toBe(25);
    expect(rate(['--find-capacity', '--start-rate', '40'])).toBe(40);
    // An overload without --capacity searches first, so it warms up at the search's first rate.
    expect(rate(['--overload', '3'])).toBe(25);
    expect(rate(['--overload', '3', '--capacity', '85'])).toBe(43);
    expect(rate(['--find-capacity', '--warm-up', '0'])).toBe(0);
    // A --rate run warms up at half its rate; --duration is the measured part alone.
    expect(rate(['--rate', '300'])).toBe(150);
    expect(rate(['--rate', '1'])).toBe(1);
    expect(rate(['--rate', '300', '--warm-up', '0'])).toBe(0);
    expect(rate(['--scaling-only'])).toBe(0);
    expect(rate(['--idle', '60'])).toBe(0);
    expect(parseBenchOptions(['--warm-up', '4'], {}).warmUpSeconds).toBe(4);
    expect(parseBenchOptions([], {}).stepSamples).toBe(1000);
    expect(parseBenchOptions(['--step-samples', '500'], {}).stepSamples).toBe(500);
  });

  it('refuses an unknown option or a malformed number, naming it', () => {
    expect(() => parseBenchOptions(['--speed', '3'], {})).toThrow('unknown option "--speed"');
    expect(() => parseBenchOptions(['--rate', 'fast'], {})).toThrow('--rate must be a number');
  });
});
