import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every Linux this runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/** The groups whole-box CPU is summed over; services by their bench label (challenge, delivery-1, ...). */
export type CpuGroup = string;

/** CPU seconds used so far by each process of a group, by pid (a pid seen once keeps its identity by start time). */
export type CpuSnapshot = Map<CpuGroup, Map<string, number>>;

/** utime + stime of a /proc/<pid>/stat line, in seconds, and the process's start time (to tell reused pids apart). */
export function parseProcStat(line: string): { cpuSeconds: number; startTicks: string } | null {
  // The command name (field 2) is in parentheses and may hold spaces: fields are counted after its last ')'.
  const close = line.lastIndexOf(')');
  if (close < 0) return null;
  const fields = line.slice(close + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime 15, starttime 22.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return { cpuSeconds: (utime + stime) / CLOCK_TICKS_PER_SECOND, startTicks: fields[19] ?? '' };
}

/** Which group a process belongs to, from its command line; null for processes the bench does not account. */
export type ProcessClassifier = (pid: number, cmdline: string) => CpuGroup | null;

/**
 * The processes of the box a challenge costs: the services (by pid), the Kafka broker (a JVM running kafka.Kafka),
 * PostgreSQL (the postmaster, its background processes and the backends of the given databases; other databases'
 * backends belong to other work), Redis and the bench itself.
 */
export function stackClassifier(services: ReadonlyMap<number, string>, databases: readonly string[], benchPid = process.pid): ProcessClassifier {
  return (pid, cmdline) => {
    const service = services.get(pid);
    if (service) return service;
    if (pid === benchPid) return 'bench';
    if (cmdline.includes('kafka.Kafka')) return 'kafka';
    if (/^redis-server\b/.test(cmdline) || /\/redis-server\b/.test(cmdline.split(' ')[0] ?? '')) return 'redis';
    if (/\/postgres\0|^postgres\0/.test(cmdline)) return 'postgresql'; // the postmaster: its argv[0] is the binary
    const backend = /^postgres: (?:[\w.]+\/\w+: )?(.*)$/.exec(cmdline.replace(/\0/g, ' ').trim());
    if (backend) {
      const what = backend[1] ?? '';
      // "user database host(port) state" for a client backend; a background process names itself.
      const words = what.split(' ');
      if (words.length >= 3 && /\(\d+\)$|^\[local\]$/.test(words[2] ?? '')) return databases.includes(words[1] ?? '') ? 'postgresql' : null;
      return 'postgresql';
    }
    return null;
  };
}

/** Reads every process in /proc once and sums CPU seconds by group. */
export function snapshotCpu(classify: ProcessClassifier, proc = '/proc'): CpuSnapshot {
  const snapshot: CpuSnapshot = new Map();
  for (const entry of readdirSync(proc)) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const cmdline = readFileSync(`${proc}/${entry}/cmdline`, 'utf8');
      const group = classify(pid, cmdline);
      if (!group) continue;
      const stat = parseProcStat(readFileSync(`${proc}/${entry}/stat`, 'utf8'));
      if (!stat) continue;
      let processes = snapshot.get(group);
      if (!processes) snapshot.set(group, (processes = new Map()));
      processes.set(`${pid}@${stat.startTicks}`, stat.cpuSeconds);
    } catch {
      // The process exited while it was read.
    }
  }
  return snapshot;
}

/**
 * CPU seconds each group used between two snapshots. A process present in both counts its difference; one started
 * in between counts all it used; one that exited in between is lost (its share is small: pools keep their backends).
 */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): Record<CpuGroup, number> {
  const used: Record<CpuGroup, number> = {};
  for (const [group, processes] of after) {
    let sum = 0;
    const earlier = before.get(group);
    for (const [id, seconds] of processes) sum += Math.max(0, seconds - (earlier?.get(id) ?? 0));
    used[group] = Math.round(sum * 100) / 100;
  }
  return used;
}

export const SERVICE_GROUPS = /^(device-registry|challenge|reporting|delivery(-\d+)?)$/;

/** Milliseconds of CPU per completed challenge: the four services together, and every accounted process. */
export function cpuMsPerChallenge(used: Record<CpuGroup, number>, completed: number): { services: number | null; wholeBox: number | null } {
  if (completed <= 0) return { services: null, wholeBox: null };
  const perChallenge = (seconds: number) => Math.round(((seconds * 1000) / completed) * 100) / 100;
  const services = Object.entries(used).reduce((sum, [group, seconds]) => (SERVICE_GROUPS.test(group) ? sum + seconds : sum), 0);
  const wholeBox = Object.values(used).reduce((sum, seconds) => sum + seconds, 0);
  return { services: perChallenge(services), wholeBox: perChallenge(wholeBox) };
}

/** Whole-box CPU as a percentage of one core over `seconds`. */
export function percentOfOneCore(used: Record<CpuGroup, number>, seconds: number): number {
  const total = Object.values(used).reduce((sum, value) => sum + value, 0);
  return seconds > 0 ? Math.round((total / seconds) * 1000) / 10 : 0;
}
