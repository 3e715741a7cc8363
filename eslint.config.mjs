// @ts-check
// Lint (npm run lint): typescript-eslint with type information, for what the compiler does not catch. Formatting is
// prettier's (npm run format:check), so eslint-config-prettier turns off every rule about layout.
import eslintConfigPrettier from 'eslint-config-prettier/flat';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.local/**', 'bench/results/**', '**/*.js', '**/*.cjs', '**/*.mjs'] },
  {
    files: ['**/*.ts', '**/*.mts'],
    extends: [tseslint.configs.base],
    languageOptions: {
      // Each file is checked with the tsconfig that builds it (the root one, or the admin page's).
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A promise nobody awaits loses its rejection: await it, or `void` it with a catch that handles the failure.
      '@typescript-eslint/no-floating-promises': 'error',
      // An async function where a callback's result is ignored (an event listener, a forEach) floats the same way.
      '@typescript-eslint/no-misused-promises': 'error',
      // A switch over a union handles every member, or says with `default` what happens to the rest.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false }],
      // `import type` for what exists only as a type; with decorator metadata (Nest's injection) the rule keeps
      // value imports of constructor parameter types, which the metadata needs at runtime.
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
    },
  },
  eslintConfigPrettier,
);
