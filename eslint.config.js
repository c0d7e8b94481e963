import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Core's folders are its pipeline, in order: a folder imports only from itself and the folders before it
// (plan and record are peers), so no import cycle crosses folders and no pure folder reaches io/, the one
// that touches the file system, git and the process. render/ turns a merge into pages and text; kit/ is what
// runner plugins share (it plans, reads and writes through io/); queue/ talks to Redis; public/ holds the package's entries.
const CORE_LAYERS = [
  'base',
  'formats',
  'model',
  ['plan', 'record'],
  'learn',
  'render',
  'io',
  'queue',
  'kit',
  'public',
];

/** One config per core folder forbidding imports from the folders after it (or beside it, for peers). */
function coreLayers() {
  const configs = [];
  CORE_LAYERS.forEach((layer, i) => {
    for (const folder of [layer].flat()) {
      const later = CORE_LAYERS.slice(i)
        .flat()
        .filter((f) => f !== folder);
      if (later.length === 0) continue;
      configs.push({
        files: [`packages/core/src/${folder}/**/*.ts`],
        rules: {
          'no-restricted-imports': [
            'error',
            {
              patterns: [
                {
                  group: later.map((f) => `../${f}/*`),
                  message: `core/${folder} may import only from itself and ${CORE_LAYERS.slice(0, i).flat().join(', ') || 'nothing else'}: the folders are the pipeline's order.`,
                },
              ],
            },
          ],
        },
      });
    }
  });
  return configs;
}

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '**/.shardwise/**', '**/*.tsbuildinfo'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // Type-aware rules: each file is linted with the tsconfig.json that owns it (packages/*, their test/
      // folders, test/).
      parserOptions: {
        // The root configs belong to no package; they get a default project.
        projectService: { allowDefaultProject: ['vitest.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...coreLayers(),
  {
    files: ['**/test/**/*.ts'],
    rules: {
      // Tests read JSON output (`JSON.parse(stdout).shards`) and build expectations with Vitest's asymmetric
      // matchers (`expect.any(…)`, typed `any`); the assertion is what checks those values' shape.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
  {
    // No tsconfig owns these (benchmarks, configs, the examples, runner fixtures): lint them without types.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs', 'examples/**'],
    ignores: ['test/**'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The Jest example is a plain CommonJS project, as most Jest suites are.
    files: ['examples/jest-basic/**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        describe: 'readonly',
        test: 'readonly',
        expect: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
