import { parseCliArguments } from './cli-arguments';
import { UsageError } from './usage.error';

const QR = 'pushmfa://pair?v=1&url=http%3A%2F%2F127.0.0.1%3A3002&pid=p1&s=secret';

describe('parseCliArguments', () => {
  it('reads pair with its defaults', () => {
    expect(parseCliArguments(['pair', QR])).toEqual({
      command: 'pair',
      profile: 'default',
      qrUri: QR,
      algorithm: 'Ed25519',
      platform: 'android',
      pushToken: undefined,
      deviceName: undefined,
      force: false,
    });
  });

  it('reads pair with every option', () => {
    const args = ['pair', QR, '--alg', 'es256', '--platform', 'ios', '--push-token', 'apns-1', '--name', "Bob's phone", '--profile', 'bob', '--force'];
    expect(parseCliArguments(args)).toMatchObject({
      algorithm: 'ES256',
      platform: 'ios',
      pushToken: 'apns-1',
      deviceName: "Bob's phone",
      profile: 'bob',
      force: true,
    });
  });

  it('reads pending with the default and a given challenge URL', () => {
    expect(parseCliArguments(['pending'])).toEqual({ command: 'pending', profile: 'default', challengeUrl: 'http://127.0.0.1:3001' });
    expect(parseCliArguments(['pending', '--challenge-url', 'https://mfa.example.com/'])).toMatchObject({ challengeUrl: 'https://mfa.example.com' });
  });

  it('keeps the number to match as text, leading zero included', () => {
    expect(parseCliArguments(['approve', 'ch_1', '--number', '07'])).toEqual({
      command: 'approve',
      profile: 'default',
      challengeUrl: 'http://127.0.0.1:3001',
      challengeId: 'ch_1',
      number: '07',
      fraud: false,
      userVerified: false,
    });
    expect(parseCliArguments(['approve', 'ch_1'])).toMatchObject({ number: undefined });
    // A passwordless sign-in: the user passed the phone's own check.
    expect(parseCliArguments(['approve', 'ch_1', '--number', '07', '--user-verified'])).toMatchObject({ userVerified: true });
    expect(() => parseCliArguments(['deny', 'ch_1', '--user-verified'])).toThrow(/deny does not take --user-verified/);
  });

  it('reads deny with and without --fraud', () => {
    expect(parseCliArguments(['deny', 'ch_1'])).toMatchObject({ command: 'deny', challengeId: 'ch_1', fraud: false });
    expect(parseCliArguments(['deny', 'ch_1', '--fraud'])).toMatchObject({ command: 'deny', fraud: true });
  });

  it('reads watch and push-token', () => {
    expect(parseCliArguments(['watch'])).toMatchObject({ command: 'watch', autoApprove: false, numberFromFile: undefined, pollIntervalMs: 1000 });
    expect(parseCliArguments(['watch', '--auto-approve', '--number-from', '/tmp/n'])).toMatchObject({ autoApprove: true, numberFromFile: '/tmp/n' });
    expect(parseCliArguments(['push-token', 'fcm-2', '--profile', 'alice'])).toEqual({ command: 'push-token', profile: 'alice', pushToken: 'fcm-2' });
    expect(parseCliArguments(['test-push-ack', 't-1'])).toEqual({ command: 'test-push-ack', profile: 'default', testPushId: 't-1' });
    expect(() => parseCliArguments(['test-push-ack'])).toThrow('test-push-ack takes <testPushId>');
  });

  it('reads share-logs with an optional challenge', () => {
    expect(parseCliArguments(['share-logs'])).toEqual({
      command: 'share-logs',
      profile: 'default',
      challengeUrl: 'http://127.0.0.1:3001',
      challengeId: undefined,
    });
    expect(parseCliArguments(['share-logs', '--challenge', 'c-1', '--profile', 'bob'])).toMatchObject({ challengeId: 'c-1', profile: 'bob' });
    expect(() => parseCliArguments(['share-logs', '--number', '12'])).toThrow('share-logs does not take --number');
  });

  it('reads health with only the fields given', () => {
    expect(parseCliArguments(['health', '--notifications', 'denied'])).toEqual({ command: 'health', profile: 'default', health: { notifications: 'denied' } });
    expect(
      parseCliArguments(['health', '--focus-mode', 'on', '--background-refresh', 'off', '--app-version', '2.4.1', '--last-push-seen', '2026-12-05T08:00:00Z']),
    ).toMatchObject({ health: { focusMode: true, backgroundRefresh: false, appVersion: '2.4.1', lastPushSeenAt: '2026-12-05T08:00:00.000Z' } });
    expect(() => parseCliArguments(['health', '--notifications', 'maybe'])).toThrow('--notifications must be one of allowed, denied');
    expect(() => parseCliArguments(['health', '--battery-saver', 'yes'])).toThrow('--battery-saver must be one of on, off');
  });

  it('answers help for no command, help, or --help', () => {
    expect(parseCliArguments([])).toEqual({ command: 'help' });
    expect(parseCliArguments(['help'])).toEqual({ command: 'help' });
    expect(parseCliArguments(['pending', '--help'])).toEqual({ command: 'help' });
  });

  it.each([
    ['an unknown command', ['scan'], /unknown command "scan"/],
    ['an unknown option', ['pending', '--verbose'], /verbose/],
    ['an option of another command', ['pending', '--fraud'], /pending does not take --fraud/],
    ['a missing argument', ['approve'], /approve takes <challengeId>/],
    ['an extra argument', ['pending', 'x'], /pending takes no arguments/],
    ['a bad algorithm', ['pair', QR, '--alg', 'RS256'], /--alg must be one of Ed25519, ES256/],
    ['a bad platform', ['pair', QR, '--platform', 'symbian'], /--platform/],
    ['a number with letters', ['approve', 'c', '--number', '4a'], /--number must be/],
    ['a one-digit number', ['approve', 'c', '--number', '4'], /--number must be/],
    ['a profile that walks out of its folder', ['pending', '--profile', '../x'], /--profile/],
    ['a challenge URL that is not http', ['pending', '--challenge-url', 'ftp://x'], /--challenge-url/],
    ['an option without its value', ['approve', 'c', '--number'], /number/],
    ['--number-from without --auto-approve', ['watch', '--number-from', 'f'], /only makes sense with --auto-approve/],
    ['a silly poll interval', ['watch', '--poll-interval-ms', '5'], /--poll-interval-ms/],
  ])('refuses %s', (_name, argv, message) => {
    expect(() => parseCliArguments(argv)).toThrow(UsageError);
    expect(() => parseCliArguments(argv)).toThrow(message);
  });
});
