import { element } from '../dom/element';
import { rowStatusWord, statusTone } from '../reports/status-words';

/** A report status as a coloured chip with its word (a superseded cancellation says so); colour is never the only signal. */
export function statusChip(status: string, reason?: string): HTMLElement {
  return element('span', { class: `chip status-${status} tone-${statusTone(status)}`, 'data-status': status }, rowStatusWord(status, reason));
}

export function fraudFlag(): HTMLElement {
  return element('span', { class: 'chip flag-fraud', title: 'The user reported this request as fraud' }, '⚑ Fraud reported');
}
