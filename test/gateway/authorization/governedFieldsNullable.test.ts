import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse } from 'graphql';
import { readAccessRules } from '../../../gateway/authorization/readAccessRules';

const SUPERGRAPH = readFileSync(join(__dirname, '..', '..', '..', 'schema', 'supergraph.graphql'), 'utf8');

describe('the schema as access control needs it', () => {
  it('every field a caller may be refused is nullable, so that withholding it keeps the rest of the answer', () => {
    const rules = readAccessRules(SUPERGRAPH);
    const nonNull: string[] = [];
    for (const definition of parse(SUPERGRAPH).definitions) {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
      // Mutation and subscription root fields are refused before anything runs, never nulled.
      if (definition.name.value === 'Mutation' || definition.name.value === 'Subscription') continue;
      for (const field of definition.fields ?? []) {
        const coordinate = `${definition.name.value}.${field.name.value}`;
        if (rules.get(coordinate)?.scopes && field.type.kind === Kind.NON_NULL_TYPE) nonNull.push(coordinate);
      }
    }
    expect(rules.size).toBeGreaterThan(20);
    expect(nonNull).toEqual([]);
  });

  it('the restricted data the issue names is marked need-to-know', () => {
    const rules = readAccessRules(SUPERGRAPH);
    const needToKnow = [...rules].filter(([, rule]) => rule.policies?.some((group) => group.includes('need-to-know'))).map(([coordinate]) => coordinate);
    expect(needToKnow).toEqual(expect.arrayContaining(['Call.callbackNumber', 'Camera.streams', 'Camera.snapshotUrl', 'Mutation.pointCamera']));
  });
});
