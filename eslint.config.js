// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const SERVICE_IMPORT = {
  group: ['@carerelay/service-*', '**/services/**'],
  message:
    'Services are composed, never imported: packages never import services and services never import each other (STYLE.md rule 4).',
};
const ANY_INTERNAL = {
  group: ['@carerelay/*'],
  message: 'config, logger and errors are the bottom of the graph: they import no internal package.',
};

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.cache/**',
      'packages/events/src/generated/**',
      '**/*.mjs',
      '**/*.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only.' },
      ],
    },
  },
  // Boundaries. The one exception: packages/cli is the embedded composition root and wires services together.
  {
    files: ['packages/**/*.ts'],
    ignores: ['packages/cli/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [SERVICE_IMPORT] }] },
  },
  {
    files: ['packages/config/**/*.ts', 'packages/logger/**/*.ts', 'packages/errors/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [SERVICE_IMPORT, ANY_INTERNAL] }] },
  },
  {
    files: ['services/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [SERVICE_IMPORT] }] },
  },
  {
    // Tests may define loose fixtures; the rules that guard production code stay on.
    files: ['**/*.test.ts', '**/*.contract.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/require-await': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
