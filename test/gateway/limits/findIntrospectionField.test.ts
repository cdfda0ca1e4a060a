import { getIntrospectionQuery } from 'graphql';
import { findIntrospectionField } from '../../../gateway/limits/findIntrospectionField';
import { operationOf } from './limitsFixtures';

const find = (source: string) => {
  const { operation, fragments } = operationOf(source);
  return findIntrospectionField(operation, fragments);
};

describe('findIntrospectionField', () => {
  it('finds __schema and __type, directly or through fragments', () => {
    expect(find(getIntrospectionQuery())).toBe('__schema');
    expect(find('{ __type(name: "Incident") { name } }')).toBe('__type');
    expect(find('query { ...Q } fragment Q on Query { ... on Query { __schema { queryType { name } } } }')).toBe('__schema');
  });

  it('lets __typename and ordinary fields through', () => {
    expect(find('{ __typename incident(id: "1") { __typename id } }')).toBeNull();
    expect(find('query { ...A } fragment A on Query { ...A incident(id: "1") { id } }')).toBeNull();
  });
});
