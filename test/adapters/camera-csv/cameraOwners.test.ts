import { detectColumnMapping, translateCameraCsv } from '../../../adapters/camera-csv';
import { validateDomainEvent } from '../../../contract/validateDomainEvent';
import { AUSTIN, options, readReferenceCsv } from './cameraCsvFixtures';

const HEADER = 'id,name,lat,lon,source,owner_id,owner_name,contact_name,contact_phone,contact_email';
const csv = (...rows: string[]) => [HEADER, ...rows].join('\r\n') + '\r\n';
const translate = (text: string) => translateCameraCsv(text, options('community.csv'));

describe('camera CSV: community camera owners and their contacts', () => {
  it('detects the owner and contact columns by name', () => {
    expect(detectColumnMapping(HEADER.split(','))).toMatchObject({
      ownerId: 'owner_id',
      ownerName: 'owner_name',
      contactName: 'contact_name',
      contactPhone: 'contact_phone',
      contactEmail: 'contact_email',
    });
    expect(detectColumnMapping(['Camera ID', 'Latitude', 'Longitude', 'Owner ID', 'Owner', 'Contact Person', 'Owner Phone', 'Owner Email'])).toMatchObject({
      ownerId: 'Owner ID',
      ownerName: 'Owner',
      contactName: 'Contact Person',
      contactPhone: 'Owner Phone',
      contactEmail: 'Owner Email',
    });
  });

  it('does not take a generic email or phone column for an owner contact', () => {
    const mapping = detectColumnMapping(['id', 'lat', 'lon', 'email', 'phone']);
    expect(mapping).not.toHaveProperty('contactEmail');
    expect(mapping).not.toHaveProperty('contactPhone');
  });

  it('attaches the owner, un-namespaced, with its contacts; empty cells are null', () => {
    const { events, rejections } = translate(
      csv(
        'c1,Saguaro Market - Front door,33.41,-111.83,COMMUNITY_LIVE,owner-17,Saguaro Market,Rosa Begay,(480) 555-0142,rosa@saguaro.example',
        'c2,Saguaro Market - Lot,33.42,-111.83,COMMUNITY_REGISTERED,owner-17,,,,mailto:lot@saguaro.example',
      ),
    );
    expect(rejections).toEqual([]);
    expect(events.map((event) => [event.cameraId, event.owner])).toEqual([
      ['community:c1', { ownerId: 'owner-17', name: 'Saguaro Market', contactName: 'Rosa Begay', contactPhone: '(480) 555-0142', contactEmail: 'rosa@saguaro.example' }],
      ['community:c2', { ownerId: 'owner-17', name: null, contactName: null, contactPhone: null, contactEmail: 'lot@saguaro.example' }],
    ]);
    for (const event of events) expect(validateDomainEvent(event)).toEqual({ ok: true, event });
  });

  it('a row with no owner cells yields a camera without owner (its event id as before the owner columns)', () => {
    const withColumns = translate(csv('c3,City Cam,33.41,-111.83,CITY_VMS,,,,,'));
    expect(withColumns.events[0]).not.toHaveProperty('owner');
    const without = translateCameraCsv('id,name,lat,lon,source\r\nc3,City Cam,33.41,-111.83,CITY_VMS\r\n', options('community.csv'));
    expect(withColumns.events[0]?.eventId).toBe(without.events[0]?.eventId);
  });

  it('the reference exports have no owner columns, and their cameras no owners', () => {
    const austin = translateCameraCsv(readReferenceCsv(AUSTIN), options(AUSTIN));
    expect(austin.events.some((event) => 'owner' in event)).toBe(false);
  });

  it.each([
    ['contacts without an owner id', 'c4,X,33.41,-111.83,COMMUNITY_LIVE,,Shop,Ann Lee,480-555-0100,', 'missing-owner-id', /contactName, contactPhone but no owner id/],
    ['an owner id with a control character', 'c5,X,33.41,-111.83,COMMUNITY_LIVE,"own\u0001er",,,,', 'bad-owner-id', /printable/],
    ['a phone number with letters', 'c6,X,33.41,-111.83,COMMUNITY_LIVE,owner-1,,,480-CALL-NOW,', 'bad-contact-phone', /telephone number/],
    ['a phone number too short', 'c7,X,33.41,-111.83,COMMUNITY_LIVE,owner-1,,,555-01,', 'bad-contact-phone', /7 to 15 digits/],
    ['an email without a domain', 'c8,X,33.41,-111.83,COMMUNITY_LIVE,owner-1,,,,rosa@', 'bad-contact-email', /email address/],
    ['an owner name of 201 characters', `c9,X,33.41,-111.83,COMMUNITY_LIVE,owner-1,${'n'.repeat(201)},,,`, 'bad-owner-name', /at most 200/],
  ])('rejects a row with %s, keeping the rows around it', (_name, row, reason, detail) => {
    const { events, rejections } = translate(csv('ok1,A,33.41,-111.83,CITY_VMS,,,,,', row, 'ok2,B,33.42,-111.83,CITY_VMS,,,,,'));
    expect(events.map((event) => event.cameraId)).toEqual(['community:ok1', 'community:ok2']);
    expect(rejections).toHaveLength(1);
    expect(rejections[0]).toMatchObject({ reason, line: 3 });
    expect(rejections[0]?.detail).toMatch(detail);
  });
});
