// The operator console's entry point: settings → sign-in → purpose → the map, live.
import { Popup, setWorkerUrl } from 'maplibre-gl';
import { type ApiClient, type ApiResult, createApiClient } from './api/createApiClient';
import type { ConsoleOperationName } from './api/consoleOperations';
import type { CameraAccess, FootageRequest } from './api/communityTypes';
import { createCommunityReviewView } from './community/communityReviewView';
import { createFootageRequestsView } from './community/footageRequestsView';
import { requestFootageDialog } from './community/requestFootageDialog';
import type { ConsoleSettings } from './consoleSettings';
import { createCityMap } from './map/createCityMap';
import {
  type LayerKind,
  type LiveCall,
  type LiveCamera,
  type LiveEntities,
  type LiveIncident,
  type LiveUnit,
  cameraClassOf,
  isActiveCall,
  isActiveIncident,
  isInside,
} from './map/liveEntities';
import { createIncidentPanel } from './panel/createIncidentPanel';
import { askPurpose } from './session/askPurpose';
import { createSession } from './session/createSession';
import { type ConsoleView, consoleViewOf, isGeofenced, readTokenRoles, readTokenScopes } from './session/readTokenRoles';
import { createLayerSwitch } from './ui/createLayerSwitch';
import { renderActiveList } from './ui/renderActiveList';

interface Connection<T> {
  readonly edges: readonly { readonly node: T }[];
  readonly pageInfo?: { readonly hasNextPage: boolean; readonly endCursor: string | null };
}

/** What tests and curious developers can read from the running console (`window.__console`). */
export interface ConsoleProbe {
  readonly ready: boolean;
  readonly connection: string;
  readonly stateQueries: number;
  readonly view: ConsoleView | null;
  /** What each layer draws (active, located entities), counted when asked. */
  layerCounts(): Record<LayerKind, number>;
  ids(kind: LayerKind): string[];
  /** A camera's class on the map (city, community registered / live / not live) and its access, or null when not held. */
  camera(id: string): { cameraClass: string; source: string; liveNow: boolean | null; canRequestFootage: boolean | null } | null;
  /** How many cameraAccessChanged events arrived. */
  readonly accessEvents: number;
}

declare global {
  interface Window {
    __console?: ConsoleProbe;
  }
}

const PURPOSE_KEY = 'rtcc-console-purpose';

const element = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

async function main(): Promise<void> {
  const settings = (await (await fetch('/console/config.json')).json()) as ConsoleSettings;
  setWorkerUrl(new URL('/console/assets/maplibre-gl-worker.mjs', window.location.href).href);
  const dialog = element('dialog');
  const session = createSession({ auth: settings.auth, dialog });
  const token = await session.signIn();
  const view = consoleViewOf(readTokenRoles(token, settings.auth.rolesClaim));
  const entities: LiveEntities = { calls: new Map(), incidents: new Map(), units: new Map(), cameras: new Map() };
  const probe = { ready: false, connection: 'connecting', stateQueries: 0, view, accessEvents: 0 };
  const scopes = readTokenScopes(token, settings.auth.rolesClaim, settings.roleScopes ?? {});
  const mayRequestFootage = scopes.has('footage:request');
  const reviewsCommunity = scopes.has('community:review');
  // Counted when asked, not per event: 2,000 position events a second would each walk every unit.
  const drawnCounts = (): Record<LayerKind, number> => ({
    calls: [...entities.calls.values()].filter((call) => isActiveCall(call) && call.location).length,
    incidents: [...entities.incidents.values()].filter(isActiveIncident).length,
    units: [...entities.units.values()].filter((unit) => unit.position).length,
    cameras: entities.cameras.size,
  });
  window.__console = {
    get ready() {
      return probe.ready;
    },
    get connection() {
      return probe.connection;
    },
    get stateQueries() {
      return probe.stateQueries;
    },
    get accessEvents() {
      return probe.accessEvents;
    },
    view,
    layerCounts: drawnCounts,
    ids: (kind) => [...entities[kind].keys()],
    camera: (id) => {
      const camera = entities.cameras.get(id);
      if (!camera) return null;
      return { cameraClass: cameraClassOf(camera), source: camera.source, liveNow: camera.access?.liveNow ?? null, canRequestFootage: camera.access?.canRequestFootage ?? null };
    },
  };
  const signOut = element<HTMLButtonElement>('sign-out');
  signOut.hidden = false;
  signOut.addEventListener('click', () => {
    sessionStorage.removeItem(PURPOSE_KEY);
    void session.signOut();
  });
  if (!view) {
    dialog.textContent = 'This role has no console view (the console shows calls, incidents, units and cameras).';
    return;
  }
  // Partners see no restricted field; everyone else states a purpose first.
  let purpose = view.partner ? null : (sessionStorage.getItem(PURPOSE_KEY) ?? (await askPurpose(dialog)));
  if (purpose) sessionStorage.setItem(PURPOSE_KEY, purpose);
  const purposeButton = element<HTMLButtonElement>('purpose');
  const showPurpose = () => {
    purposeButton.hidden = !purpose;
    purposeButton.textContent = `Purpose: ${purpose ?? ''}`;
  };
  showPurpose();

  const banner = element('offline-banner');
  let lostConnection = false;
  const api: ApiClient = createApiClient({
    graphqlUrl: settings.graphqlPath,
    token: () => token,
    purpose: () => purpose,
    onConnectionState: (state) => {
      probe.connection = state;
      if (state === 'offline') lostConnection = true;
      banner.hidden = state === 'online';
      banner.textContent = lostConnection ? 'Offline: reconnecting to the hub…' : 'Connecting…';
      // Events may have been missed while away: the current state again, then the live feed.
      if (state === 'online' && lostConnection) {
        lostConnection = false;
        // A failed reload (the hub went again) is retried at the next reconnection.
        if (probe.ready) loadState().catch(() => (lostConnection = true));
      }
    },
  });
  purposeButton.addEventListener('click', () => {
    void askPurpose(dialog, purpose).then((next) => {
      purpose = next;
      sessionStorage.setItem(PURPOSE_KEY, next);
      showPurpose();
      api.reconnect();
    });
  });

  const kinds: LayerKind[] = view.full ? ['cameras', 'units', 'incidents', 'calls'] : ['incidents'];
  let panelBusy = false;
  const select = (kind: 'call' | 'incident', id: string) => {
    panelBusy = true;
    void (kind === 'call' ? panel.showCall(id) : panel.showIncident(id));
  };
  /** "Request footage" of community cameras, for the stated purpose; the requests view follows. */
  const requestFootage = mayRequestFootage
    ? (camera: { id: string; name: string }) => {
        void requestFootageDialog({ container: dialog, api, cameras: [camera], purpose }).then((made: readonly FootageRequest[] | null) => {
          if (!made) return;
          communityStatus.textContent = `Footage requested from ${camera.name} (${made.map((request) => request.id).join(', ')}).`;
          void footageView?.reload();
        });
      }
    : null;
  const communityStatus = element('community-status');
  let cameraPopup: Popup | null = null;
  const showCameraPopup = (id: string, at: { lat: number; lon: number }) => {
    const camera = entities.cameras.get(id);
    if (!camera) return;
    cameraPopup?.remove();
    const body = document.createElement('div');
    body.className = 'camera-popup';
    body.dataset.cameraId = id;
    const name = document.createElement('strong');
    name.textContent = camera.name;
    const cameraClass = cameraClassOf(camera);
    const level = document.createElement('span');
    level.className = 'camera-source';
    level.textContent = { city: 'City camera', 'community-registered': 'Community · registered', 'community-live': 'Community · live', 'community-not-live': 'Community · not live now' }[cameraClass];
    body.append(name, document.createElement('br'), level);
    if (cameraClass !== 'city' && camera.access?.canRequestFootage && requestFootage) {
      const ask = document.createElement('button');
      ask.type = 'button';
      ask.className = 'request-footage';
      ask.textContent = 'Request footage';
      ask.addEventListener('click', () => {
        cameraPopup?.remove();
        requestFootage({ id, name: camera.name });
      });
      body.append(document.createElement('br'), ask);
    }
    cameraPopup = new Popup({ closeButton: true, focusAfterOpen: true }).setLngLat([at.lon, at.lat]).setDOMContent(body).addTo(cityMap.map);
  };
  const cityMap = createCityMap({ container: element('map'), styleUrl: settings.basemapStyleUrl, bounds: settings.bounds, kinds, onSelect: select, onCameraSelect: showCameraPopup });
  const panelElement = element('panel');
  const panel = createIncidentPanel({
    requestFootage,
    linkTtlSeconds: settings.communityLinkTtlSeconds,
    container: panelElement,
    api,
    dockedCameras: settings.dockedCameras,
    cameraRadiusMeters: settings.cameraRadiusMeters,
    partner: view.partner,
    mayPointCameras: view.mayPointCameras,
    onShow: (point) => cityMap.flyTo(point),
  });
  new MutationObserver(() => (panelBusy = !panelElement.hidden)).observe(panelElement, { attributes: true, attributeFilter: ['hidden'] });
  createLayerSwitch(element('layers'), kinds, (kind, visible) => cityMap.setVisible(kind, visible));
  const listElement = element('active-list');

  const redraw = (listChanged: boolean) => {
    cityMap.draw(entities);
    if (listChanged) renderActiveList(listElement, entities, select);
  };
  const within = (point: { lat: number; lon: number } | null | undefined) => isInside(settings.bounds, point);
  const putCall = (call: LiveCall) => {
    if (isActiveCall(call) && within(call.location?.point)) entities.calls.set(call.id, call);
    // Ended, abandoned, or its "left the area" event: off the map.
    else entities.calls.delete(call.id);
  };
  const putIncident = (incident: LiveIncident) => {
    if (isActiveIncident(incident) && within(incident.location.point)) entities.incidents.set(incident.id, incident);
    else entities.incidents.delete(incident.id);
  };
  const putUnit = (unit: LiveUnit) => {
    const known = entities.units.get(unit.id);
    const merged = { ...known, ...unit, position: unit.position ?? known?.position ?? null };
    if (merged.position && !within(merged.position.point)) entities.units.delete(unit.id);
    else entities.units.set(unit.id, merged);
  };
  const putCamera = (camera: LiveCamera) => {
    // The directory's own events carry no access: the last known stays.
    const merged = camera.access === undefined ? { ...camera, access: entities.cameras.get(camera.id)?.access ?? null } : camera;
    if (within(camera.location.point)) entities.cameras.set(camera.id, merged);
    else entities.cameras.delete(camera.id);
  };
  /** cameraAccessChanged: the camera's access now; a camera approved or whose level changed is asked for whole (its source changed too). */
  const accessChanged = (change: { cameraId: string; reason: string; access: CameraAccess }) => {
    probe.accessEvents += 1;
    panel.accessChanged(change.cameraId, change.access);
    if (change.reason === 'ERASED') {
      entities.cameras.delete(change.cameraId);
      return true;
    }
    const known = entities.cameras.get(change.cameraId);
    if (known) entities.cameras.set(change.cameraId, { ...known, access: change.access });
    // A schedule window or an alarm changes only the access; approval, withdrawal and new terms may change the camera
    // (its source with its level): it is asked for whole. A camera this console does not hold (outside its area) is left alone
    // unless it was just approved.
    const reshaped = change.reason === 'APPROVED' || change.reason === 'WITHDRAWN' || change.reason === 'TERMS_CHANGED' || change.access.level !== known?.access?.level;
    if (reshaped && (known || change.reason === 'APPROVED' || change.reason === 'TERMS_CHANGED')) {
      void api.request<{ camera: LiveCamera | null }>('CameraDetails', { id: change.cameraId }).then((result) => {
        const camera = result.data?.camera;
        if (camera) putCamera(camera);
        else if (result.errors.length === 0) entities.cameras.delete(change.cameraId);
        redraw(false);
      });
    }
    return true;
  };

  async function loadState(): Promise<void> {
    probe.stateQueries += 1;
    if (view!.partner) {
      const result = await session.accepted(await api.request<{ incidents: Connection<LiveIncident> | null }>('PartnerState'));
      entities.incidents.clear();
      for (const { node } of result.data?.incidents?.edges ?? []) putIncident(node);
    } else {
      type State = { calls: Connection<LiveCall> | null; incidents: Connection<LiveIncident> | null; units: Connection<LiveUnit> | null; cameras: Connection<LiveCamera> | null };
      const result = await session.accepted(await api.request<State>('ConsoleState'));
      for (const map of Object.values(entities) as Map<string, unknown>[]) map.clear();
      for (const { node } of result.data?.calls?.edges ?? []) putCall(node);
      for (const { node } of result.data?.incidents?.edges ?? []) putIncident(node);
      for (const { node } of result.data?.units?.edges ?? []) putUnit(node);
      for (const { node } of result.data?.cameras?.edges ?? []) putCamera(node);
      // A city has more units and cameras than a page holds (100): the rest, page by page.
      let unitPage = result.data?.units?.pageInfo;
      while (unitPage?.hasNextPage && unitPage.endCursor) {
        const next = await api.request<{ units: Connection<LiveUnit> | null }>('UnitPage', { after: unitPage.endCursor });
        for (const { node } of next.data?.units?.edges ?? []) putUnit(node);
        unitPage = next.data?.units?.pageInfo;
      }
      let page = result.data?.cameras?.pageInfo;
      while (page?.hasNextPage && page.endCursor) {
        const next = await api.request<{ cameras: Connection<LiveCamera> | null }>('CameraPage', { after: page.endCursor });
        for (const { node } of next.data?.cameras?.edges ?? []) putCamera(node);
        page = next.data?.cameras?.pageInfo;
      }
      // Community cameras' access (their level, live now): city cameras' is CITY.
      let community: { hasNextPage: boolean; endCursor: string | null } | undefined = { hasNextPage: true, endCursor: null };
      while (community?.hasNextPage) {
        const next: ApiResult<{ cameras: Connection<LiveCamera> | null }> = await api.request('CommunityCameras', { after: community.endCursor });
        for (const { node } of next.data?.cameras?.edges ?? []) putCamera(node);
        community = next.data?.cameras?.pageInfo;
        if (!community?.endCursor) break;
      }
    }
    redraw(true);
  }

  await cityMap.loaded;
  await loadState();
  const area = { boundingBox: { southWest: { lat: settings.bounds[1], lon: settings.bounds[0] }, northEast: { lat: settings.bounds[3], lon: settings.bounds[2] } } };
  // A geofenced officer's streams watch the geofence, which the hub puts in for a missing area.
  const streamVariables = isGeofenced(token) ? {} : { area };
  const live = <T>(operation: ConsoleOperationName, apply: (data: T) => boolean) =>
    api.subscribe<T>(operation, streamVariables, (result: ApiResult<T>) => {
      if (result.data) redraw(apply(result.data));
    });
  live<{ incidentChanged: LiveIncident }>('IncidentChanged', (data) => (putIncident(data.incidentChanged), true));
  if (view.full) {
    live<{ callReceived: LiveCall }>('CallReceived', (data) => {
      putCall(data.callReceived);
      // A new call opens the panel unless the operator is looking at something.
      if (!panelBusy && entities.calls.has(data.callReceived.id)) select('call', data.callReceived.id);
      return true;
    });
    live<{ callUpdated: LiveCall }>('CallUpdated', (data) => (putCall(data.callUpdated), true));
    live<{ unitPositions: LiveUnit }>('UnitPositions', (data) => (putUnit(data.unitPositions), false));
    live<{ unitStatusChanged: LiveUnit }>('UnitStatusChanged', (data) => (putUnit(data.unitStatusChanged), false));
    live<{ cameraStatusChanged: LiveCamera }>('CameraStatusChanged', (data) => (putCamera(data.cameraStatusChanged), false));
    api.subscribe<{ cameraAccessChanged: { cameraId: string; reason: string; access: CameraAccess } }>('CameraAccessChanged', {}, (result) => {
      if (result.data?.cameraAccessChanged) {
        accessChanged(result.data.cameraAccessChanged);
        redraw(false);
      }
    });
  }
  // Community Connect: the agency's footage requests (live), and staff's review and program view.
  const communitySection = element('community');
  const communityBody = element('community-body');
  const communityTitle = element('community-title');
  let footageView: ReturnType<typeof createFootageRequestsView> | null = null;
  let showing: 'footage' | 'review' | null = null;
  const review = reviewsCommunity ? createCommunityReviewView({ container: communityBody, dialog, api, onShow: (point) => cityMap.flyTo(point) }) : null;
  const toggles: HTMLButtonElement[] = [];
  const openCommunity = (which: 'footage' | 'review', button: HTMLButtonElement) => {
    const closing = showing === which;
    for (const toggle of toggles) toggle.setAttribute('aria-expanded', 'false');
    showing = closing ? null : which;
    communitySection.hidden = closing;
    if (closing) return;
    button.setAttribute('aria-expanded', 'true');
    communityTitle.textContent = which === 'footage' ? 'Footage requests' : 'Community Connect';
    communityBody.replaceChildren();
    if (which === 'footage') {
      footageView = createFootageRequestsView(communityBody, api);
      void footageView.reload();
    } else {
      footageView = null;
      void review?.reload();
    }
    communityTitle.focus();
  };
  const addToggle = (id: string, text: string, which: 'footage' | 'review') => {
    const button = element<HTMLButtonElement>(id);
    button.textContent = text;
    button.hidden = false;
    button.setAttribute('aria-controls', 'community');
    button.setAttribute('aria-expanded', 'false');
    button.addEventListener('click', () => openCommunity(which, button));
    toggles.push(button);
  };
  if (mayRequestFootage) {
    addToggle('footage-toggle', 'Footage requests', 'footage');
    api.subscribe<{ footageRequestChanged: { id: string } }>('FootageRequestChanged', {}, (result) => {
      if (result.data?.footageRequestChanged && showing === 'footage') void footageView?.reload();
    });
  }
  if (review) addToggle('community-toggle', 'Community Connect', 'review');
  probe.ready = true;
  document.body.dataset.ready = 'true';
}

main().catch((error: unknown) => {
  const dialog = document.getElementById('dialog');
  if (dialog) dialog.textContent = `The console could not start: ${(error as Error).message}`;
  console.error(error);
});
