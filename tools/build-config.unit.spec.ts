import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const json = (file: string) => JSON.parse(readFileSync(join(root, file), 'utf8')) as Record<string, any>;

describe('build configuration', () => {
  it('gives swc the same @pushmfa path aliases as TypeScript, so built services resolve every lib', () => {
    const tsPaths = json('tsconfig.json').compilerOptions.paths as Record<string, string[]>;
    const swcPaths = json('.swcrc').jsc.paths as Record<string, string[]>;
    expect(swcPaths).toEqual(tsPaths);
  });

  it('finds every service test set-up file in one convention, src/<name>.test-<kind>.ts, which the build leaves out', () => {
    const services = readdirSync(join(root, 'services'));
    const testFolders = services.filter((service) => readdirSync(join(root, 'services', service)).includes('test'));
    expect(testFolders).toEqual([]);
    const excluded = (json('.swcrc').exclude as string[]).map((pattern) => new RegExp(pattern));
    const setUpFiles = services.flatMap((service) =>
      readdirSync(join(root, 'services', service, 'src'), { recursive: true, encoding: 'utf8' }).filter((file) => /\.test-[a-z-]+\.ts$/.test(file)),
    );
    expect(setUpFiles.length).toBeGreaterThan(0);
    for (const file of setUpFiles) expect(excluded.some((pattern) => pattern.test(file))).toBe(true);
  });
});
