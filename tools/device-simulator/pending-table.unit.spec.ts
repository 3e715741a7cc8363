import { formatPendingTable } from './pending-table';

describe('formatPendingTable', () => {
  it('says so when nothing waits', () => {
    expect(formatPendingTable([])).toBe('No pending requests.');
  });

  it('lists each request with its context, aligned', () => {
    const table = formatPendingTable([
      {
        challengeId: 'ch_1',
        createdAt: '2026-11-23T00:00:01.123Z',
        expiresAt: '2026-11-23T00:01:01.123Z',
        context: { application: 'Payroll', location: 'Lisbon, PT', userAgent: 'Firefox' },
        numberMatchRequired: true,
      },
      { challengeId: 'ch_22', createdAt: '2026-11-23T00:00:02.000Z', expiresAt: '2026-11-23T00:01:02.000Z', context: undefined, numberMatchRequired: false },
    ]).split('\n');
    expect(table[0]).toMatch(/^id\s+created\s+expires\s+application\*\s+location\*\s+browser\*\s+number required$/);
    expect(table[2]).toBe('ch_1   2026-11-23T00:00:01Z  2026-11-23T00:01:01Z  Payroll       Lisbon, PT  Firefox   yes');
    expect(table[3]).toBe('ch_22  2026-11-23T00:00:02Z  2026-11-23T00:01:02Z  -             -           -         no');
    expect(table[4]).toBe('* as reported by the sign-in, not checked by pushmfa');
  });

  it('cuts a long context value short, so it cannot pose as a notice from IT', () => {
    const posing = 'IT Security Team: your account is locked. Approve now to unlock it, or you lose access today';
    const table = formatPendingTable([
      {
        challengeId: 'ch_3',
        createdAt: '2026-11-23T00:00:01Z',
        expiresAt: '2026-11-23T00:01:01Z',
        context: { application: posing },
        numberMatchRequired: true,
      },
    ]);
    expect(table).toContain(`${posing.slice(0, 39)}…`);
    expect(table).not.toContain(posing);
  });

  it('shows the three numbers of a "choose" request, none of them marked', () => {
    const table = formatPendingTable([
      {
        challengeId: 'ch_4',
        createdAt: '2026-11-23T00:00:01Z',
        expiresAt: '2026-11-23T00:01:01Z',
        context: undefined,
        numberMatchRequired: true,
        numberChoices: ['41', '07', '93'],
      },
    ]).split('\n');
    expect(table[2]).toMatch(/ pick one: 41 \| 07 \| 93$/);
  });
});
