import { MAX_PIDF_LENGTH, parsePidfLocation, type PidfFailureReason } from '../../../adapters/pidf';
import {
  circle,
  DEGREE,
  ellipse,
  METRE,
  NS,
  pidf,
  point,
  readReferenceJson,
  WGS84_2D,
  WGS84_3D,
} from './pidfFixtures';

/** The embedded PIDF-LO of a reference sample, read through the JSON it sits in. */
function samplePidf(file: string, component: string): string {
  const document = readReferenceJson(file) as Record<string, { locationByValue?: string }[]>;
  const value = document[component]?.[0]?.locationByValue;
  if (typeof value !== 'string') throw new Error(`${file}: ${component}[0].locationByValue is not a string`);
  return value;
}

function expectOk(xml: string) {
  const result = parsePidfLocation(xml);
  if (!result.ok) throw new Error(`expected a location, got ${result.reason}: ${result.detail}`);
  return result.location;
}

function expectFailure(xml: string, reason: PidfFailureReason): string {
  const result = parsePidfLocation(xml);
  if (result.ok) throw new Error(`expected ${reason}, got ${JSON.stringify(result.location)}`);
  expect({ reason: result.reason, detail: result.detail }).toEqual({ reason, detail: expect.any(String) });
  expect(result.detail.length).toBeGreaterThan(0);
  return result.detail;
}

describe('parsePidfLocation: geometries (RFC 5491 §5.2)', () => {
  it('reads a gml:Point as latitude then longitude, with no stated uncertainty', () => {
    expect(expectOk(pidf(point('33.4152 -111.8315')))).toEqual({
      point: { lat: 33.4152, lon: -111.8315 },
      uncertaintyMeters: null,
      address: null,
      shape: 'Point',
    });
  });

  it('reads a 3D point (EPSG 4979) and drops the altitude', () => {
    expect(expectOk(pidf(point('33.4 -111.8 350.5', WGS84_3D))).point).toEqual({ lat: 33.4, lon: -111.8 });
  });

  it('reads a gs:Circle radius in metres as the uncertainty', () => {
    expect(expectOk(pidf(circle('42.5463 -73.2512', '850.24')))).toMatchObject({
      point: { lat: 42.5463, lon: -73.2512 },
      uncertaintyMeters: 850.24,
      shape: 'Circle',
    });
  });

  it('reads a gs:Ellipse: the uncertainty is the semi-major axis', () => {
    expect(expectOk(pidf(ellipse('42.5463 -73.2512', '1275', '670')))).toMatchObject({
      point: { lat: 42.5463, lon: -73.2512 },
      uncertaintyMeters: 1275,
      shape: 'Ellipse',
    });
  });

  it('bounds an ellipse whose axes are swapped by the larger one', () => {
    expect(expectOk(pidf(ellipse('42.5 -73.2', '10', '30'))).uncertaintyMeters).toBe(30);
  });

  it('reads gs:Sphere and gs:Ellipsoid', () => {
    const sphere =
      `<gs:Sphere srsName="${WGS84_3D}"><gml:pos>42.5 -73.2 26.3</gml:pos>` +
      `<gs:radius uom="${METRE}">15</gs:radius></gs:Sphere>`;
    expect(expectOk(pidf(sphere))).toMatchObject({ uncertaintyMeters: 15, shape: 'Sphere' });
    const ellipsoid =
      `<gs:Ellipsoid srsName="${WGS84_3D}"><gml:pos>40.441345 -80.000266 34</gml:pos>` +
      `<gs:semiMajorAxis uom="${METRE}">7.7156</gs:semiMajorAxis><gs:semiMinorAxis uom="${METRE}">3.31</gs:semiMinorAxis>` +
      `<gs:verticalAxis uom="${METRE}">28.7</gs:verticalAxis><gs:orientation uom="${DEGREE}">43</gs:orientation></gs:Ellipsoid>`;
    expect(expectOk(pidf(ellipsoid))).toMatchObject({
      point: { lat: 40.441345, lon: -80.000266 },
      uncertaintyMeters: 7.7156,
      shape: 'Ellipsoid',
    });
  });

  it('reads a gml:Polygon as the mean of its vertices, the radius reaching the farthest', () => {
    const ring = '33.40 -111.80 33.40 -111.82 33.42 -111.82 33.42 -111.80 33.40 -111.80';
    const polygon =
      `<gml:Polygon srsName="${WGS84_2D}"><gml:exterior><gml:LinearRing>` +
      `<gml:posList>${ring}</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>`;
    const location = expectOk(pidf(polygon));
    expect(location.shape).toBe('Polygon');
    expect(location.point?.lat).toBeCloseTo(33.41, 6);
    expect(location.point?.lon).toBeCloseTo(-111.81, 6);
    // Half the diagonal of a ~2.2 km × 1.9 km box.
    expect(location.uncertaintyMeters).toBeGreaterThan(1400);
    expect(location.uncertaintyMeters).toBeLessThan(1500);
  });

  it('keeps a civic address that accompanies a geometry', () => {
    const civic = '<ca:civicAddress><ca:A3>Mesa</ca:A3><ca:RD>Main</ca:RD><ca:HNO>20</ca:HNO></ca:civicAddress>';
    expect(expectOk(pidf(point('33.4 -111.8') + civic)).address).toBe('20 Main, Mesa');
  });
});

describe('parsePidfLocation: namespaces, not prefixes', () => {
  it('accepts any prefixes bound to the right namespace URIs', () => {
    const xml =
      `<p:presence xmlns:p="${NS.pidf}" xmlns:geo="${NS.gp}" xmlns:g="${NS.gml}" xmlns:shape="${NS.gs}" entity="pres:a@b">` +
      '<p:tuple id="t1"><p:status><geo:geopriv><geo:location-info>' +
      `<shape:Circle srsName="${WGS84_2D}"><g:pos>33.4 -111.8</g:pos><shape:radius uom="${METRE}">25</shape:radius></shape:Circle>` +
      '</geo:location-info></geo:geopriv></p:status></p:tuple></p:presence>';
    expect(expectOk(xml)).toMatchObject({ point: { lat: 33.4, lon: -111.8 }, uncertaintyMeters: 25, shape: 'Circle' });
  });

  it('accepts default namespaces declared on the geometry and its children', () => {
    const geometry =
      `<Ellipse xmlns="${NS.gs}" srsName="${WGS84_2D}"><pos xmlns="${NS.gml}">33.4 -111.8</pos>` +
      `<semiMajorAxis uom="${METRE}">40</semiMajorAxis><semiMinorAxis uom="${METRE}">20</semiMinorAxis>` +
      `<orientation uom="${DEGREE}">90</orientation></Ellipse>`;
    expect(expectOk(pidf(geometry))).toMatchObject({ uncertaintyMeters: 40, shape: 'Ellipse' });
  });

  it('ignores a familiar prefix bound to another namespace', () => {
    const xml = pidf(point('33.4 -111.8')).replace(`xmlns:gml="${NS.gml}"`, 'xmlns:gml="http://example.com/not-gml"');
    expect(expectFailure(xml, 'no-geometry')).toMatch(/no geometry or civic address/);
  });

  it('rejects a prefix that is used but never declared', () => {
    const xml = pidf(point('33.4 -111.8')).replace(` xmlns:gml="${NS.gml}"`, '');
    expect(expectFailure(xml, 'malformed-xml')).toMatch(/undeclared namespace prefix\(es\): gml/);
  });
});

describe('parsePidfLocation: civic addresses (RFC 4119 §2.2.1, RFC 5139)', () => {
  it('reads the call-transfer sample: civic only, default namespace on civicAddress', () => {
    expect(expectOk(samplePidf('sample-call-transfer-eido.json', 'locationComponent'))).toEqual({
      point: null,
      uncertaintyMeters: null,
      address: '42 W Cellular Street, Wilmington, DE, US',
      shape: null,
    });
  });

  it('formats every part in order on one line', () => {
    const civic =
      '<ca:civicAddress xml:lang="en-US"><ca:country>US</ca:country><ca:A1>AZ</ca:A1><ca:A2>Maricopa</ca:A2>' +
      '<ca:A3>Mesa</ca:A3><ca:PRD>E</ca:PRD><ca:RD>Main</ca:RD><ca:STS>St</ca:STS><ca:POD>NW</ca:POD>' +
      '<ca:HNO>20</ca:HNO><ca:HNS>A</ca:HNS><ca:NAM>City Hall</ca:NAM><ca:BLD>2</ca:BLD><ca:UNIT>4</ca:UNIT>' +
      '<ca:FLR>3</ca:FLR><ca:ROOM>301</ca:ROOM><ca:PC>85201</ca:PC></ca:civicAddress>';
    expect(expectOk(pidf(civic)).address).toBe(
      'City Hall, 20A E Main St NW, Bldg 2, Unit 4, Floor 3, Room 301, Mesa, AZ 85201, US',
    );
  });

  it('uses RFC 4119 A6 as the street when RD is absent and keeps the space in "12 1/2"', () => {
    const civic =
      `<civicAddress xmlns="${NS.ca}"><A3>Tempe</A3><A6>Mill</A6><STS>Ave</STS><HNO>12</HNO><HNS>1/2</HNS></civicAddress>`;
    expect(expectOk(pidf(civic)).address).toBe('12 1/2 Mill Ave, Tempe');
  });

  it('treats an empty civic address as no location', () => {
    expectFailure(pidf('<ca:civicAddress><ca:A1> </ca:A1></ca:civicAddress>'), 'no-geometry');
  });
});

describe('parsePidfLocation: the reference samples', () => {
  const malformed = samplePidf('sample-eido.json', 'locationInformationComponent');

  it('rejects the older sample as malformed-xml, naming the unclosed tag and the undeclared prefixes', () => {
    const detail = expectFailure(malformed, 'malformed-xml');
    expect(detail).toMatch(/<gs:semiMinorAxis>/);
    expect(detail).toMatch(/undeclared namespace prefix\(es\): gs, con/);
  });

  it('reads the same PIDF-LO once the two defects are repaired, leading whitespace and all', () => {
    const repaired = malformed
      .replace('xmlns:gml=', `xmlns:gs="${NS.gs}" xmlns:con="urn:ietf:params:xml:ns:geopriv:conf" xmlns:gml=`)
      .replace(/(<gs:semiMinorAxis uom="[^"]*")/, '$1>');
    expect(repaired.startsWith('   <?xml')).toBe(true);
    expect(expectOk(repaired)).toEqual({
      point: { lat: 40.441345, lon: -80.000266 },
      uncertaintyMeters: 7.7156,
      address: null,
      shape: 'Ellipsoid',
    });
  });
});

describe('parsePidfLocation: rejections', () => {
  const cases: [string, PidfFailureReason, string][] = [
    ['empty string', 'malformed-xml', ''],
    ['only whitespace', 'malformed-xml', ' \r\n\t '],
    ['plain text', 'malformed-xml', 'lat=33.4 lon=-111.8'],
    ['JSON', 'malformed-xml', '{"lat":33.4}'],
    ['unclosed element', 'malformed-xml', pidf(point('33.4 -111.8')).replace('</presence>', '')],
    ['mismatched end tag', 'malformed-xml', pidf(point('33.4 -111.8')).replace('</gml:pos>', '</gml:post>')],
    ['start tag without its >', 'malformed-xml', pidf(circle('33.4 -111.8', '5')).replace(`uom="${METRE}">`, `uom="${METRE}"`)],
    ['two root elements', 'malformed-xml', `${pidf(point('1 2'))}<presence xmlns="${NS.pidf}"/>`],
    ['a DOCTYPE', 'malformed-xml', `<!DOCTYPE presence [<!ENTITY x "y">]>${pidf(point('1 2')).replace(/^<\?xml[^>]*>/, '')}`],
    ['an unquoted attribute', 'malformed-xml', pidf(point('1 2')).replace('id="d1"', 'id=d1')],
    ['an undeclared attribute prefix', 'malformed-xml', pidf(point('1 2')).replace('id="d1"', 'xsi:type="x"')],
    ['a prefix undeclared to ""', 'malformed-xml', pidf(point('1 2')).replace(`xmlns:ca="${NS.ca}"`, 'xmlns:ca=""')],
    ['a reserved attribute name', 'malformed-xml', pidf(point('1 2')).replace('id="d1"', '__proto__="x"')],
    ['a declaration after whitespace and text', 'malformed-xml', `x ${pidf(point('1 2'))}`],
    ['no location-info', 'no-geometry', `<presence xmlns="${NS.pidf}"><tuple id="t"/></presence>`],
    ['empty location-info', 'no-geometry', pidf('')],
    ['an unsupported shape', 'unsupported-shape', pidf(`<gs:ArcBand srsName="${WGS84_2D}"><gml:pos>1 2</gml:pos></gs:ArcBand>`)],
    ['another CRS', 'bad-crs', pidf(point('1 2', 'urn:ogc:def:crs:EPSG::3857'))],
    ['a non-numeric position', 'bad-coordinates', pidf(point('north west'))],
    ['one coordinate', 'bad-coordinates', pidf(point('33.4'))],
    ['three coordinates in 2D', 'bad-coordinates', pidf(point('33.4 -111.8 100'))],
    ['two coordinates in 3D', 'bad-coordinates', pidf(point('33.4 -111.8', WGS84_3D))],
    ['a comma-separated position', 'bad-coordinates', pidf(point('33.4,-111.8'))],
    ['NaN', 'bad-coordinates', pidf(point('NaN -111.8'))],
    ['a point with two pos', 'bad-coordinates', pidf(`<gml:Point><gml:pos>1 2</gml:pos><gml:pos>3 4</gml:pos></gml:Point>`)],
    ['latitude 91', 'out-of-range', pidf(point('91 -111.8'))],
    ['longitude -180.5', 'out-of-range', pidf(point('33.4 -180.5'))],
    ['a negative radius', 'out-of-range', pidf(circle('33.4 -111.8', '-5'))],
    ['a radius that is not a number', 'bad-coordinates', pidf(circle('33.4 -111.8', 'ten'))],
    ['a radius in feet', 'bad-uom', pidf(circle('33.4 -111.8', '50', 'urn:ogc:def:uom:EPSG::9002'))],
    ['a radius without uom', 'bad-uom', pidf(circle('33.4 -111.8', '50').replace(` uom="${METRE}"`, ''))],
    ['an ellipse axis in degrees', 'bad-uom', pidf(ellipse('33.4 -111.8', '5', '3').replace(`uom="${METRE}"`, `uom="${DEGREE}"`))],
    ['an orientation in metres', 'bad-uom', pidf(ellipse('33.4 -111.8', '5', '3').replace(`uom="${DEGREE}"`, `uom="${METRE}"`))],
    [
      'an ellipse without its minor axis',
      'bad-coordinates',
      pidf(ellipse('33.4 -111.8', '5', '3').replace(/<gs:semiMinorAxis.*?<\/gs:semiMinorAxis>/, '')),
    ],
    [
      'an open polygon ring',
      'bad-coordinates',
      pidf(
        '<gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>1 1 1 2 2 2 2 1</gml:posList>' +
          '</gml:LinearRing></gml:exterior></gml:Polygon>',
      ),
    ],
    ['the first geometry decides, even when broken', 'bad-coordinates', pidf(point('x y') + circle('1 2', '3'))],
  ];

  it.each(cases)('%s → %s', (_name, reason, xml) => {
    expectFailure(xml, reason);
  });

  it('refuses a document over the size limit before parsing it', () => {
    const huge = pidf(`${point('1 2')}<!--${'x'.repeat(MAX_PIDF_LENGTH)}-->`);
    expectFailure(huge, 'too-large');
  });

  it('reports a non-string as malformed rather than throwing', () => {
    expectFailure(42 as unknown as string, 'malformed-xml');
  });

  it('tolerates a byte-order mark and whitespace before the declaration', () => {
    expect(expectOk(`\uFEFF \r\n ${pidf(point('1 2'))}`).point).toEqual({ lat: 1, lon: 2 });
  });

  it('decodes character references in text', () => {
    const civic = '<ca:civicAddress><ca:A3>Espa&#241;ola</ca:A3><ca:RD>Oak &amp; Elm</ca:RD></ca:civicAddress>';
    expect(expectOk(pidf(civic)).address).toBe('Oak & Elm, Española');
  });
});
