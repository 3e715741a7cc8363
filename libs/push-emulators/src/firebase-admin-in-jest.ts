/**
 * firebase-admin 14 fetches its OAuth2 token through google-auth-library 11 and gaxios 8, which loads node-fetch
 * with a dynamic import(). Jest runs CommonJS in a VM that refuses import() unless Node has
 * --experimental-vm-modules, and the send then fails as "app/invalid-credential". Plain node is unaffected.
 */
export function assertJestCanRunFirebaseAdmin(): void {
  const flags = `${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`;
  if (!flags.includes('--experimental-vm-modules')) {
    throw new Error(
      'firebase-admin cannot fetch its token inside jest without dynamic import(): run jest with ' +
        'NODE_OPTIONS=--experimental-vm-modules (e.g. NODE_OPTIONS=--experimental-vm-modules npx jest --selectProjects int)',
    );
  }
}
