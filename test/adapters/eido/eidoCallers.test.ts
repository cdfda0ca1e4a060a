import type { CallUpdated } from '../../../contract';
import { translateEido } from '../../../adapters/eido';
import { validateDomainEvent } from '../../../contract/validateDomainEvent';
import { CALL_1, CALL_2, OPTIONS, ofType, richEido } from './eidoFixtures';
import { NS, pidf, readReferenceJson } from './pidfFixtures';

const translate = (document: unknown) => translateEido(document, OPTIONS);
const REFERENCE_CALL = 'urn:emergency:uid:callid:a56e556d871:bcf.state.pa.us';

const home =
  `<civicAddress xmlns="${NS.ca}"><country>US</country><A1>AZ</A1><A3>Mesa</A3>` +
  '<PRD>N</PRD><RD>Center</RD><STS>St</STS><HNO>123</HNO></civicAddress>';

const prologue = (id: string, at = '2026-11-23T15:04:30.0-07:00') => ({ $id: id, lastUpdateTimeStamp: at, updatedByAgencyReference: { $ref: 'psap.mesa.az.us' } });

/** The rich fixture with a caller (NIEM name, home address) on call 1 and the call's recording. */
function eidoWithCaller(person: Record<string, unknown> = {}, media: Record<string, unknown> = {}): Record<string, unknown> {
  const eido = richEido();
  const calls = eido.callComponent as Record<string, unknown>[];
  calls[0] = { ...calls[0], personReference: [{ $ref: 'person-caller' }], mediaReferences: [{ $ref: 'media-photo' }, { $ref: 'media-audio' }] };
  return {
    ...eido,
    locationComponent: [
      ...(eido.locationComponent as unknown[]),
      { ...prologue('location-home'), locationTypeDescriptionRegistryText: 'Residence', locationByValue: pidf(home) },
    ],
    personComponent: [
      { ...prologue('person-witness'), personIncidentRoleRegistryText: ['Witness'], callIdentifier: [CALL_1], ncPersonComponent: { name: [{ fullName: 'Not The Caller' }] } },
      {
        ...prologue('person-caller'),
        personIncidentRoleRegistryText: ['Caller'],
        ncPersonComponent: { name: [{ givenName: { value: 'Maria' }, surName: 'Garcia' }] },
        locationReference: [{ $ref: 'location-home' }],
        ...person,
      },
    ],
    mediaComponent: [
      { ...prologue('media-photo'), uri: 'https://cad.mesa.example/photo.jpg', contentType: 'image/jpeg' },
      { ...prologue('media-audio'), uri: 'https://recorder.mesa.example/calls/c1.wav', contentType: 'audio/wav', ...media },
    ],
  };
}

const callerUpdates = (document: unknown) => ofType(translate(document).events, 'call.updated');

describe('translateEido: the caller of each call (restricted, optional)', () => {
  it('turns the caller person and the call recording into call.updated for that call', () => {
    const { events, rejections } = translate(eidoWithCaller());
    expect(rejections.filter((rejection) => !['unresolved-reference'].includes(rejection.reason))).toEqual([]);
    const updates = ofType(events, 'call.updated');
    expect(updates).toEqual([
      {
        type: 'call.updated',
        eventId: expect.stringMatching(/^eido:[0-9a-f]{32}$/),
        source: 'eido-test',
        occurredAt: '2026-11-23T15:04:30.0-07:00',
        callId: CALL_1,
        callerName: 'Maria Garcia',
        callerAddress: '123 N Center St, Mesa, AZ, US',
        audioUrl: 'https://recorder.mesa.example/calls/c1.wav',
      } satisfies CallUpdated,
    ]);
    for (const event of events) expect(validateDomainEvent(event)).toEqual({ ok: true, event });
    // The incident and units still come as before.
    expect(ofType(events, 'incident.created')).toHaveLength(1);
  });

  it('finds the caller through the person component\'s callIdentifier as well, and a full name first', () => {
    const document = eidoWithCaller({ callIdentifier: [CALL_2], ncPersonComponent: { name: { fullName: ['Daniel', 'Yazzie'] } } });
    const calls = document.callComponent as Record<string, unknown>[];
    calls[0] = { ...calls[0], personReference: undefined, mediaReferences: undefined };
    expect(callerUpdates(document)).toEqual([expect.objectContaining({ callId: CALL_2, callerName: 'Daniel Yazzie', callerAddress: expect.stringContaining('123 N Center St') })]);
  });

  it('states only what the document says', () => {
    const document = eidoWithCaller({ ncPersonComponent: undefined, locationReference: undefined });
    const [update] = callerUpdates(document);
    expect(update).toMatchObject({ callId: CALL_1, audioUrl: 'https://recorder.mesa.example/calls/c1.wav' });
    expect(update).not.toHaveProperty('callerName');
    expect(update).not.toHaveProperty('callerAddress');
  });

  it('a document without caller or media, like the reference samples, yields no call.updated', () => {
    expect(callerUpdates(richEido())).toEqual([]);
    // The call transfer sample has a Caller person, but with no name and no location of its own.
    expect(callerUpdates(readReferenceJson('sample-call-transfer-eido.json'))).toEqual([]);
    expect(callerUpdates(readReferenceJson('sample-eido.json'))).toEqual([]);
  });

  it('reads the caller of the reference call transfer once it is named', () => {
    const document = readReferenceJson('sample-call-transfer-eido.json') as Record<string, unknown>;
    const [person] = document.personComponent as Record<string, unknown>[];
    const named = { ...document, personComponent: [{ ...person, ncPersonComponent: { name: [{ fullName: 'Alice Example' }] } }] };
    expect(callerUpdates(named)).toEqual([
      expect.objectContaining({ callId: REFERENCE_CALL, callerName: 'Alice Example', occurredAt: '2021-04-30T14:40:00.0-04:00' }),
    ]);
  });

  it('rejects a malformed audio URI and a malformed name at their paths, keeping the rest of the caller', () => {
    const { events, rejections } = translate(eidoWithCaller({ ncPersonComponent: { name: [{ fullName: 'Maria\u0000Garcia' }] } }, { uri: 'file:///rec/c1.wav' }));
    expect(rejections).toEqual(
      expect.arrayContaining([
        { reason: 'bad-media-uri', detail: expect.stringContaining('file:///rec/c1.wav'), path: '$.mediaComponent[1].uri' },
        { reason: 'bad-caller-name', detail: expect.stringContaining('one line'), path: '$.personComponent[1].ncPersonComponent.name' },
      ]),
    );
    expect(ofType(events, 'call.updated')).toEqual([expect.objectContaining({ callId: CALL_1, callerAddress: expect.stringContaining('Center') })]);
    expect(ofType(events, 'call.updated')[0]).not.toHaveProperty('audioUrl');
  });

  it('gives the same event id for the same document, and a new one when the caller changes', () => {
    const [first] = callerUpdates(eidoWithCaller());
    const [again] = callerUpdates(eidoWithCaller());
    const [changed] = callerUpdates(eidoWithCaller({ ncPersonComponent: { name: [{ fullName: 'Maria G. Garcia' }] } }));
    expect(again?.eventId).toBe(first?.eventId);
    expect(changed?.eventId).not.toBe(first?.eventId);
  });
});
