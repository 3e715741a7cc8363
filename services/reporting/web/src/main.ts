import './styles.css';
import { AdminApi } from './api/admin-api';
import { AdminApp } from './app/admin-app';
import { AdminKeyStore } from './session/admin-key-store';

const root = document.getElementById('app');
if (root) {
  new AdminApp(root, {
    keys: new AdminKeyStore(window.sessionStorage),
    apiFor: (adminKey) => new AdminApi(adminKey),
    visibility: document,
    now: () => Date.now(),
  }).start();
}
