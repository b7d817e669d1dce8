import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'miniprogram_npm/**',
      'cloudfunctions/*/index.js',
      'coverage/**',
      '.data/**',
      'dist/**',
      'tmp/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // Each file is linted with the types of its nearest tsconfig.json (the project of the place it runs).
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
      // WeChat's APIs fail with a plain `{ errMsg }` object, not an Error; the stand-ins of wx reject the same way.
      '@typescript-eslint/only-throw-error': ['error', { allow: [{ from: 'file', name: 'WxFailure' }] }],
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allow: [{ from: 'file', name: 'WxFailure' }] }],
    },
  },
  {
    files: ['server/**/*.ts', 'miniprogram/**/*.ts', 'tools/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'error' },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
