// Three tiers (STYLE.md): unit needs nothing; int and e2e need the real Kafka, PostgreSQL and Redis.
// Every tier needs Node's --experimental-vm-modules inside jest's VM: ESM-only dependencies loaded with require()
// (content-disposition 3 under @fastify/static; Node 24 does that natively, jest's VM only with the flag) and
// firebase-admin's dynamic import() of node-fetch. Without it, say so here instead of failing file by file.
if (!`${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`.includes('--experimental-vm-modules')) {
  throw new Error(
    'jest needs NODE_OPTIONS=--experimental-vm-modules (require() of ESM-only packages and dynamic import() inside ' +
      "jest's VM): run npm test, npm run test:unit|int|e2e, or NODE_OPTIONS=--experimental-vm-modules npx jest ...",
  );
}
const swc = [
  '@swc/jest',
  {
    swcrc: false,
    jsc: {
      target: 'es2024',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];
const moduleNameMapper = {
  '^@pushmfa/([a-z-]+)$': '<rootDir>/libs/$1/src',
};
const base = {
  rootDir: __dirname,
  setupFiles: ['<rootDir>/libs/testing/src/jest-quiet-logs.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper,
  testEnvironment: 'node',
  roots: ['<rootDir>/services', '<rootDir>/libs', '<rootDir>/test', '<rootDir>/tools'],
};
module.exports = {
  // A global option: jest ignores it inside a project entry.
  testTimeout: 60000,
  projects: [
    // The admin page's unit tests run in Vitest (npm run test:web), inside the page's own toolchain.
    { ...base, displayName: 'unit', testMatch: ['**/*.unit.spec.ts'], testPathIgnorePatterns: ['/node_modules/', '<rootDir>/services/reporting/web/'] },
    { ...base, displayName: 'int', testMatch: ['**/*.int.spec.ts'], globalSetup: '<rootDir>/libs/testing/src/jest-global-setup.ts' },
    { ...base, displayName: 'e2e', testMatch: ['**/*.e2e.spec.ts'], globalSetup: '<rootDir>/libs/testing/src/jest-global-setup.ts' },
    // Crashes and outages under load against the built services (test/faults), with a PostgreSQL, a Redis and, for the
    // broker crash, a Kafka of their own. Only `npm run test:faults` (PUSHMFA_FAULT_SUITE=1) includes them: they run
    // after the other tiers, one file at a time, not beside them (deploy/local/test.sh).
    ...(process.env.PUSHMFA_FAULT_SUITE === '1'
      ? [
          {
            ...base,
            displayName: 'faults',
            testMatch: ['<rootDir>/test/faults/**/*.fault.spec.ts'],
            globalSetup: '<rootDir>/libs/testing/src/jest-global-setup.ts',
          },
        ]
      : []),
  ],
};
