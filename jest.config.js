// Unit tests of the extension's pure modules (the document's decisions), in jsdom.
module.exports = {
  testEnvironment: 'jsdom',
  preset: 'ts-jest',
  testRegex: 'src/__tests__/.*\\.spec\\.ts$',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }]
  }
};
