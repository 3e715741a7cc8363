import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * The page loads only its own files and calls only its own origin; nothing inline, no framing, no plug-ins.
 * style-src allows no inline style either: the page styles itself through classes and the CSSOM.
 */
export const ADMIN_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Vite names every file under assets/ by its content hash, so a browser may keep it for a year. */
const HASHED_ASSET_CACHE = 'public, max-age=31536000, immutable';

/**
 * Where `npm run build` put the admin page: beside this service's built code in dist/, or, when the service runs
 * from source (in-process tests), in the repository's dist/. A folder without the built assets/ is the source.
 */
export function builtAdminPageDirectory(here = __dirname): string | undefined {
  const candidates = [resolve(here, '..', '..', 'web'), resolve(here, '..', '..', '..', '..', 'dist', 'services', 'reporting', 'web')];
  return candidates.find((directory) => existsSync(join(directory, 'index.html')) && existsSync(join(directory, 'assets')));
}

/**
 * Serves the admin page at `/`: one route per built file (found at start, so an unknown path still answers the
 * API's own 404), index.html revalidated on every load so a new build shows at once, hashed assets cached long.
 */
export async function serveAdminPage(app: NestFastifyApplication, directory: string): Promise<void> {
  await app.register(fastifyStatic, {
    root: directory,
    prefix: '/',
    wildcard: false,
    cacheControl: false,
    etag: true,
    lastModified: true,
    setHeaders: (reply, path) => {
      const hashed = path.startsWith(join(directory, 'assets'));
      reply.header('cache-control', hashed ? HASHED_ASSET_CACHE : 'no-cache');
      reply.header('content-security-policy', ADMIN_PAGE_CSP);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
    },
  });
}
