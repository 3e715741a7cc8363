import { element } from '../dom/element';

export interface SignInHandlers {
  /** Resolves with a message to show when the key is refused, or undefined once signed in. */
  signIn(adminKey: string): Promise<string | undefined>;
}

/** The sign-in form: one password field for the workspace admin key, and why the last attempt or session ended. */
export function signInView(handlers: SignInHandlers, message?: string): HTMLElement {
  const keyInput = element('input', {
    id: 'admin-key',
    name: 'adminKey',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'admin-key-help sign-in-message',
  });
  const messageBox = element('p', { id: 'sign-in-message', class: 'form-message', role: 'alert' }, message ?? '');
  const submit = element('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = element(
    'form',
    { class: 'sign-in', 'aria-labelledby': 'sign-in-heading', novalidate: true },
    element('h1', { id: 'sign-in-heading' }, 'MFA Report'),
    element('p', { class: 'lede' }, 'Every push sign-in request of your workspace: who, when, what happened, and how fast.'),
    element('label', { for: 'admin-key' }, 'Admin API key'),
    keyInput,
    element(
      'p',
      { id: 'admin-key-help', class: 'hint' },
      'A workspace API key with the admin role. It stays in this browser tab only and is forgotten when you close it or sign out.',
    ),
    messageBox,
    submit,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const adminKey = keyInput.value.trim();
    if (!adminKey) {
      messageBox.textContent = 'Enter an admin API key.';
      keyInput.focus();
      return;
    }
    submit.disabled = true;
    messageBox.textContent = 'Checking the key…';
    void handlers.signIn(adminKey).then((refused) => {
      if (refused === undefined) return;
      submit.disabled = false;
      messageBox.textContent = refused;
      keyInput.select();
    });
  });
  queueMicrotask(() => keyInput.focus());
  return element('main', { class: 'sign-in-page' }, form);
}
