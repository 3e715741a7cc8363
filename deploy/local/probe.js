#!/usr/bin/env node
// Readiness probes for deploy/local/*.sh. Plain JavaScript on purpose: infrastructure must come up
// before (and even when) the TypeScript build does, so this file needs nothing but node_modules.
//
//   node deploy/local/probe.js kafka <brokers> <timeoutSeconds>     admin describeCluster answers, over SASL_SSL as
//                                                                    the admin user of $PUSHMFA_KAFKA_SECURITY_DIR
//   node deploy/local/probe.js postgres <url> <timeoutSeconds>       `select 1` answers
//   node deploy/local/probe.js redis <url> <timeoutSeconds>          PING answers PONG
//   node deploy/local/probe.js ensure-database <url> <name>          creates database <name> if missing
'use strict';

const POLL_INTERVAL_MS = 500;

async function pollUntil(timeoutSeconds, attempt) {
  const deadline = Date.now() + Number(timeoutSeconds) * 1000;
  let lastError;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) throw lastError;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/** TLS and SCRAM options for the admin user, from the files deploy/local/infra.sh generated. */
function adminSecurity() {
  const fs = require('fs');
  const path = require('path');
  const dir = process.env.PUSHMFA_KAFKA_SECURITY_DIR;
  if (!dir) throw new Error('PUSHMFA_KAFKA_SECURITY_DIR is not set');
  const values = {};
  for (const line of fs.readFileSync(path.join(dir, 'credentials.env'), 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) values[match[1]] = match[2];
  }
  return {
    ssl: { ca: [fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8')] },
    sasl: { mechanism: 'scram-sha-512', username: values.PUSHMFA_KAFKA_ADMIN_USERNAME, password: values.PUSHMFA_KAFKA_ADMIN_PASSWORD },
  };
}

async function kafkaAnswers(brokers) {
  const { Kafka, logLevel } = require('kafkajs');
  const kafka = new Kafka({
    clientId: 'pushmfa-probe',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: { retries: 0 },
    ...adminSecurity(),
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return `kafka answers: ${cluster.brokers.length} broker(s), cluster ${cluster.clusterId}`;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function postgresAnswers(url) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return 'postgres answers';
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function redisAnswers(url) {
  const Redis = require('ioredis');
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const pong = await redis.ping();
    if (pong !== 'PONG') throw new Error(`PING answered ${pong}`);
    return 'redis answers';
  } finally {
    redis.disconnect();
  }
}

async function ensureDatabase(url, name) {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`refusing odd database name ${name}`);
  const { Client } = require('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount > 0) return `database ${name} exists`;
    await client.query(`create database ${name}`);
    return `database ${name} created`;
  } catch (error) {
    // Two launchers racing to create it is fine: the other one won.
    if (error && error.code === '42P04') return `database ${name} exists`;
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function main() {
  const [command, target, arg] = process.argv.slice(2);
  switch (command) {
    case 'kafka':
      return pollUntil(arg ?? 0, () => kafkaAnswers(target));
    case 'postgres':
      return pollUntil(arg ?? 0, () => postgresAnswers(target));
    case 'redis':
      return pollUntil(arg ?? 0, () => redisAnswers(target));
    case 'ensure-database':
      return ensureDatabase(target, arg);
    default:
      throw new Error(`unknown probe "${command}"`);
  }
}

main().then(
  (message) => {
    console.log(message);
    process.exit(0);
  },
  (error) => {
    console.error(`probe ${process.argv[2]} failed: ${error && error.message ? error.message : error}`);
    process.exit(1);
  },
);
