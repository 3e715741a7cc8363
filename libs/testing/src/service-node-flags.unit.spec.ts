import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serviceNodeFlags } from './service-process';

const root = join(__dirname, '..', '..', '..');

/** The largest the new space grows to in a node started with `flags`, after allocating far more than it can hold. */
function newSpaceBytesAfterChurn(flags: string[]): number {
  const script = `
    const v8 = require('node:v8');
    let keep = [];
    for (let round = 0; round < 40; round++) {
      keep = [];
      for (let i = 0; i < 200000; i++) keep.push({ i, s: 'x' + i });
    }
    console.log(v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size);`;
  return Number(execFileSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8' }).trim());
}

describe('the flags every service runs with (deploy/service-node-flags)', () => {
  it('bound the young generation: two semi-spaces of the size the file names, whatever memory the host has', () => {
    const flags = serviceNodeFlags(root);
    const semiSpace = flags.find((flag) => flag.startsWith('--max-semi-space-size='));
    expect(semiSpace).toBeDefined();
    const semiSpaceMb = Number(semiSpace!.split('=')[1]);
    expect(semiSpaceMb).toBeGreaterThan(0);
    expect(newSpaceBytesAfterChurn(flags)).toBeLessThanOrEqual(2 * semiSpaceMb * 1024 * 1024);
    expect(flags).toContain('--enable-source-maps');
  });

  it('are the ones every way of starting a service passes: npm start, npm run start:<service> and the image', () => {
    expect(readFileSync(join(root, 'deploy/local/start.sh'), 'utf8')).toMatch(
      /read -ra node_flags <deploy\/service-node-flags[\s\S]*node "\$\{node_flags\[@\]\}" "\$\{entries\[\$i\]\}"/,
    );
    expect(readFileSync(join(root, 'deploy/local/start-service.sh'), 'utf8')).toMatch(
      /read -ra node_flags <"\$ROOT\/deploy\/service-node-flags"\nexec node "\$\{node_flags\[@\]\}" "\$entry"/,
    );
    const dockerfile = readFileSync(join(root, 'deploy/docker/Dockerfile'), 'utf8');
    expect(dockerfile).toContain('COPY deploy/service-node-flags deploy/service-node-flags');
    expect(dockerfile).toContain('exec node $(cat deploy/service-node-flags) dist/services/${SERVICE}/src/main.js');
  });

  it("are the bench process's own too, so that its collections do not lengthen the latencies it measures", () => {
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.bench).toContain('node $(cat deploy/service-node-flags) dist/tools/bench/main.js');
  });
});
