// Lint rules for the whole project. Module boundaries are enforced here: suppliers never import the
// gateway, the gateway reaches subgraph code only for the synthetic data set, and `lib/` imports neither.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const restrict = (patterns, message) => ['error', { patterns: [{ group: patterns, message }] }];

export default tseslint.config(
  { ignores: ['node_modules/', 'load-tests/peers/', 'load-tests/results/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      eqeqeq: ['error', 'smart'],
      'no-duplicate-imports': ['error', { includeExports: false }],
      'no-console': 'off',
      // Interface methods (Apollo plugins, stores) are async by contract even when one has nothing to await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['subgraphs/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        ['**/gateway/**'],
        'A supplier subgraph must not depend on the gateway.',
      ),
    },
  },
  {
    files: ['gateway/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        ['**/subgraphs/*', '!**/subgraphs/synthetic', '**/subgraphs/!(synthetic)/**'],
        'The gateway talks to suppliers over HTTP only; it may use the synthetic data set (subgraphs/synthetic).',
      ),
    },
  },
  {
    files: ['lib/**/*.ts', 'schema/**/*.ts'],
    ignores: ['lib/testbed/**'],
    rules: {
      'no-restricted-imports': restrict(
        ['**/gateway/**', '**/subgraphs/**'],
        'lib/ and schema/ are shared foundations.',
      ),
    },
  },
  {
    files: ['test/**/*.ts'],
    // vitest's asymmetric matchers (expect.any, expect.objectContaining) are typed `any` by design.
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
  {
    files: ['gateway/ops/dashboard/**/*.js'],
    languageOptions: { sourceType: 'script', globals: globals.browser },
  },
);
