/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // swc strips types only; `npm run typecheck` (tsc --noEmit) is the type gate.
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // kdbush and geokdbush ship ES modules only; let swc turn them into CommonJS for jest.
  transformIgnorePatterns: ['/node_modules/(?!(kdbush|geokdbush|tinyqueue|content-disposition)/)'],
  testTimeout: 60000,
};
