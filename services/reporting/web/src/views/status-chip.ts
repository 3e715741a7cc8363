import { element } from '../dom/element';
import { statusTone, statusWord } from '../reports/status-words';

/** A report status as a coloured chip with its word; colour is never the only signal. */
export function statusChip(status: string): HTMLElement {
  return element('span', { class: `chip status-${status} tone-${statusTone(status)}`, 'data-status': status }, statusWord(status));
}

export function fraudFlag(): HTMLElement {
  return element('span', { class: 'chip flag-fraud', title: 'The user reported this request as fraud' }, '⚑ Fraud reported');
}
