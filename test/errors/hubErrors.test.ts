import { GraphQLError, Source } from 'graphql';
import { ERROR_CODES, HubError, badUserInput, formattedHubError } from '../../errors/hubErrors';

describe('hubErrors', () => {
  it('describes every code it registers', () => {
    for (const [code, description] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(description.length).toBeGreaterThan(20);
    }
  });

  it('HubError is a GraphQL error whose code only the registry gives, pointing where it is told', () => {
    const source = new Source('{ x');
    const error = new HubError('GRAPHQL_PARSE_FAILED', 'Syntax Error', { detail: 1 }, { source, positions: [3] });
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(error.extensions).toEqual({ detail: 1, code: 'GRAPHQL_PARSE_FAILED' });
    expect(error.locations).toEqual([{ line: 1, column: 4 }]);
    expect(new HubError('FORBIDDEN', 'no', {}, { path: ['a', 0] }).toJSON()).toEqual({
      message: 'no',
      path: ['a', 0],
      extensions: { code: 'FORBIDDEN' },
    });
    expect(badUserInput('first', 'must be positive').extensions).toEqual({ argument: 'first', code: 'BAD_USER_INPUT' });
  });

  it('formattedHubError is what a thrown HubError formats to, without throwing', () => {
    const built = formattedHubError('FORBIDDEN', 'Not authorized', { coordinate: 'Query.x' }, { path: ['x'] });
    expect(built).toEqual({ message: 'Not authorized', path: ['x'], extensions: { code: 'FORBIDDEN', coordinate: 'Query.x' } });
    expect(built).toEqual(new HubError('FORBIDDEN', 'Not authorized', { coordinate: 'Query.x' }, { path: ['x'] }).toJSON());
    expect(formattedHubError('RATE_LIMITED', 'slow down')).toEqual({ message: 'slow down', extensions: { code: 'RATE_LIMITED' } });
  });
});
