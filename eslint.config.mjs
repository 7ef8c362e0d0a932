import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Lint: typescript-eslint's recommended rules, React's hook rules, and the architecture as
 * rules rather than discipline: lib/ imports nothing of ours outside itself; server/ never
 * imports the browser side and the browser side never imports server/ or pipeline/; topic
 * names are spelt only in lib/topics.ts.
 */

/** Every topic name in the catalog, as a string literal anywhere else would spell it. */
const topicNamePattern = '^(raw\\.(driver-locations|ride-requests|payments)|drivers\\.positions|dlq\\.(driver-locations|ride-requests|payments)|surge\\.cells|late\\.events|fraud\\.(ground-truth|alerts)|ops\\.kpis|alert-actions|governance\\.grants|audit\\.events)$';

/** Relative imports that climb out to one of the project's top-level folders (every file here sits in a top-level folder). */
const importsOutside = (dirs, why) => ({
  'no-restricted-imports': ['error', { patterns: [{ regex: `^(\\.\\./)+(${dirs.join('|')})(/|$)`, message: why }] }],
});

export default tseslint.config(
  { ignores: ['node_modules/**', '.next/**', '.streamwatch/**', 'pipeline/flink/target/**', 'bench/results/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-restricted-syntax': ['error', { selector: `Literal[value=/${topicNamePattern}/]`, message: 'Spell topic names only in lib/topics.ts: use topics.<key>.name.' }],
    },
  },
  {
    files: ['**/*.tsx', 'components/**/*.ts', 'app/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    // The rules of hooks. The React Compiler's rules (refs, purity in render) are for code the
    // compiler rewrites; we do not use it, and the map reads refs in render on purpose: each
    // frame draws the glide position the animation loop keeps there, without a React render.
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  { files: ['lib/topics.ts'], rules: { 'no-restricted-syntax': 'off' } },
  { files: ['lib/**'], rules: importsOutside(['server', 'components', 'app', 'pipeline', 'bench', 'e2e', 'scripts'], 'lib/ holds the contracts and depends on nothing of ours outside it.') },
  { files: ['server/**'], ignores: ['server/**/*.test.ts'], rules: importsOutside(['components', 'app', 'pipeline'], 'server/ depends on lib/ only.') },
  { files: ['components/**', 'app/**'], rules: importsOutside(['server', 'pipeline'], 'The browser side depends on lib/ only.') },
  { files: ['pipeline/**'], ignores: ['pipeline/**/*.test.ts'], rules: importsOutside(['server', 'components', 'app'], 'pipeline/ shares only lib/ contracts.') },
);
