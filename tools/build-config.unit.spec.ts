import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..');
const json = (file: string) => JSON.parse(readFileSync(join(root, file), 'utf8')) as Record<string, any>;

describe('build configuration', () => {
  it('gives swc the same @pushmfa path aliases as TypeScript, so built services resolve every lib', () => {
    const tsPaths = json('tsconfig.json').compilerOptions.paths as Record<string, string[]>;
    const swcPaths = json('.swcrc').jsc.paths as Record<string, string[]>;
    expect(swcPaths).toEqual(tsPaths);
  });
});
