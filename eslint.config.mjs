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
      '@typescript-eslint/prefer-promise-reject-errors': [
        'error',
        { allow: [{ from: 'file', name: 'WxFailure' }] },
      ],
      // `async` without `await` is kept on purpose: handlers and domain functions return promises by contract, and a
      // throw inside them must become a rejection, not a synchronous exception.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['server/**/*.ts', 'miniprogram/**/*.ts', 'pipeline/**/*.ts', 'ops/**/*.ts', 'dev/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'error' },
  },
  // Directions of dependency: the mini-program never reaches into the backend or the tooling; the cloud functions
  // share only the domain folder of the mini-program; the FaceID and CloudBase stand-ins never import the code they
  // stand in for.
  {
    files: ['miniprogram/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server', '**/server/**'],
              message: 'The mini-program never imports the cloud functions.',
            },
            {
              regex: '^(\\.\\./)+(pipeline|ops|dev)(/|$)',
              message: 'The mini-program never imports the pipeline, the operator tools or the stand-ins.',
            },
          ],
        },
      ],
    },
  },
  {
    // The person reads only the copy tables (miniprogram/i18n/): a function's `message` is for the console.
    files: ['miniprogram/pages/**/*.ts', 'miniprogram/components/**/*.ts', 'miniprogram/i18n/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name='message']",
          message: 'Pages word an error by its code and reason (errorText), never by its message.',
        },
      ],
    },
  },
  {
    // The component stand-in is replaced by Megvii's package when the business ships: it imports nothing from the
    // product, only files of its own folder.
    files: ['miniprogram/faceid-components/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./){3,}|(^|/)(shared|services|i18n|pages|server|tools)(/|$)',
              message: 'The component stand-in imports nothing from the product it is embedded in.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+miniprogram/(?!shared/)',
              message: 'Cloud functions share only miniprogram/shared/ with the mini-program.',
            },
            {
              group: ['**/pipeline/**', '**/ops/**', '**/dev/**', '**/test/**'],
              message:
                'Cloud functions never import the pipeline, the operator tools, the stand-ins or tests.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['dev/cloudbase/**/*.ts', 'dev/sandbox/**/*.ts', 'dev/tencent-cloud-api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // The pipeline's command-line and offline plumbing is shared; its build and deploy code is what the
              // management API's stand-in answers.
              regex: '^(\\.\\./){2,}(server|miniprogram|ops|pipeline/(?!(cli|offline)$))',
              message:
                'A stand-in never imports the code it stands in for (server/, miniprogram/, ops/, pipeline/).',
            },
          ],
        },
      ],
    },
  },
  {
    // The pipeline builds, checks and deploys what ships (node-version-guard.ts goes into every bundle): it never
    // leans on a development stand-in.
    files: ['pipeline/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(dev|ops|test)(/|$)',
              message: 'The pipeline never imports the stand-ins, the operator tools or the tests.',
            },
          ],
        },
      ],
    },
  },
  {
    // The one fake wx stands in for WeChat for the page tests and the preview: it imports only its own folder, never
    // the mini-program it stands in for, the functions, the tooling or the tests (its hosts bring those).
    files: ['dev/wx/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./)',
              message:
                'The fake wx imports only files of its own folder (dev/wx/): no product code, no package.',
            },
          ],
        },
      ],
    },
  },
  {
    // Tests read answers as the wire carries them (JSON, the SDK's untyped results) and let jest's matchers check
    // their shape, so `any` flows there by design; every other type-aware rule applies to tests too.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
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
