export { type KeyInfo, Keyring, type KeyringBackend } from './keyring.ts';
export { main, USAGE } from './main.ts';
