import type { ReportRow } from '../api/report-types';
import { deliveryWord } from './status-words';

/** "2 devices: 1 Delivered, 1 Failed", or the one device's outcome. */
export function devicesSummary(row: Pick<ReportRow, 'devices'>): string {
  if (row.devices.length === 0) return 'No device';
  const byOutcome = new Map<string, number>();
  for (const device of row.devices) byOutcome.set(deliveryWord(device.delivery), (byOutcome.get(deliveryWord(device.delivery)) ?? 0) + 1);
  const outcomes = [...byOutcome].map(([word, n]) => `${n} ${word}`).join(', ');
  return row.devices.length === 1 ? deliveryWord(row.devices[0]!.delivery) : `${row.devices.length} devices: ${outcomes}`;
}
