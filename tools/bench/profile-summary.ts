/**
 * Sums self time per function in V8 .cpuprofile files and prints the top ones:
 *
 *   node dist/tools/bench/profile-summary.js <file-or-directory>... [--top N] [--by-package]
 *
 * --by-package sums per npm package (or project folder, or node internals) instead of per function.
 *
 * Self time of a node is its sample count times the mean sampling interval; the same function reached through
 * different call paths is summed into one line (name, file, line).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

function profilesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .flatMap((entry) => profilesUnder(join(path, entry)))
    .filter((file) => file.endsWith('.cpuprofile'));
}

/** `node_modules/@scope/name`, `dist/libs/x`, `node:internal` or the bare V8 entry ((garbage collector), (program)). */
function packageOf(functionName: string, url: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : `native ${functionName}`;
  const path = url.replace(/^file:\/\//, '');
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path.slice(path.lastIndexOf('node_modules/')));
  if (module) return module[1] ?? path;
  if (path.startsWith('node:')) return 'node internals';
  const project = /dist\/(libs|services|tools)\/([^/]+)/.exec(path);
  return project ? `${project[1]}/${project[2]}` : path;
}

function selfTimes(profile: CpuProfile, byPackage: boolean): Map<string, number> {
  const nodeKey = new Map<number, string>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${relative(process.cwd(), url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
    nodeKey.set(node.id, byPackage ? packageOf(functionName, url) : `${functionName || '(anonymous)'} ${where}`.trim());
  }
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const key = nodeKey.get(id) ?? String(id);
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return totals;
}

const args = process.argv.slice(2);
const byPackageAt = args.indexOf('--by-package');
if (byPackageAt >= 0) args.splice(byPackageAt, 1);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
for (const file of args.flatMap(profilesUnder)) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const totals = selfTimes(profile, byPackageAt >= 0);
  const all = [...totals.values()].reduce((a, b) => a + b, 0);
  const idle = totals.get('(idle)') ?? 0;
  process.stdout.write(`\n${file}: ${(all / 1000).toFixed(1)} s sampled, ${((all - idle) / 1000).toFixed(1)} s busy\n`);
  for (const [name, ms] of [...totals]
    .filter(([key]) => key !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)) {
    process.stdout.write(`${ms.toFixed(0).padStart(8)} ms ${((ms / Math.max(1, all - idle)) * 100).toFixed(1).padStart(5)}%  ${name}\n`);
  }
}
