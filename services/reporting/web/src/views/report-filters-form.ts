import { REPORT_STATUSES } from '../api/report-types';
import { element } from '../dom/element';
import { filtersProblem, isReportStatus, NO_FILTERS, type ReportFilters } from '../reports/report-filters';
import { statusWord } from '../reports/status-words';

/** The filter form: user, status and creation-time range, the query parameters the list API already takes. */
export function reportFiltersForm(initial: ReportFilters, apply: (filters: ReportFilters) => void): HTMLFormElement {
  const userInput = element('input', { id: 'filter-user', name: 'userId', type: 'search', value: initial.userId, autocomplete: 'off', maxlength: 200 });
  const statusSelect = element(
    'select',
    { id: 'filter-status', name: 'status' },
    element('option', { value: '' }, 'Any status'),
    ...REPORT_STATUSES.map((status) => element('option', { value: status, selected: initial.status === status }, statusWord(status))),
  );
  const fromInput = element('input', { id: 'filter-from', name: 'from', type: 'datetime-local', step: 1, value: initial.fromLocal });
  const toInput = element('input', { id: 'filter-to', name: 'to', type: 'datetime-local', step: 1, value: initial.toLocal });
  const message = element('p', { class: 'form-message', role: 'alert', id: 'filter-message' });
  const field = (id: string, label: string, control: HTMLElement) => element('div', { class: 'field' }, element('label', { for: id }, label), control);
  const clear = element('button', { type: 'button', class: 'secondary' }, 'Clear');
  const form = element(
    'form',
    { class: 'filters', 'aria-label': 'Filter sign-in requests', 'aria-describedby': 'filter-message' },
    field('filter-user', 'User', userInput),
    field('filter-status', 'Status', statusSelect),
    field('filter-from', 'Created from', fromInput),
    field('filter-to', 'Created before', toInput),
    element('div', { class: 'field actions' }, element('button', { type: 'submit', class: 'primary' }, 'Apply filters'), clear),
    message,
  );
  const current = (): ReportFilters => ({
    userId: userInput.value,
    status: isReportStatus(statusSelect.value) ? statusSelect.value : '',
    fromLocal: fromInput.value,
    toLocal: toInput.value,
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const filters = current();
    const problem = filtersProblem(filters);
    message.textContent = problem ?? '';
    if (!problem) apply(filters);
  });
  clear.addEventListener('click', () => {
    userInput.value = NO_FILTERS.userId;
    statusSelect.value = NO_FILTERS.status;
    fromInput.value = NO_FILTERS.fromLocal;
    toInput.value = NO_FILTERS.toLocal;
    message.textContent = '';
    apply({ ...NO_FILTERS });
  });
  return form;
}
