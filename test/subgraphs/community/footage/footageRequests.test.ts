import { STORAGE_TARGETS } from '../../../support/storageTargets';
import { validateFootageRequest } from '../../../../subgraphs/community/footage/validateFootageRequest';
import { ANSWER, CASE, LIST, ONE, type OpenDesk, REQUEST_FOOTAGE, START, UPLOAD_LINK, camera, openFootageDesk, owner, police, shareEmbedded, windowBefore } from './openFootageDesk';

const codeOf = (body: { errors?: readonly { extensions?: Record<string, unknown> }[] }) => body.errors?.[0]?.extensions?.code;

describe.each(STORAGE_TARGETS)('footage requests ($name)', (target) => {
  let open: OpenDesk;
  const embedded = shareEmbedded(target);

  beforeEach(async () => {
    open = await openFootageDesk(target, embedded.current ? { embedded: embedded.current } : {});
    for (let n = 1; n <= 22; n += 1) open.cameras.set(`community:reg-${n}`, camera(n, n % 2 === 1 ? 'own-1' : 'own-2'));
    open.cameras.set('community:reg-pending', camera(90, 'own-1', { cameraId: 'community:reg-pending', status: 'PENDING' }));
    open.cameras.set('community:reg-withdrawn', camera(91, 'own-1', { cameraId: 'community:reg-withdrawn', status: 'WITHDRAWN' }));
    open.contacts.set('own-1', { ownerId: 'own-1', displayName: 'Jane Q. Resident', email: 'jane@example.org', phone: '+1-555-0101', notifyBy: 'EMAIL' });
    open.contacts.set('own-2', { ownerId: 'own-2', displayName: 'Corner Deli', email: null, phone: '+1 555 0102', notifyBy: 'SMS' });
  });
  afterEach(() => open.close());

  const ask = (input: Record<string, unknown>, caller = police()) => open.run(REQUEST_FOOTAGE, { input }, caller);
  const window = () => windowBefore(open.now(), 60);

  it('makes one OPEN request per camera, for the stated case, and tells each owner on their channel', async () => {
    const body = await ask({ cameraIds: ['community:reg-1', 'community:reg-2'], ...window(), message: 'Break-in at the corner around 9 pm.' });
    expect(body.errors).toBeUndefined();
    const made = body.data?.requestFootage as { id: string; status: string; caseNumber: string; requestedBy: string; camera: { id: string }; expiresAt: string }[];
    expect(made.map((r) => [r.camera.id, r.status, r.caseNumber, r.requestedBy])).toEqual([
      ['community:reg-1', 'OPEN', CASE, 'op-ana'],
      ['community:reg-2', 'OPEN', CASE, 'op-ana'],
    ]);
    expect(made[0]?.expiresAt).toBe(new Date(START.getTime() + 72 * 3_600_000).toISOString());
    const messages = await open.outbox.list();
    expect(messages.map((m) => [m.ownerId, m.channel, m.to]).sort()).toEqual([
      ['own-1', 'EMAIL', 'jane@example.org'],
      ['own-2', 'SMS', '+1 555 0102'],
    ]);
    // The owner learns the camera, the window and the police's message, never the case number.
    expect(messages[0]?.text).toContain('Break-in at the corner');
    for (const message of messages) expect(message.text).not.toContain(CASE);
    const requested = open.audit.filter((r) => (r.details as { action?: string }).action === 'footage-requested');
    expect(requested).toHaveLength(1);
    expect(requested[0]).toMatchObject({ kind: 'evidence', subject: 'op-ana', purpose: CASE, outcome: 'ok' });
    expect(requested[0]?.recordIds).toEqual(made.map((r) => `FootageRequest:${r.id}`));
    const sent = open.audit.filter((r) => (r.details as { action?: string }).action === 'notification-sent');
    expect(sent.map((r) => r.kind)).toEqual(['notification', 'notification']);
    // Ids only in the trail: no name, phone or email of an owner.
    const trail = JSON.stringify(open.audit);
    for (const personal of ['Jane', 'jane@example.org', '555', 'Corner Deli']) expect(trail).not.toContain(personal);
  });

  it.each([
    ['no purpose', {}, police(null), 'PURPOSE_REQUIRED'],
    ['a caller without footage:request', {}, owner('own-1'), 'FORBIDDEN'],
  ])('refuses %s', async (_name, extra, caller, code) => {
    const body = await ask({ cameraIds: ['community:reg-1'], ...window(), ...extra }, caller);
    expect(codeOf(body)).toBe(code);
    expect(await open.rows('footage_requests')).toHaveLength(0);
  });

  // Text that is no instant never reaches the desk: the DateTime scalar refuses it while coercing variables.
  it.each([
    ['a window that is no date', 'not-a-date'],
    ['NaN as a date', 'NaN'],
    ['year 275760', '+275760-09-13T00:00:00.000Z'],
    ['an empty string', ''],
  ])('refuses %s before anything runs', async (_name, from) => {
    const body = await ask({ cameraIds: ['community:reg-1'], from, to: window().to });
    expect(body.errors?.[0]?.message).toMatch(/DateTime|input\.from/);
    expect(body.data).toBeUndefined();
    expect(await open.rows('footage_requests')).toHaveLength(0);
  });

  const hostileWindows: readonly [string, () => Record<string, unknown>, RegExp][] = [
    ['a reversed window', () => ({ from: window().to, to: window().from }), /must be after/],
    ['an empty window', () => ({ from: window().to, to: window().to }), /must be after/],
    ['a window longer than 120 minutes', () => windowBefore(open.now(), 121), /at most 120 minutes/],
    ['a window in the future', () => ({ from: new Date(START.getTime() - 60_000).toISOString(), to: new Date(START.getTime() + 60_000).toISOString() }), /future/],
    ['a window older than 30 days', () => windowBefore(open.now(), 60, 31 * 24 * 60), /30 days/],
  ];
  it.each(hostileWindows)('refuses %s with BAD_USER_INPUT', async (_name, times, words) => {
    const body = await ask({ cameraIds: ['community:reg-1'], ...times() });
    expect(codeOf(body)).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.message).toMatch(words);
    expect(await open.rows('footage_requests')).toHaveLength(0);
  });

  it.each([
    ['an invalid Date', { from: new Date(NaN), to: START }, 'input.from'],
    ['Infinity', { from: Infinity, to: START }, 'input.from'],
    ['a date without a zone', { from: '2026-11-23T16:00:00', to: START }, 'input.from'],
    ['a number', { from: 0, to: START }, 'input.from'],
    ['text for the cameras', { from: new Date(START.getTime() - 60_000), to: START, cameraIds: 'community:reg-1' }, 'input.cameraIds'],
  ])('validateFootageRequest refuses %s (a caller past the scalar)', (_name, input, argument) => {
    const attempt = () => validateFootageRequest({ cameraIds: ['community:reg-1'], ...input }, START, { maxWindowMinutes: 120, maxAgeDays: 30 });
    expect(attempt).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argument }) }));
  });

  it.each([
    ['no camera', []],
    ['21 cameras', Array.from({ length: 21 }, (_, i) => `community:reg-${i + 1}`)],
    ['a camera twice', ['community:reg-1', 'community:reg-3', 'community:reg-1']],
    ['an unknown camera', ['community:reg-1', 'cam-city-7']],
    ['a pending registration', ['community:reg-pending']],
    ['a camera id with a NUL', ['community:reg-1\u0000']],
    ['a camera id of 10,000 characters', ['x'.repeat(10_000)]],
  ])('refuses %s', async (_name, cameraIds) => {
    const body = await ask({ cameraIds, ...window() });
    expect(codeOf(body)).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.extensions?.argument).toBe('input.cameraIds');
    expect(await open.rows('footage_requests')).toHaveLength(0);
  });

  it('takes 20 cameras, and a withdrawn camera kept registered', async () => {
    const twenty = Array.from({ length: 19 }, (_, i) => `community:reg-${i + 1}`);
    const body = await ask({ cameraIds: [...twenty, 'community:reg-withdrawn'], ...window() });
    expect(body.errors).toBeUndefined();
    expect(body.data?.requestFootage).toHaveLength(20);
  });

  it.each([
    ['a control character', 'look at\u0007 this'],
    ['a right-to-left override', 'case \u202eevil'],
    ['1001 characters', 'x'.repeat(1001)],
  ])('refuses a message with %s', async (_name, message) => {
    const body = await ask({ cameraIds: ['community:reg-1'], ...window(), message });
    expect(codeOf(body)).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.extensions?.argument).toBe('input.message');
  });

  it('writes nothing when the audit record cannot be written (no record, no operation)', async () => {
    open.auditFails = true;
    const body = await ask({ cameraIds: ['community:reg-1'], ...window() });
    expect(codeOf(body)).toBe('AUDIT_UNAVAILABLE');
    expect(await open.rows('footage_requests')).toHaveLength(0);
    expect(await open.outbox.list()).toHaveLength(0);
  });

  describe('an owner', () => {
    let ids: Record<string, string>;
    beforeEach(async () => {
      const body = await ask({ cameraIds: ['community:reg-1', 'community:reg-2'], ...window() });
      const made = body.data?.requestFootage as { id: string; camera: { id: string } }[];
      ids = Object.fromEntries(made.map((r) => [r.camera.id === 'community:reg-1' ? 'own-1' : 'own-2', r.id]));
    });

    it("sees only the requests for their own cameras, without the police's fields", async () => {
      const mine = await open.run(LIST, {}, owner('own-1'));
      const nodes = (mine.data?.footageRequests as { edges: { node: { id: string; caseNumber: string | null; requestedBy: string | null } }[] }).edges.map((e) => e.node);
      expect(nodes.map((n) => [n.id, n.caseNumber, n.requestedBy])).toEqual([[ids['own-1'], null, null]]);
      expect((await open.run(ONE, { id: ids['own-2'] }, owner('own-1'))).data?.footageRequest).toBeNull();
      expect((await open.run(ONE, { id: ids['own-1'] }, owner('own-1'))).data?.footageRequest).toMatchObject({ id: ids['own-1'] });
      // Filtering by another owner's camera gives nothing either.
      const other = await open.run(LIST, { filter: { cameraId: 'community:reg-2' } }, owner('own-1'));
      expect((other.data?.footageRequests as { edges: unknown[] }).edges).toEqual([]);
    });

    it('with community:own and no owner id sees none', async () => {
      const none = await open.run(LIST, {}, owner(null));
      expect((none.data?.footageRequests as { edges: unknown[] }).edges).toEqual([]);
      expect((await open.run(ONE, { id: ids['own-1'] }, owner(null))).data?.footageRequest).toBeNull();
    });

    it("cannot answer or get an upload link for another owner's request, and learns nothing of it", async () => {
      const answer = await open.run(ANSWER, { id: ids['own-2'], approve: true }, owner('own-1'));
      expect(codeOf(answer)).toBe('BAD_USER_INPUT');
      const unknown = await open.run(ANSWER, { id: 'fr-none', approve: true }, owner('own-1'));
      expect(unknown.errors?.[0]?.message).toBe(answer.errors?.[0]?.message);
      const link = await open.run(UPLOAD_LINK, { id: ids['own-2'] }, owner('own-1'));
      expect(codeOf(link)).toBe('BAD_USER_INPUT');
      // Police cannot answer for an owner either.
      expect(codeOf(await open.run(ANSWER, { id: ids['own-2'], approve: true }, police()))).toBe('BAD_USER_INPUT');
      const [row] = (await open.rows('footage_requests')).filter((r) => r.id === ids['own-2']);
      expect(row?.status).toBe('OPEN');
    });

    it('answers once while OPEN, with a note; an upload link only once approved', async () => {
      expect(codeOf(await open.run(UPLOAD_LINK, { id: ids['own-1'] }, owner('own-1')))).toBe('FOOTAGE_REQUEST_CLOSED');
      const approved = await open.run(ANSWER, { id: ids['own-1'], approve: true, note: 'Will upload tonight' }, owner('own-1'));
      expect(approved.data?.answerFootageRequest).toMatchObject({ status: 'APPROVED', answerNote: 'Will upload tonight', answeredAt: START.toISOString() });
      const again = await open.run(ANSWER, { id: ids['own-1'], approve: false }, owner('own-1'));
      expect(codeOf(again)).toBe('FOOTAGE_REQUEST_CLOSED');
      expect(again.errors?.[0]?.extensions?.status).toBe('APPROVED');
      const link = await open.run(UPLOAD_LINK, { id: ids['own-1'] }, owner('own-1'));
      expect(link.data?.footageUploadLink).toMatchObject({ url: expect.stringMatching(/^\/community\/upload\/[\w-]+\.[\w-]+$/) });
      const denied = await open.run(ANSWER, { id: ids['own-2'], approve: false, note: 'Camera was off' }, owner('own-2'));
      expect(denied.data?.answerFootageRequest).toMatchObject({ status: 'DENIED' });
      expect(codeOf(await open.run(UPLOAD_LINK, { id: ids['own-2'] }, owner('own-2')))).toBe('FOOTAGE_REQUEST_CLOSED');
      const answered = open.audit.filter((r) => (r.details as { action?: string }).action === 'footage-answered');
      expect(answered.map((r) => [r.subject, (r.details as { approved: boolean }).approved])).toEqual([
        ['resident-own-1', true],
        ['resident-own-2', false],
      ]);
    });

    it('refuses a note with a control character', async () => {
      const body = await open.run(ANSWER, { id: ids['own-1'], approve: true, note: 'ok\u001b[2J' }, owner('own-1'));
      expect(codeOf(body)).toBe('BAD_USER_INPUT');
      expect(body.errors?.[0]?.extensions?.argument).toBe('note');
    });

    it('cannot answer once the request expired; the sweep marks it EXPIRED, audited and published', async () => {
      const police$ = await open.subscribe('subscription { footageRequestChanged { id status } }', police());
      const owner$ = await open.subscribe('subscription { footageRequestChanged { id status } }', owner('own-1'));
      open.advance(72 * 3_600_000);
      const late = await open.run(ANSWER, { id: ids['own-1'], approve: true }, owner('own-1'));
      expect(codeOf(late)).toBe('FOOTAGE_REQUEST_CLOSED');
      expect(late.errors?.[0]?.extensions?.status).toBe('EXPIRED');
      await open.desk.sweep();
      await open.desk.settle();
      const statuses = (await open.rows('footage_requests')).map((r) => r.status);
      expect(statuses).toEqual(['EXPIRED', 'EXPIRED']);
      const expired = open.audit.filter((r) => (r.details as { action?: string }).action === 'footage-expired');
      expect(expired).toHaveLength(1);
      expect([...(expired[0]?.recordIds ?? [])].sort()).toEqual([`FootageRequest:${ids['own-1']}`, `FootageRequest:${ids['own-2']}`].sort());
      const heard = [(await police$.next()).value, (await police$.next()).value];
      expect(heard.map((b) => (b as { data: { footageRequestChanged: { status: string } } }).data.footageRequestChanged.status)).toEqual(['EXPIRED', 'EXPIRED']);
      // The owner's subscription hears of their own request only.
      const mine = (await owner$.next()).value as { data: { footageRequestChanged: { id: string } } };
      expect(mine.data.footageRequestChanged.id).toBe(ids['own-1']);
      await police$.return?.();
      await owner$.return?.();
      // A second sweep has nothing left to do.
      await open.desk.sweep();
      await open.desk.settle();
      expect(open.audit.filter((r) => (r.details as { action?: string }).action === 'footage-expired')).toHaveLength(1);
    });

    it('an APPROVED request that was not fulfilled in time expires too, and its upload link is refused', async () => {
      await open.run(ANSWER, { id: ids['own-1'], approve: true }, owner('own-1'));
      open.advance(72 * 3_600_000 + 1);
      expect(codeOf(await open.run(UPLOAD_LINK, { id: ids['own-1'] }, owner('own-1')))).toBe('FOOTAGE_REQUEST_CLOSED');
      await open.desk.sweep();
      await open.desk.settle();
      const [row] = (await open.rows('footage_requests')).filter((r) => r.id === ids['own-1']);
      expect(row?.status).toBe('EXPIRED');
    });
  });

  it('pages through requests newest first', async () => {
    for (let n = 1; n <= 3; n += 1) {
      await ask({ cameraIds: [`community:reg-${n}`], ...window() });
      open.advance(1000);
    }
    const first = await open.run('query { footageRequests(first: 2) { edges { node { camera { id } } } pageInfo { hasNextPage endCursor } } }', {}, police());
    const page = first.data?.footageRequests as { edges: { node: { camera: { id: string } } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
    expect(page.edges.map((e) => e.node.camera.id)).toEqual(['community:reg-3', 'community:reg-2']);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const second = await open.run('query ($after: String) { footageRequests(first: 2, after: $after) { edges { node { camera { id } } } pageInfo { hasNextPage } } }', { after: page.pageInfo.endCursor }, police());
    expect((second.data?.footageRequests as { edges: { node: { camera: { id: string } } }[] }).edges.map((e) => e.node.camera.id)).toEqual(['community:reg-1']);
    expect(codeOf(await open.run('query { footageRequests(first: 101) { edges { cursor } } }', {}, police()))).toBe('BAD_USER_INPUT');
    expect(codeOf(await open.run('query { footageRequests(after: "junk") { edges { cursor } } }', {}, police()))).toBe('BAD_USER_INPUT');
  });
});
