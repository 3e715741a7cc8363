import { describe, expect, it } from 'vitest';
import { REPORT_STATUSES } from '../api/report-types';
import {
  approvedWithWord,
  deliveryWord,
  numberMatchingWords,
  eventWord,
  healthBadgeWord,
  reasonWord,
  rowStatusWord,
  STATUS_ORDER,
  statusTone,
  statusWord,
  timelineEventWord,
} from './status-words';

describe('status words', () => {
  it('names every report status in the words admins read', () => {
    expect(REPORT_STATUSES.map(statusWord)).toEqual(['Pending', 'Delivered', 'Received', 'Success', 'Denied', 'Expired', 'Failed', 'Cancelled']);
  });

  it('lists every status once, the outcomes first', () => {
    expect([...STATUS_ORDER].sort()).toEqual([...REPORT_STATUSES].sort());
    expect(STATUS_ORDER.slice(0, 2)).toEqual(['success', 'denied']);
  });

  it('colours an approval good, a denial or failure bad, and a request in flight as waiting', () => {
    expect(statusTone('success')).toBe('good');
    expect(statusTone('denied')).toBe('bad');
    expect(statusTone('failed')).toBe('bad');
    expect(statusTone('received')).toBe('waiting');
    expect(statusTone('expired')).toBe('ended');
  });

  it('says a request approved with the offline code was', () => {
    expect(approvedWithWord('offline_code')).toBe('Approved with offline code');
    expect(reasonWord('offline_code')).toBe('wrong offline codes typed');
  });

  it('still shows a status or event type the page does not know yet', () => {
    expect(statusWord('quarantined')).toBe('Quarantined');
    expect(statusTone('quarantined')).toBe('ended');
    expect(eventWord('ChallengeEscalated')).toBe('ChallengeEscalated');
  });

  it('says a request a newer one superseded was superseded, on its chip and its timeline', () => {
    expect(rowStatusWord('cancelled', 'superseded')).toBe('Superseded');
    expect(rowStatusWord('cancelled', 'platform')).toBe('Cancelled');
    expect(rowStatusWord('success')).toBe('Success');
    expect(eventWord('ChallengeCancelled', { reason: 'superseded', supersededBy: 'c2' })).toBe('Superseded by a newer request');
    expect(eventWord('ChallengeCancelled', { reason: 'platform' })).toBe('Cancelled');
    expect(reasonWord('superseded')).toBe('superseded by a newer request (maxPendingPerUser)');
  });

  it('names each health badge a filter can pick', () => {
    expect(healthBadgeWord('notifications_off')).toBe('Notifications turned off');
    expect(healthBadgeWord('background_refresh_off')).toBe('Background refresh off');
  });

  it('says what happened to each device and each event', () => {
    expect(deliveryWord('rejected')).toBe('Rejected (dead push token)');
    expect(deliveryWord('retrying')).toBe('Retrying');
    expect(eventWord('PushDispatched')).toBe('Push accepted by provider');
    expect(eventWord('FraudReported')).toBe('Fraud reported by the user');
    expect(eventWord('PushLocked')).toBe('Push locked for the user');
    expect(eventWord('PushUnlocked')).toBe('Push unlocked by an admin');
    expect(eventWord('PushLockLifted')).toBe('Push unlocked by an admin');
    expect(['push_locked', 'number_mismatch', 'fraud_report', 'something_new'].map(reasonWord)).toEqual([
      'cancelled: push was locked for the user',
      'wrong number typed',
      'a fraud report',
      'something_new',
    ]);
  });

  it('names the incident of shared app logs on the timeline', () => {
    expect(timelineEventWord('DiagnosticsShared', { incidentId: 'INC-7K3M-Q9TX', lineCount: 12 })).toBe('App logs shared (incident INC-7K3M-Q9TX)');
    expect(timelineEventWord('DiagnosticsShared', undefined)).toBe('App logs shared');
    expect(timelineEventWord('ChallengeApproved', { incidentId: 'x' })).toBe('Approved');
  });

  it('says how the user proved the push was theirs, and for the risk style which signals asked for the number', () => {
    expect(numberMatchingWords({ style: 'choose', required: true })).toBe('The user picked the number shown at sign-in among three');
    expect(numberMatchingWords({ style: 'risk', required: false, riskSignals: [] })).toBe('On risk: no risk signal, Approve only');
    expect(numberMatchingWords({ style: 'risk', required: true, riskSignals: ['new_ip_address', 'recent_denial'] })).toBe(
      'On risk: number asked for after an IP address never approved from, a denial in the last 24 h',
    );
  });
});
