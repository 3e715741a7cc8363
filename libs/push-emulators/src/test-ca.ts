import { X509Certificate } from 'node:crypto';
import path from 'node:path';
import { generate } from 'selfsigned';
import { emulatorFilesDir, loadOrCreateUnderLock, readTextIfPresent, writeFileAtomically } from './emulator-files';

/** Every name the emulators answer for: the SDKs keep their real hostnames and only the socket is redirected. */
export const EMULATED_HOSTNAMES = ['localhost', 'fcm.googleapis.com', 'oauth2.googleapis.com', 'api.push.apple.com', 'api.sandbox.push.apple.com'] as const;
const EMULATED_IPS = ['127.0.0.1'] as const;

export interface TestCa {
  /** PEM of the test CA: what a client must trust to reach the emulators. */
  caPem: string;
  /** File holding `caPem`; this is what PUSH_EMULATOR_CA points to. */
  caPemPath: string;
  serverCertPem: string;
  serverKeyPem: string;
}

interface StoredBundle {
  names: string[];
  caCertPem: string;
  caKeyPem: string;
  serverCertPem: string;
  serverKeyPem: string;
}

const BUNDLE_FILE = 'test-ca.json';
const CA_FILE = 'ca.pem';
const MIN_REMAINING_VALIDITY_MS = 24 * 60 * 60 * 1000;
const VALIDITY_DAYS = 825;

/** Loads the cached test CA and server certificate, or generates and caches them (safe across parallel processes). */
export async function loadOrCreateTestCa(dir = emulatorFilesDir()): Promise<TestCa> {
  const bundlePath = path.join(dir, BUNDLE_FILE);
  const caPemPath = path.join(dir, CA_FILE);
  const bundle = await loadOrCreateUnderLock(
    path.join(dir, '.test-ca.lock'),
    () => loadUsableBundle(bundlePath),
    async () => {
      const created = await generateBundle();
      await writeFileAtomically(bundlePath, JSON.stringify(created));
      return created;
    },
  );
  if ((await readTextIfPresent(caPemPath)) !== bundle.caCertPem) {
    await writeFileAtomically(caPemPath, bundle.caCertPem, 0o644);
  }
  return { caPem: bundle.caCertPem, caPemPath, serverCertPem: bundle.serverCertPem, serverKeyPem: bundle.serverKeyPem };
}

async function loadUsableBundle(bundlePath: string): Promise<StoredBundle | undefined> {
  const text = await readTextIfPresent(bundlePath);
  if (text === undefined) return undefined;
  let bundle: StoredBundle;
  try {
    bundle = JSON.parse(text) as StoredBundle;
  } catch {
    return undefined;
  }
  const wantedNames = [...EMULATED_HOSTNAMES, ...EMULATED_IPS].join(',');
  if (bundle.names?.join(',') !== wantedNames) return undefined;
  const validTo = Date.parse(new X509Certificate(bundle.serverCertPem).validTo);
  return validTo - Date.now() > MIN_REMAINING_VALIDITY_MS ? bundle : undefined;
}

async function generateBundle(): Promise<StoredBundle> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + VALIDITY_DAYS * 24 * 60 * 60 * 1000);
  const ca = await generate([{ name: 'commonName', value: 'pushmfa push-emulators test CA' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: 'push-emulators' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...EMULATED_HOSTNAMES.map((value) => ({ type: 2 as const, value })), ...EMULATED_IPS.map((ip) => ({ type: 7 as const, ip }))],
      },
    ],
  });
  return {
    names: [...EMULATED_HOSTNAMES, ...EMULATED_IPS],
    caCertPem: ca.cert,
    caKeyPem: ca.private,
    serverCertPem: server.cert,
    serverKeyPem: server.private,
  };
}
