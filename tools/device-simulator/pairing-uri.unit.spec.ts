import { parsePairingUri } from './pairing-uri';
import { UsageError } from './usage.error';

describe('parsePairingUri', () => {
  const secret = 'c2VjcmV0LXdpdGgtKy1hbmQtLw';

  it('reads the registry URL, pairing id, secret and workspace name', () => {
    const uri = `pushmfa://pair?v=1&url=${encodeURIComponent('http://127.0.0.1:3002/')}&pid=pair_123&s=${secret}&ws=${encodeURIComponent('Acme Corp')}`;
    expect(parsePairingUri(uri)).toEqual({ version: '1', registryUrl: 'http://127.0.0.1:3002', pairingId: 'pair_123', secret, workspaceName: 'Acme Corp' });
  });

  it('keeps a path prefix of the registry URL and allows a missing workspace name', () => {
    const uri = `pushmfa://pair?v=1&url=${encodeURIComponent('https://mfa.example.com/registry')}&pid=p1&s=${secret}`;
    expect(parsePairingUri(uri)).toMatchObject({ registryUrl: 'https://mfa.example.com/registry', workspaceName: undefined });
  });

  it.each([
    ['another scheme', `https://pair?v=1&url=http%3A%2F%2Fx&pid=p&s=s`, /not a pairing code/],
    ['another version', `pushmfa://pair?v=2&url=http%3A%2F%2Fx&pid=p&s=s`, /version: 2/],
    ['no version', `pushmfa://pair?url=http%3A%2F%2Fx&pid=p&s=s`, /version: \(none\)/],
    ['no pairing id', `pushmfa://pair?v=1&url=http%3A%2F%2Fx&s=s`, /no "pid"/],
    ['no secret', `pushmfa://pair?v=1&url=http%3A%2F%2Fx&pid=p`, /no "s"/],
    ['no url', `pushmfa://pair?v=1&pid=p&s=s`, /no "url"/],
    ['a url that is not one', `pushmfa://pair?v=1&url=nope&pid=p&s=s`, /not a URL/],
    ['a url of another protocol', `pushmfa://pair?v=1&url=ftp%3A%2F%2Fx&pid=p&s=s`, /http or https/],
  ])('refuses %s', (_name, uri, message) => {
    expect(() => parsePairingUri(uri)).toThrow(UsageError);
    expect(() => parsePairingUri(uri)).toThrow(message);
  });
});
