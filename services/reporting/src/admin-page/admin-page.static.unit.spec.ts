import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_PAGE_CSP, builtAdminPageDirectory } from './admin-page.static';

describe('finding the built admin page', () => {
  let root: string;
  const file = (path: string) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), '');
  };
  // The layout of the repository: code in services/reporting/src/admin-page, the build in dist/.
  const sourceHere = () => join(root, 'services', 'reporting', 'src', 'admin-page');
  const builtHere = () => join(root, 'dist', 'services', 'reporting', 'src', 'admin-page');

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'admin-page-'));
    file('services/reporting/web/index.html');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('serves the build beside the built service', () => {
    file('dist/services/reporting/web/index.html');
    file('dist/services/reporting/web/assets/index-abc123.js');
    expect(builtAdminPageDirectory(builtHere())).toBe(join(root, 'dist', 'services', 'reporting', 'web'));
  });

  it('serves the build in dist/ when the service runs from source, never the unbuilt source page', () => {
    expect(builtAdminPageDirectory(sourceHere())).toBeUndefined();
    file('dist/services/reporting/web/index.html');
    file('dist/services/reporting/web/assets/index-abc123.js');
    expect(builtAdminPageDirectory(sourceHere())).toBe(join(root, 'dist', 'services', 'reporting', 'web'));
  });

  it('allows only its own scripts, styles and API calls, and no framing', () => {
    expect(ADMIN_PAGE_CSP).toContain("default-src 'none'");
    expect(ADMIN_PAGE_CSP).toContain("script-src 'self'");
    expect(ADMIN_PAGE_CSP).toContain("connect-src 'self'");
    expect(ADMIN_PAGE_CSP).toContain("frame-ancestors 'none'");
    expect(ADMIN_PAGE_CSP).not.toContain('unsafe');
  });
});
