import { describe, expect, it } from '@jest/globals';
import { csvField, csvHeaderLine, csvLineOf } from './mfa-report.csv';

describe('MFA Report CSV', () => {
  it('leaves plain text alone', () => {
    expect(csvField('alice@example.com')).toBe('alice@example.com');
    expect(csvField('')).toBe('');
  });

  it('quotes commas, quotes and line breaks as RFC 4180 says', () => {
    expect(csvField('Paris, FR')).toBe('"Paris, FR"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r\nlf')).toBe('"cr\r\nlf"');
  });

  it('defuses cells a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-2')).toBe("'-2");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\tcmd')).toBe("'\tcmd");
  });

  it('writes a header and one CRLF-terminated line per row', () => {
    expect(csvHeaderLine()).toBe(
      'challengeId,userId,status,createdAt,deliveredAt,receivedAt,resolvedAt,devices,ipAddress,location,userAgent,application,fraudReported,poolId,factor,numberMatching,riskSignals\r\n',
    );
    const line = csvLineOf({
      challengeId: 'ch-1',
      userId: 'bob',
      status: 'success',
      createdAt: '2025-01-01T12:00:00.000Z',
      deliveredAt: '2025-01-01T12:00:01.000Z',
      resolvedAt: '2025-01-01T12:00:05.000Z',
      devices: [
        { deviceId: 'd1', delivery: 'delivered' },
        { deviceId: 'd2', delivery: 'failed' },
      ],
      context: { ipAddress: '203.0.113.7', location: 'Lyon, FR' },
      poolId: 'default',
      factor: 'second',
      numberMatching: { style: 'risk', required: true, riskSignals: ['new_ip_address', 'first_sign_in_after_pairing'] },
      fraudReported: false,
    });
    expect(line).toBe(
      'ch-1,bob,success,2025-01-01T12:00:00.000Z,2025-01-01T12:00:01.000Z,,2025-01-01T12:00:05.000Z,d1:delivered;d2:failed,203.0.113.7,"Lyon, FR",,,false,default,second,risk,new_ip_address;first_sign_in_after_pairing\r\n',
    );
  });
});
