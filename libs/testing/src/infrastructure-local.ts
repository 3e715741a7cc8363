import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { InfrastructureEndpoints } from './infrastructure-endpoints';

const LAUNCHER = join('deploy', 'local', 'infra.sh');
const LAUNCHER_TIMEOUT_MS = 5 * 60_000;

/** Runs `deploy/local/infra.sh up` (idempotent: seconds when everything already runs) and returns its endpoints. */
export function startLocalInfrastructure(): InfrastructureEndpoints {
  const root = repositoryRoot();
  const result = spawnSync('bash', [join(root, LAUNCHER), 'up'], {
    cwd: root,
    // The launcher's progress goes to stderr so jest's own output stays readable.
    stdio: ['ignore', process.stderr, process.stderr],
    timeout: LAUNCHER_TIMEOUT_MS,
    env: process.env,
  });
  if (result.error || result.status !== 0) {
    const why = result.error ? result.error.message : `exit code ${String(result.status)}`;
    throw new Error(`The local infrastructure launcher (${LAUNCHER} up) failed (${why}); its output above says what is missing.`);
  }
  const kafkaPort = process.env.KAFKA_PORT ?? '9092';
  const pgPort = process.env.PGPORT ?? '5432';
  const redisPort = process.env.REDIS_PORT ?? '6379';
  return {
    kafkaBrokers: process.env.KAFKA_BROKERS ?? `127.0.0.1:${kafkaPort}`,
    databaseUrl: process.env.DATABASE_URL ?? `postgres://postgres@127.0.0.1:${pgPort}/pushmfa`,
    redisUrl: process.env.REDIS_URL ?? `redis://127.0.0.1:${redisPort}`,
    source: 'local',
  };
}

function repositoryRoot(): string {
  // Works from libs/testing/src and from its compiled copy under dist/.
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, LAUNCHER))) return dir;
  }
  throw new Error(`Cannot find ${LAUNCHER} above ${__dirname}`);
}
