import { HEALTH_BADGES, REPORT_STATUSES } from '../api/report-types';
import { element } from '../dom/element';
import { filtersProblem, isHealthBadge, isReportStatus, NO_FILTERS, type ReportFilters } from '../reports/report-filters';
import { healthBadgeWord, statusWord } from '../reports/status-words';

/**
 * The filter form: user, status, creation-time range, fraud report, device, application, IP address, device
 * health, identity pool and sign-in step (factor), the query parameters the list API takes.
 */
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
  const fraudSelect = element(
    'select',
    { id: 'filter-fraud', name: 'fraudReported' },
    element('option', { value: '' }, 'Any'),
    element('option', { value: 'true', selected: initial.fraudReported === 'true' }, 'Fraud reported'),
    element('option', { value: 'false', selected: initial.fraudReported === 'false' }, 'No fraud report'),
  );
  const textInput = (id: string, name: string, value: string | undefined, maxlength: number) =>
    element('input', { id, name, type: 'search', value: value ?? '', autocomplete: 'off', maxlength });
  const deviceInput = textInput('filter-device', 'deviceId', initial.deviceId, 100);
  const applicationInput = textInput('filter-application', 'application', initial.application, 200);
  const ipInput = textInput('filter-ip', 'ipAddress', initial.ipAddress, 64);
  const healthSelect = element(
    'select',
    { id: 'filter-health', name: 'health' },
    element('option', { value: '' }, 'Any device health'),
    ...HEALTH_BADGES.map((badge) => element('option', { value: badge, selected: initial.health === badge }, healthBadgeWord(badge))),
  );
  const poolInput = textInput('filter-pool', 'poolId', initial.poolId, 100);
  const factorSelect = element(
    'select',
    { id: 'filter-factor', name: 'factor' },
    element('option', { value: '' }, 'Any sign-in step'),
    element('option', { value: 'second', selected: initial.factor === 'second' }, 'Push after the password'),
    element('option', { value: 'first', selected: initial.factor === 'first' }, 'Passwordless push'),
  );
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
    field('filter-fraud', 'Fraud report', fraudSelect),
    field('filter-device', 'Device id', deviceInput),
    field('filter-application', 'Application', applicationInput),
    field('filter-ip', 'IP address', ipInput),
    field('filter-health', 'Device health', healthSelect),
    field('filter-pool', 'Identity pool', poolInput),
    field('filter-factor', 'Sign-in step', factorSelect),
    element('div', { class: 'field actions' }, element('button', { type: 'submit', class: 'primary' }, 'Apply filters'), clear),
    message,
  );
  const current = (): ReportFilters => ({
    userId: userInput.value,
    status: isReportStatus(statusSelect.value) ? statusSelect.value : '',
    fromLocal: fromInput.value,
    toLocal: toInput.value,
    fraudReported: fraudSelect.value === 'true' || fraudSelect.value === 'false' ? fraudSelect.value : '',
    deviceId: deviceInput.value,
    application: applicationInput.value,
    ipAddress: ipInput.value,
    health: isHealthBadge(healthSelect.value) ? healthSelect.value : '',
    poolId: poolInput.value,
    factor: factorSelect.value === 'first' || factorSelect.value === 'second' ? factorSelect.value : '',
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
    fraudSelect.value = '';
    deviceInput.value = '';
    applicationInput.value = '';
    ipInput.value = '';
    healthSelect.value = '';
    poolInput.value = '';
    factorSelect.value = '';
    message.textContent = '';
    apply({ ...NO_FILTERS });
  });
  return form;
}
