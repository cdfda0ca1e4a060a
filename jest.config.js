/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Transpile only (TypeScript 5.9 through ts-jest); `npm run typecheck` (tsc --noEmit) is the type gate.
    '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true, module: 'commonjs', moduleResolution: 'node10' } }],
  },
  testTimeout: 60000,
  // Test files run in a worker that is replaced once it holds more than this after a file: on two
  // cores jest would otherwise run every file in its own process, whose heap grew past 4 GB.
  workerIdleMemoryLimit: '1GB',
  // A dynamic import names its module as Node resolves it (`./x.js` for x.ts, nodenext): jest finds the .ts.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
};
