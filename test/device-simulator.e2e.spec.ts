import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callJson, eventually } from '@pushmfa/testing';
import { type ProductionStack, startProductionStack } from './support/production-stack';

const SIMULATOR = join(__dirname, '..', 'dist', 'tools', 'device-simulator', 'main.js');

interface SimulatorRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The device simulator as a user runs it: a separate process that knows only a QR code and the public API, driving
 * real service processes (production mode), the real broker, database and cache, and the push emulators.
 */
describe('device simulator: pair from a QR code, list pending, approve and deny, share logs from the command line', () => {
  let stack: ProductionStack;
  let workdir: string;

  beforeAll(async () => {
    if (!existsSync(SIMULATOR)) throw new Error(`${SIMULATOR} is missing: run "npm run build" first (npm test does)`);
    workdir = mkdtempSync(join(tmpdir(), 'pushmfa-device-sim-'));
    stack = await startProductionStack({ label: 'device-simulator', operatorToken: 'e2e-operator-token-device-simulator' });
  }, 120_000);

  afterAll(async () => {
    await stack?.close();
    if (workdir) rmSync(workdir, { recursive: true, force: true });
  });

  /** Runs the simulator in its own working directory, so its profiles stay in this test's folder. */
  function simulator(args: string[], onOutput?: (stdout: string, stop: () => void, type: (line: string) => void) => void): Promise<SimulatorRun> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [SIMULATOR, ...args], { cwd: workdir, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        onOutput?.(
          stdout,
          () => child.kill('SIGINT'),
          (line) => child.stdin.write(`${line}\n`),
        );
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  const call = callJson;

  it('pairs, lists the pending request, approves it with the number, and the platform sees approved', async () => {
    const registry = stack.registry.baseUrl;
    const challenge = stack.challenge.baseUrl;
    const challengeUrl = ['--challenge-url', challenge, '--profile', 'alice'];

    const workspace = await call(registry, 'POST', '/v1/workspaces', stack.operatorToken, { name: 'Acme Sim' });
    expect(workspace.status).toBe(201);
    const platformKey = (await call(registry, 'POST', `/v1/workspaces/${workspace.body.id}/api-keys`, stack.operatorToken, { role: 'platform' })).body
      .key as string;
    const adminKey = (await call(registry, 'POST', `/v1/workspaces/${workspace.body.id}/api-keys`, stack.operatorToken, { role: 'admin' })).body.key as string;
    expect((await call(registry, 'PATCH', '/v1/workspace/settings', adminKey, { pushEnabled: true })).status).toBe(200);

    // The phone scans the QR code; the user types the printed code into the platform.
    const pairing = await call(registry, 'POST', '/v1/users/alice/pairings', platformKey, {});
    expect(pairing.status).toBe(201);
    const pushToken = `fcm-token-sim-${stack.ns.id}`;
    const paired = await simulator(['pair', pairing.body.qrUri, '--profile', 'alice', '--name', "Alice's phone", '--push-token', pushToken]);
    expect(paired).toMatchObject({ code: 0, stderr: '' });
    const code = /Confirmation code: (\d{6})/.exec(paired.stdout)?.[1];
    expect(code).toBeDefined();
    const profilePath = join(workdir, '.local', 'device-simulator', 'alice.json');
    expect(statSync(profilePath).mode & 0o777).toBe(0o600);
    const profile = JSON.parse(readFileSync(profilePath, 'utf8')) as { deviceId: string; privateJwk: { d: string } };
    expect(paired.stdout).toContain(profile.deviceId);
    expect(paired.stdout).not.toContain(profile.privateJwk.d);
    const confirmed = await call(registry, 'POST', `/v1/pairings/${pairing.body.pairingId}/confirm`, platformKey, { code });
    expect(confirmed.body).toEqual({ deviceId: profile.deviceId, status: 'active' });

    // Pairing again into the same profile would lose the keys: refused as a usage error.
    expect((await simulator(['pair', pairing.body.qrUri, '--profile', 'alice'])).code).toBe(2);

    const issue = () =>
      eventually(async () => {
        const r = await call(challenge, 'POST', '/v1/challenges', platformKey, {
          userId: 'alice',
          context: { application: 'Payroll', location: 'Lisbon, PT', userAgent: 'Firefox on Linux' },
        });
        return r.status === 401 || r.body.code === 'no_active_device' || r.body.code === 'push_disabled' ? undefined : r;
      }, 'the challenge service to learn the key, the settings and the device');
    const issued = await issue();
    expect(issued.status).toBe(201);
    const challengeId = issued.body.challengeId as string;
    const numberMatch = issued.body.numberMatch as string;
    expect(numberMatch).toMatch(/^\d{2}$/);
    // The push reached FCM with the token the simulator registered.
    await eventually(async () => stack.fcm.received().find((m) => m.token === pushToken), 'the push to reach the FCM emulator');

    const pending = await simulator(['pending', ...challengeUrl]);
    expect(pending.code).toBe(0);
    const row = pending.stdout.split('\n').find((line) => line.startsWith(challengeId));
    expect(row).toMatch(/Payroll\s+Lisbon, PT\s+Firefox on Linux\s+yes$/);
    expect(pending.stdout).toMatch(/^id\s+created\s+expires\s+application\*\s+location\*\s+browser\*\s+number required/);
    expect(pending.stdout).toContain('* as reported by the sign-in, not checked by pushmfa');

    // Without the number the app refuses locally, so the request is not denied by a slip.
    const noNumber = await simulator(['approve', challengeId, ...challengeUrl]);
    expect(noNumber.code).toBe(2);
    expect(noNumber.stderr).toContain('--number');

    const approved = await simulator(['approve', challengeId, '--number', numberMatch, ...challengeUrl]);
    expect(approved).toMatchObject({ code: 0, stdout: 'approved\n' });
    const status = await call(challenge, 'GET', `/v1/challenges/${challengeId}`, platformKey);
    expect(status.body).toMatchObject({ challengeId, userId: 'alice', status: 'approved' });

    // Answering again is refused by the server: exit 1 with its code.
    const again = await simulator(['deny', challengeId, ...challengeUrl]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('challenge_not_pending');

    // A second request, denied.
    const second = await issue();
    const denied = await simulator(['deny', second.body.challengeId, ...challengeUrl]);
    expect(denied).toMatchObject({ code: 0, stdout: 'denied\n' });
    expect((await call(challenge, 'GET', `/v1/challenges/${second.body.challengeId}`, platformKey)).body.status).toBe('denied');

    // watch --auto-approve takes the number from a file, approves, and stops cleanly on Ctrl+C.
    const third = await issue();
    const numberFile = join(workdir, 'number.txt');
    writeFileSync(numberFile, `${third.body.numberMatch}\n`);
    const watched = await simulator(['watch', '--auto-approve', '--number-from', numberFile, '--poll-interval-ms', '200', ...challengeUrl], (stdout, stop) => {
      if (stdout.includes(`${third.body.challengeId}: approved`)) stop();
    });
    expect(watched.code).toBe(0);
    expect(watched.stdout).toContain(`${third.body.challengeId}: approved`);
    expect((await call(challenge, 'GET', `/v1/challenges/${third.body.challengeId}`, platformKey)).body.status).toBe('approved');

    // watch without --auto-approve asks; the user types the number.
    const fourth = await issue();
    let typed = false;
    const asked = await simulator(['watch', '--poll-interval-ms', '200', ...challengeUrl], (stdout, stop, type) => {
      if (!typed && stdout.includes('Approve? type the number or n')) {
        typed = true;
        type(fourth.body.numberMatch);
      }
      if (stdout.includes(`${fourth.body.challengeId}: approved`)) stop();
    });
    expect(asked).toMatchObject({ code: 0, stderr: '' });
    expect((await call(challenge, 'GET', `/v1/challenges/${fourth.body.challengeId}`, platformKey)).body.status).toBe('approved');

    // An ES256 key (an iPhone's Secure Enclave kind) signs as well: pair bob and read his empty Pending tab.
    const bobPairing = await call(registry, 'POST', '/v1/users/bob/pairings', platformKey, {});
    // --offline-code: the simulator waits for the confirmation, then agrees the offline code (the last step of pairing).
    let bobConfirmed: Promise<{ body: { status?: string } }> | undefined;
    const bobPaired = await simulator(
      ['pair', bobPairing.body.qrUri, '--profile', 'bob', '--alg', 'ES256', '--platform', 'ios', '--offline-code', '--challenge-url', challenge],
      (stdout) => {
        const bobCode = /Confirmation code: (\d{6})/.exec(stdout)?.[1];
        if (bobCode && !bobConfirmed)
          bobConfirmed = call(registry, 'POST', `/v1/pairings/${bobPairing.body.pairingId}/confirm`, platformKey, { code: bobCode });
      },
    );
    expect(bobPaired.code).toBe(0);
    expect((await bobConfirmed)?.body.status).toBe('active');
    expect(bobPaired.stdout).toContain('Offline code agreed');
    const bobPending = await eventually(async () => {
      const run = await simulator(['pending', '--challenge-url', challenge, '--profile', 'bob']);
      return run.stderr.includes('unauthorized') ? undefined : run;
    }, "the challenge service to learn bob's device");
    expect(bobPending).toMatchObject({ code: 0, stdout: 'No pending requests.\n' });

    // No push reaches bob's phone: it agreed an offline code after pairing, and `code` shows it without a network.
    const bobArgs = ['--challenge-url', challenge, '--profile', 'bob'];
    const bobProfile = JSON.parse(readFileSync(join(workdir, '.local', 'device-simulator', 'bob.json'), 'utf8')) as { offlineCode: { secret: string } };
    expect(bobProfile.offlineCode.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(bobPaired.stdout + bobPaired.stderr).not.toContain(bobProfile.offlineCode.secret);
    // Once per device: asking again is refused locally, before the network.
    expect((await simulator(['enrol-offline-code', ...bobArgs])).code).toBe(2);
    const shown = await simulator(['code', '--profile', 'bob']);
    expect(shown.code).toBe(0);
    const offlineCode = shown.stdout.trim();
    expect(offlineCode).toMatch(/^\d{6}$/);
    const bobIssued = await call(challenge, 'POST', '/v1/challenges', platformKey, { userId: 'bob' });
    expect(bobIssued.status).toBe(201);
    const withCode = await call(challenge, 'POST', `/v1/challenges/${bobIssued.body.challengeId}/offline-code`, platformKey, { code: offlineCode });
    expect(withCode.body).toMatchObject({ status: 'approved', method: 'offline_code' });
    const bobNext = await call(challenge, 'POST', '/v1/challenges', platformKey, { userId: 'bob' });
    const replayed = await call(challenge, 'POST', `/v1/challenges/${bobNext.body.challengeId}/offline-code`, platformKey, { code: offlineCode });
    expect(replayed.body.code).toBe('offline_code_replayed');

    // "This wasn't me", after the request was already denied: the report is recorded and push locks for alice.
    const reported = await simulator(['deny', second.body.challengeId, '--fraud', ...challengeUrl]);
    expect(reported).toMatchObject({ code: 0, stdout: 'denied (reported as not yours: push is locked for this user)\n' });
    expect((await call(challenge, 'POST', '/v1/challenges', platformKey, { userId: 'alice' })).body.code).toBe('push_locked');

    // "Share app logs with support": the simulator prints the incident id; the admin reads the logs, token redacted.
    const sharedLogs = await simulator(['share-logs', '--challenge', second.body.challengeId, ...challengeUrl]);
    expect(sharedLogs).toMatchObject({ code: 0, stderr: '' });
    const incidentId = /incident (INC-[0-9A-Z]{4}-[0-9A-Z]{4})/.exec(sharedLogs.stdout)?.[1];
    expect(incidentId).toBeDefined();
    const incident = await eventually(async () => {
      const answer = await call(stack.reporting.baseUrl, 'GET', `/v1/reports/diagnostics/${incidentId}`, adminKey);
      return answer.status === 200 ? answer : undefined;
    }, 'the shared logs in the report');
    expect(incident.body).toMatchObject({ userId: 'alice', deviceId: profile.deviceId, challengeId: second.body.challengeId });
    expect(incident.body.logs.join('\n')).toContain(`[push token …${pushToken.slice(-6)}]`);
    expect(incident.body.logs.join('\n')).not.toContain(pushToken);

    // The push token rotates through the signed registry call.
    const rotated = await simulator(['push-token', `${pushToken}-2`, '--profile', 'alice']);
    expect(rotated.code).toBe(0);
    expect(JSON.parse(readFileSync(profilePath, 'utf8')).pushToken).toBe(`${pushToken}-2`);

    // The help desk test-pushes alice's phone; the simulator shows it and acknowledges it, and the report reads received.
    const testPush = await call(registry, 'POST', `/v1/users/alice/devices/${profile.deviceId}/test-push`, adminKey);
    expect(testPush.status).toBe(202);
    const testPushId = testPush.body.testPushId as string;
    await eventually(async () => stack.fcm.received().find((m) => JSON.stringify(m.body).includes(testPushId)), 'the test push to reach the FCM emulator');
    const acked = await simulator(['test-push-ack', testPushId, '--profile', 'alice']);
    expect(acked).toMatchObject({ code: 0, stderr: '' });
    expect(acked.stdout).toContain('Test notification from pushmfa: no action needed');
    await eventually(async () => {
      const report = await call(stack.reporting.baseUrl, 'GET', `/v1/reports/test-pushes/${testPushId}`, adminKey);
      return report.body.status === 'received' ? report : undefined;
    }, 'the report to read the test push as received');
  }, 120_000);

  it('number matching as the admin wants it: "choose" shows three numbers and takes the one tapped; "risk" asks only when the sign-in looks risky; passwordless push needs --user-verified', async () => {
    const registry = stack.registry.baseUrl;
    const challenge = stack.challenge.baseUrl;
    const carolArgs = ['--challenge-url', challenge, '--profile', 'carol'];

    const workspace = await call(registry, 'POST', '/v1/workspaces', stack.operatorToken, { name: 'Acme Styles' });
    const keyOf = async (role: string) =>
      (await call(registry, 'POST', `/v1/workspaces/${workspace.body.id}/api-keys`, stack.operatorToken, { role })).body.key as string;
    const [platformKey, adminKey] = [await keyOf('platform'), await keyOf('admin')];
    expect(
      (await call(registry, 'PATCH', '/v1/workspace/settings', adminKey, { pushEnabled: true, numberMatching: 'choose', maxChallengesPerUserPer10Min: 100 }))
        .status,
    ).toBe(200);

    const pairing = await call(registry, 'POST', '/v1/users/carol/pairings', platformKey, {});
    const paired = await simulator(['pair', pairing.body.qrUri, '--profile', 'carol', '--push-token', `fcm-token-carol-${stack.ns.id}`]);
    const code = /Confirmation code: (\d{6})/.exec(paired.stdout)?.[1];
    expect((await call(registry, 'POST', `/v1/pairings/${pairing.body.pairingId}/confirm`, platformKey, { code })).body.status).toBe('active');

    const office = { application: 'VPN', ipAddress: '203.0.113.7', location: 'Lisbon, PT' };
    const pendingRow = async (challengeId: string, profile = 'carol') => {
      const pending = await simulator(['pending', '--challenge-url', challenge, '--profile', profile]);
      expect(pending.code).toBe(0);
      return pending.stdout.split('\n').find((line) => line.startsWith(challengeId)) ?? '';
    };
    /** Issues until the phone's Pending tab shows the request as `shown` says (a new setting reaches the service soon after). */
    const issueShown = (shown: RegExp, what: string, userId = 'carol', factor = 'second') =>
      eventually(async () => {
        const r = await call(challenge, 'POST', '/v1/challenges', platformKey, { userId, factor, context: office });
        if (r.status !== 201) return undefined;
        const row = await pendingRow(r.body.challengeId as string, userId);
        // Otherwise the next request supersedes this one (one pending request per user).
        return shown.test(row) ? { ...(r.body as { challengeId: string; numberMatch?: string }), row } : undefined;
      }, what);
    const choicesIn = (row: string) => /pick one: (\d+) \| (\d+) \| (\d+)$/.exec(row)?.slice(1) ?? [];

    // "choose": the sign-in page shows one number; the phone offers three, the right one unmarked among them.
    const chosen = await issueShown(/pick one: /, 'a challenge that offers three numbers');
    const choices = choicesIn(chosen.row);
    expect(choices).toHaveLength(3);
    expect(new Set(choices).size).toBe(3);
    expect(choices).toContain(chosen.numberMatch);
    // A number that is not among the three cannot be tapped: refused by the app before it costs the one try.
    const notOffered = ['00', '11', '22', '33'].find((n) => !choices.includes(n))!;
    expect((await simulator(['approve', chosen.challengeId, '--number', notOffered, ...carolArgs])).code).toBe(2);
    const fpush = await eventually(
      async () => stack.fcm.received().find((m) => JSON.stringify(m.body).includes(chosen.challengeId)),
      'the choose push to reach the FCM emulator',
    );
    expect(JSON.stringify(fpush.body)).toContain(`"numberChoices":"${choices.join(',')}"`);
    expect(await simulator(['approve', chosen.challengeId, '--number', chosen.numberMatch!, ...carolArgs])).toMatchObject({ code: 0, stdout: 'approved\n' });

    // A wrong tap among the three: one try, the request is denied.
    const tapped = await issueShown(/pick one: /, 'a second challenge that offers three numbers');
    const decoy = choicesIn(tapped.row).find((n) => n !== tapped.numberMatch);
    expect(decoy).toBeDefined();
    const wrong = await simulator(['approve', tapped.challengeId, '--number', decoy!, ...carolArgs]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('number_mismatch');
    expect((await call(challenge, 'GET', `/v1/challenges/${tapped.challengeId}`, platformKey)).body.status).toBe('denied');

    // "risk": a denial in the last day makes even the office risky; the platform shows the number, the phone asks for it.
    expect((await call(registry, 'PATCH', '/v1/workspace/settings', adminKey, { numberMatching: 'risk' })).status).toBe(200);
    const risky = await issueShown(/ yes$/, 'a challenge under the risk style');
    expect(risky.numberMatch).toMatch(/^\d{2}$/);
    expect((await simulator(['approve', risky.challengeId, '--number', risky.numberMatch!, ...carolArgs])).stdout).toBe('approved\n');
    const riskyRow = await eventually(async () => {
      const answer = await call(stack.reporting.baseUrl, 'GET', `/v1/reports/mfa/${risky.challengeId}`, adminKey);
      return answer.body.status === 'success' ? answer.body : undefined;
    }, 'the report row of the risky sign-in');
    expect(riskyRow.numberMatching).toEqual({ style: 'risk', required: true, riskSignals: ['recent_denial'] });

    // Dave, paired today: his first sign-in is risky (a new place, a new application, the first since pairing); the
    // next one from the same office is not, and he only taps Approve.
    const davePairing = await call(registry, 'POST', '/v1/users/dave/pairings', platformKey, {});
    const davePaired = await simulator(['pair', davePairing.body.qrUri, '--profile', 'dave', '--push-token', `fcm-token-dave-${stack.ns.id}`]);
    const daveCode = /Confirmation code: (\d{6})/.exec(davePaired.stdout)?.[1];
    expect((await call(registry, 'POST', `/v1/pairings/${davePairing.body.pairingId}/confirm`, platformKey, { code: daveCode })).body.status).toBe('active');
    const daveArgs = ['--challenge-url', challenge, '--profile', 'dave'];
    const daveFirst = await issueShown(/ yes$/, "dave's first sign-in", 'dave');
    expect(await simulator(['approve', daveFirst.challengeId, '--number', daveFirst.numberMatch!, ...daveArgs])).toMatchObject({
      code: 0,
      stdout: 'approved\n',
    });
    const daveAgain = await issueShown(/ no$/, "dave's second sign-in from the same office", 'dave');
    expect(daveAgain.numberMatch).toBeUndefined();
    expect(await simulator(['approve', daveAgain.challengeId, ...daveArgs])).toMatchObject({ code: 0, stdout: 'approved\n' });
    const reportOf = (challengeId: string) =>
      eventually(async () => {
        const answer = await call(stack.reporting.baseUrl, 'GET', `/v1/reports/mfa/${challengeId}`, adminKey);
        return answer.body.status === 'success' ? answer.body : undefined;
      }, `the report row of ${challengeId}`);
    expect((await reportOf(daveFirst.challengeId)).numberMatching).toEqual({
      style: 'risk',
      required: true,
      riskSignals: ['new_ip_address', 'new_application', 'first_sign_in_after_pairing'],
    });
    expect((await reportOf(daveAgain.challengeId)).numberMatching).toEqual({ style: 'risk', required: false, riskSignals: [] });

    // Dave moves to a pool that signs in with passwordless push and three numbers: the simulator must say that the
    // phone verified him (biometric or PIN) before the approval counts.
    const engineers = await call(registry, 'POST', '/v1/workspace/pools', adminKey, {
      name: 'Engineers',
      firstFactor: { methods: ['push'], preferred: 'push' },
      secondFactor: { methods: ['totp'], preferred: 'totp' },
      numberMatching: 'choose',
    });
    expect(engineers.status).toBe(201);
    expect((await call(registry, 'PUT', '/v1/users/dave/pool', platformKey, { poolId: engineers.body.poolId })).status).toBe(200);
    const passwordless = await issueShown(/pick one: /, "dave's passwordless sign-in", 'dave', 'first');
    const unverified = await simulator(['approve', passwordless.challengeId, '--number', passwordless.numberMatch!, ...daveArgs]);
    expect(unverified.code).toBe(1);
    expect(unverified.stderr).toContain('user_verification_required');
    expect(await simulator(['approve', passwordless.challengeId, '--number', passwordless.numberMatch!, '--user-verified', ...daveArgs])).toMatchObject({
      code: 0,
      stdout: 'approved\n',
    });
    expect((await call(challenge, 'GET', `/v1/challenges/${passwordless.challengeId}`, platformKey)).body).toMatchObject({
      status: 'approved',
      factor: 'first',
      amr: ['push'],
      secondFactorRequired: true,
    });
  }, 120_000);
});
