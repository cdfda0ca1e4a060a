import { type XmlElement } from './parseNamespacedXml';

/** The civic address namespace of RFC 4119, whose element set RFC 5139 revises. */
export const CIVIC_ADDRESS_NAMESPACE = 'urn:ietf:params:xml:ns:pidf:geopriv10:civicAddr';

/**
 * One-line address from a `civicAddress` element, or null when it names nothing. Elements are
 * those of RFC 5139: house number and suffix, road with its pre/post directionals,
 * modifiers and suffix (A6 is RFC 4119's street when RD is absent), building details, then
 * city (A3, else postal community name, else county A2), state (A1) with postal code, country.
 */
export function formatCivicAddress(civicAddress: XmlElement): string | null {
  const values = new Map<string, string>();
  for (const child of civicAddress.children) {
    // Only the first of repeated elements (RFC 5139 allows one per xml:lang).
    if (child.namespace !== CIVIC_ADDRESS_NAMESPACE || values.has(child.localName)) continue;
    const text = child.text.replace(/\s+/g, ' ').trim();
    if (text.length > 0) values.set(child.localName, text);
  }
  const get = (name: string): string | undefined => values.get(name);
  const join = (parts: readonly (string | undefined)[], separator: string): string | undefined => {
    const present = parts.filter((part): part is string => part !== undefined && part.length > 0);
    return present.length > 0 ? present.join(separator) : undefined;
  };

  const houseNumber = get('HNO');
  const suffix = get('HNS');
  // "12 1/2" keeps its space; "12A" does not.
  const house =
    houseNumber && suffix ? `${houseNumber}${/^\d/.test(suffix) ? ' ' : ''}${suffix}` : (houseNumber ?? suffix);
  const street = join([house, get('PRD'), get('PRM'), get('RD') ?? get('A6'), get('STS'), get('POD'), get('POM')], ' ');
  const premises = [
    get('BLD') && `Bldg ${get('BLD')}`,
    get('UNIT') && `Unit ${get('UNIT')}`,
    get('FLR') && `Floor ${get('FLR')}`,
    get('ROOM') && `Room ${get('ROOM')}`,
    get('SEAT') && `Seat ${get('SEAT')}`,
  ];
  const poBox = get('POBOX') && `PO Box ${get('POBOX')}`;
  const line = join(
    [
      get('NAM'),
      street ?? get('LMK'),
      ...premises,
      get('LOC'),
      poBox,
      get('A3') ?? get('PCN') ?? get('A2'),
      join([get('A1'), get('PC')], ' '),
      get('country'),
    ],
    ', ',
  );
  return line ?? null;
}
