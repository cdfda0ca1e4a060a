import { join } from 'node:path';
import { findBareErrorCodes, findBareErrorCodesInText, listSourceFiles } from './findBareErrorCodes';

const ROOT = join(__dirname, '..', '..');

describe('every coded error takes its code from errors/hubErrors.ts', () => {
  it('finds bare codes in extensions, registered codes anywhere and assignments to extensions.code', () => {
    const fixture = [
      "import { GraphQLError } from 'graphql';",
      "const a = new GraphQLError('no', { extensions: { code: 'FORBIDDEN', coordinate: 'Query.x' } });",
      'const b = { message: "m", extensions: {',
      "  code: status === 500 ? 'INTERNAL_SERVER_ERROR' : 'NOT_REGISTERED_YET',",
      '} };',
      "const c = { code: 'RATE_LIMITED' as const };",
      "error.extensions.code = 'BAD_REQUEST';",
      // Not error codes: a vendor's code table, a SOAP fault, a typed registry code, a comparison.
      "const d = { code: 'SHOOT', text: 'Shots fired' };",
      "const e = { code: 'env:Sender', reason: 'x' };",
      "const f = new HubError('FORBIDDEN', 'no');",
      "if (error.extensions?.code === 'RATE_LIMITED') {}",
    ].join('\n');
    expect(findBareErrorCodesInText('fixture.ts', fixture).map(({ line, code }) => `${line} ${code}`)).toEqual([
      '2 FORBIDDEN',
      '4 INTERNAL_SERVER_ERROR',
      '4 NOT_REGISTERED_YET',
      '6 RATE_LIMITED',
      '7 BAD_REQUEST',
    ]);
  });

  it('scans the whole source tree outside test/ and errors/', () => {
    const files = listSourceFiles(ROOT);
    // The walk reaches every room that codes errors, and nothing it should not.
    for (const file of ['gateway/maskErrors.ts', 'auth/createAuthenticator.ts', 'subgraphs/cameras/index.ts', 'bus/nats/createNatsBus.ts']) {
      expect(files).toContain(file);
    }
    expect(files.filter((file) => /^(node_modules|test|errors)\//.test(file))).toEqual([]);
  });

  it('finds no bare code in the source', () => {
    const bare = findBareErrorCodes(ROOT).map(({ file, line, code, text }) => `${file}:${line} ${code}: ${text.trim()}`);
    expect(bare).toEqual([]);
  });
});
