import { cpuBetween, cpuMsPerChallenge, parseProcStat, percentOfOneCore, stackClassifier, type CpuSnapshot } from './cpu-accounting';

describe('cpu accounting', () => {
  it('reads utime + stime from /proc/<pid>/stat, a command name with spaces and parentheses included', () => {
    const line = '4242 (node (a b)) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 11 0 987654 1000000 5000 18446744073709551615';
    expect(parseProcStat(line)).toEqual({ cpuSeconds: 3, startTicks: '987654' });
    expect(parseProcStat('garbage')).toBeNull();
  });

  it("tells the stack's processes apart: services by pid, the broker, PostgreSQL of this run's database, Redis, the bench", () => {
    const classify = stackClassifier(
      new Map([
        [100, 'challenge'],
        [101, 'delivery-1'],
      ]),
      ['bench_ns'],
      7,
    );
    expect(classify(100, 'node\0dist/services/challenge/src/main.js\0')).toBe('challenge');
    expect(classify(7, 'node\0dist/tools/bench/main.js\0')).toBe('bench');
    expect(classify(5, 'java\0-Xmx768m\0kafka.Kafka\0config/server.properties\0')).toBe('kafka');
    expect(classify(6, 'redis-server 127.0.0.1:6379\0\0\0')).toBe('redis');
    expect(classify(8, '/usr/lib/postgresql/15/bin/postgres\0-D\0/var/lib/postgresql/15/main\0')).toBe('postgresql');
    expect(classify(9, 'postgres: 15/main: walwriter \0\0\0')).toBe('postgresql');
    expect(classify(10, 'postgres: 15/main: postgres bench_ns 127.0.0.1(50522) idle\0\0')).toBe('postgresql');
    expect(classify(11, 'postgres: 15/main: postgres someone_elses_tests 127.0.0.1(50600) idle\0\0')).toBeNull();
    expect(classify(12, 'node\0some-other-project.js\0')).toBeNull();
  });

  it('sums the CPU used between two snapshots by group; a process started in between counts in full', () => {
    const before: CpuSnapshot = new Map([
      ['challenge', new Map([['100@1', 10]])],
      [
        'postgresql',
        new Map([
          ['8@1', 5],
          ['10@2', 1],
        ]),
      ],
    ]);
    const after: CpuSnapshot = new Map([
      ['challenge', new Map([['100@1', 12.5]])],
      [
        'postgresql',
        new Map([
          ['8@1', 5.5],
          ['10@2', 1.25],
          ['13@9', 0.25],
        ]),
      ],
      ['bench', new Map([['7@1', 1]])],
    ]);
    const used = cpuBetween(before, after);
    expect(used).toEqual({ challenge: 2.5, postgresql: 1, bench: 1 });
    expect(cpuMsPerChallenge({ ...used, 'delivery-1': 1.5, reporting: 0.5, 'device-registry': 0.5 }, 1000)).toEqual({ services: 5, wholeBox: 7 });
    expect(cpuMsPerChallenge(used, 0)).toEqual({ services: null, wholeBox: null });
    expect(percentOfOneCore({ kafka: 0.6, challenge: 0.3, redis: 0.1 }, 20)).toBe(5);
  });
});
