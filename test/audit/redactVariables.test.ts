import { REDACTED, hashDocument, redactKeysMatching, redactVariables } from '../../audit';

describe('redactVariables', () => {
  const variables = {
    id: 'call-1',
    callbackNumber: '+14805550100',
    caller: { name: 'Jane Roe', address: '20 E Main St', language: 'en' },
    contacts: [{ phone: '+1480555', role: 'owner' }, { phone: '+1602555', role: 'manager' }],
  };

  it('replaces the values at the given paths, wildcards included, and leaves the rest and the input alone', () => {
    const before = structuredClone(variables);
    expect(redactVariables(variables, ['callbackNumber', 'caller.name', 'caller.address', 'contacts.*.phone'])).toEqual({
      id: 'call-1',
      callbackNumber: REDACTED,
      caller: { name: REDACTED, address: REDACTED, language: 'en' },
      contacts: [{ phone: REDACTED, role: 'owner' }, { phone: REDACTED, role: 'manager' }],
    });
    expect(variables).toEqual(before);
  });

  it('redacts a whole subtree, ignores paths that name nothing, and passes null through', () => {
    expect(redactVariables(variables, ['caller', 'nothing.here', 'id.deeper', ''])).toMatchObject({ id: 'call-1', caller: REDACTED });
    expect(redactVariables({ list: ['a', 'b'] }, ['list.1'])).toEqual({ list: ['a', REDACTED] });
    expect(redactVariables(null, ['x'])).toBeNull();
    expect(redactVariables(undefined, ['x'])).toBeNull();
  });
});

describe('redactKeysMatching', () => {
  it('redacts every key the pattern matches at any depth, in objects and arrays, and leaves the rest and the input as they were', () => {
    const input = {
      input: { name: 'Rosa\'s Garage', point: { lat: 33.4, lon: -111.8 }, contact: { phone: '480-555-0142' }, streamUrl: 'http://10.0.0.5/video', level: 'INTEGRATED' },
      windows: [{ day: 'MONDAY', note: 'back door' }],
      cameraId: 'community:reg-1',
    };
    const before = structuredClone(input);
    expect(redactKeysMatching(input, /name|contact|url|note/i)).toEqual({
      input: { name: REDACTED, point: { lat: 33.4, lon: -111.8 }, contact: REDACTED, streamUrl: REDACTED, level: 'INTEGRATED' },
      windows: [{ day: 'MONDAY', note: REDACTED }],
      cameraId: 'community:reg-1',
    });
    expect(input).toEqual(before);
    expect(redactKeysMatching(null, /x/)).toBeNull();
  });
});

describe('hashDocument', () => {
  it('is the SHA-256 of the document text', () => {
    expect(hashDocument('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
