/**
 * The floor baseline's server: the least any push MFA service on this stack must do for one challenge, written
 * plainly in one process. POST /floor → one PostgreSQL commit → one Kafka record produced (idempotent, acks=all, as
 * the services produce) and consumed back → one HTTP/2 `messages:send` to the FCM emulator → 200. No framework, no
 * logging, no tracing, no validation beyond what it needs. Started by floor-baseline.ts with its settings in the
 * environment; prints "listening <port>" once it serves.
 */
import { createSign, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect, type ClientHttp2Session } from 'node:http2';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { Pool } from 'pg';
import { applyKafkajsIdleFix } from '@pushmfa/messaging';
import { testKafkaOptions } from '@pushmfa/testing';

// The same kafkajs fix as the services run with (libs/messaging kafkajs-idle-fix.ts), so the floor is not slowed by it.
applyKafkajsIdleFix();

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`floor pipeline: ${name} is not set`);
  return value;
};

async function main(): Promise<void> {
  const databaseUrl = env('FLOOR_DATABASE_URL');
  const brokers = env('FLOOR_KAFKA_BROKERS').split(',');
  const topic = env('FLOOR_TOPIC');
  const fcmUrl = env('FLOOR_FCM_URL');
  const serviceAccount = JSON.parse(readFileSync(env('FLOOR_FCM_SERVICE_ACCOUNT_FILE'), 'utf8')) as {
    client_email: string;
    private_key: string;
    project_id: string;
  };
  const ca = readFileSync(env('FLOOR_FCM_CA_FILE'), 'utf8');

  const pool = new Pool({ connectionString: databaseUrl, max: 16 });
  await pool.query('create table if not exists floor_challenges (id uuid primary key, user_id text not null, created_at timestamptz not null default now())');

  const kafka = new Kafka({ clientId: 'pushmfa-floor', brokers, logLevel: logLevel.NOTHING, ...testKafkaOptions() });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumer = kafka.consumer({ groupId: `${topic}.floor`, maxWaitTimeInMs: 100 });
  const arrived = new Map<string, () => void>();
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) arrived.get(message.key?.toString() ?? '')?.();
    },
  });
  await joined;

  const fcm: ClientHttp2Session = connect(fcmUrl, { ca });
  const accessToken = await fetchAccessToken(fcm, serviceAccount);
  const sendPath = `/v1/projects/${serviceAccount.project_id}/messages:send`;
  const push = (body: string) =>
    new Promise<number>((resolve, reject) => {
      const stream = fcm.request({ ':method': 'POST', ':path': sendPath, authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' });
      let status = 0;
      stream.on('response', (headers) => (status = Number(headers[':status'])));
      stream.on('data', () => undefined);
      stream.on('end', () => resolve(status));
      stream.on('error', reject);
      stream.end(body);
    });

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const handle = async () => {
        const { userId } = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { userId?: string };
        const challengeId = randomUUID();
        await pool.query('insert into floor_challenges (id, user_id) values ($1, $2)', [challengeId, userId ?? 'floor-user']);
        const consumed = new Promise<void>((resolve) => arrived.set(challengeId, resolve));
        await producer.send({ topic, acks: -1, messages: [{ key: challengeId, value: JSON.stringify({ type: 'ChallengeIssued', challengeId, userId }) }] });
        await consumed;
        arrived.delete(challengeId);
        const status = await push(JSON.stringify({ message: { token: `floor-${userId ?? 'user'}`, data: { challengeId, kind: 'floor' } } }));
        if (status !== 200) throw new Error(`FCM answered ${status}`);
        return JSON.stringify({ challengeId, status: 'pending' });
      };
      handle().then(
        (body) => {
          response.writeHead(201, { 'content-type': 'application/json' });
          response.end(body);
        },
        (error: unknown) => {
          response.writeHead(503, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ code: 'unavailable', detail: error instanceof Error ? error.message : String(error) }));
        },
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
  });
  const stop = () => {
    server.close();
    fcm.close();
    void Promise.allSettled([consumer.disconnect(), producer.disconnect(), pool.end()]).then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
}

async function fetchAccessToken(session: ClientHttp2Session, account: { client_email: string; private_key: string }): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ iss: account.client_email, scope: 'https://www.googleapis.com/auth/firebase.messaging', aud: 'https://oauth2.googleapis.com/token', iat: now, exp: now + 3600 })}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(account.private_key).toString('base64url');
  const form = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: `${unsigned}.${signature}` }).toString();
  const text = await new Promise<string>((resolve, reject) => {
    const stream = session.request({ ':method': 'POST', ':path': '/token', 'content-type': 'application/x-www-form-urlencoded' });
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
    stream.end(form);
  });
  const token = (JSON.parse(text) as { access_token?: string }).access_token;
  if (!token) throw new Error(`the FCM emulator granted no token: ${text}`);
  return token;
}

main().catch((error: unknown) => {
  process.stderr.write(`floor pipeline failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
