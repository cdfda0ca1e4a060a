import type { ApiClient, ApiError } from '../api/createApiClient';
import type { CameraAccess, CameraAccessLinks } from '../api/communityTypes';
import type { ApiLocation, GeoPoint } from '../map/liveEntities';
import { type DockedCamera, dockCameras } from './dockCameras';

interface NearbyUnit {
  readonly unit: { readonly id: string; readonly callSign: string; readonly status: string };
  readonly distanceMeters: number;
}

interface CallDetails {
  readonly id: string;
  readonly state: string;
  readonly receivedAt: string;
  readonly classOfService?: string | null;
  readonly location: ApiLocation | null;
  readonly callbackNumber?: string | null;
  readonly callerName?: string | null;
  readonly incident?: { readonly number: string; readonly typeText: string; readonly priority: number; readonly status: string } | null;
  readonly nearbyUnits?: readonly NearbyUnit[] | null;
  readonly nearbyCameras?: readonly DockedCamera[] | null;
}

interface IncidentDetails {
  readonly id: string;
  readonly number: string;
  readonly typeText: string;
  readonly priority: number;
  readonly status: string;
  readonly reportedAt: string;
  readonly location: ApiLocation;
  readonly nearbyUnits?: readonly NearbyUnit[] | null;
  readonly nearbyCameras?: readonly DockedCamera[] | null;
}

export interface IncidentPanelOptions {
  readonly container: HTMLElement;
  readonly api: ApiClient;
  readonly dockedCameras: number;
  readonly cameraRadiusMeters: number;
  /** A partner's view: minimised incidents, no calls, units or cameras. */
  readonly partner: boolean;
  /** Whether "Point at this call" is offered (cameras:control). */
  readonly mayPointCameras: boolean;
  /** Centres the map on what is shown. */
  readonly onShow: (point: GeoPoint) => void;
  /** How long the hub's signed links work (COMMUNITY_LINK_TTL_SECONDS): docked community tiles renew theirs in time. */
  readonly linkTtlSeconds?: number;
  /** Set for callers who may request footage (footage:request): "Request footage" on community tiles. */
  readonly requestFootage?: ((camera: { id: string; name: string }) => void) | null;
}

/** The side panel: a call's or incident's details, nearest units and docked cameras. */
export interface IncidentPanel {
  showCall(id: string): Promise<void>;
  showIncident(id: string): Promise<void>;
  /**
   * A community camera's access changed (cameraAccessChanged): a docked tile of it that shows live
   * video goes at once when sharing ended, and the docked set is asked for again.
   */
  accessChanged(cameraId: string, access: CameraAccess | null): void;
  close(): void;
}

const describeErrors = (errors: readonly ApiError[]) => errors.map((error) => error.extensions?.code ?? error.message).join(', ');

/** Creates the panel in `container` (hidden until something is shown; Escape closes it). */
export function createIncidentPanel(options: IncidentPanelOptions): IncidentPanel {
  const { container, api, partner } = options;
  let stopRefresh: () => void = () => undefined;
  let shown = 0;
  /** What the panel shows, to dock its cameras again. */
  let current: { kind: 'call' | 'incident'; id: string; target: GeoPoint } | null = null;
  let grid: HTMLElement | null = null;

  const section = (title: string) => {
    const heading = document.createElement('h3');
    heading.textContent = title;
    container.append(heading);
  };
  const facts = (rows: readonly [string, string | null | undefined][]) => {
    const list = document.createElement('dl');
    for (const [term, value] of rows) {
      if (value == null || value === '') continue;
      const dt = document.createElement('dt');
      dt.textContent = term;
      const dd = document.createElement('dd');
      dd.textContent = value;
      list.append(dt, dd);
    }
    container.append(list);
  };
  const open = (title: string, kind: string, id: string) => {
    stopRefresh();
    current = null;
    grid = null;
    container.replaceChildren();
    container.hidden = false;
    container.dataset.kind = kind;
    container.dataset.id = id;
    const header = document.createElement('header');
    const heading = document.createElement('h2');
    heading.id = 'panel-title';
    heading.textContent = title;
    heading.tabIndex = -1;
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'panel-close';
    close.setAttribute('aria-label', 'Close details');
    close.textContent = '×';
    close.addEventListener('click', () => panel.close());
    header.append(heading, close);
    container.append(header);
    heading.focus();
    return ++shown;
  };
  const units = (nearby: readonly NearbyUnit[] | null | undefined) => {
    section('Nearest units');
    const list = document.createElement('ol');
    list.className = 'nearby-units';
    for (const { unit, distanceMeters } of nearby ?? []) {
      const item = document.createElement('li');
      item.dataset.unitId = unit.id;
      item.textContent = `${unit.callSign} · ${unit.status.replace('_', ' ').toLowerCase()} · ${Math.round(distanceMeters)} m`;
      list.append(item);
    }
    if ((nearby ?? []).length === 0) list.append(Object.assign(document.createElement('li'), { textContent: 'No unit nearby' }));
    container.append(list);
  };
  const refreshLinks = async (cameraId: string): Promise<CameraAccessLinks | null> => {
    const result = await api.request<{ camera: { id: string; access: CameraAccessLinks | null } | null }>('DockedCameraLinks', { id: cameraId });
    return result.data?.camera?.access ?? null;
  };
  /** Asks for the docked cameras of what is shown again and re-docks them (an access change). */
  const redock = async () => {
    if (!current || !grid) return;
    const ticket = shown;
    const { kind, id, target } = current;
    const variables = { id, cameras: options.dockedCameras, radius: options.cameraRadiusMeters };
    const result =
      kind === 'call'
        ? (await api.request<{ call: CallDetails | null }>('CallDetails', variables)).data?.call?.nearbyCameras
        : (await api.request<{ incident: IncidentDetails | null }>('IncidentDetails', variables)).data?.incident?.nearbyCameras;
    if (ticket !== shown || !result) return;
    dock(result, target);
  };
  const dock = (docked: readonly DockedCamera[], target: GeoPoint) => {
    stopRefresh();
    const point = options.mayPointCameras
      ? async (cameraId: string) => {
          const result = await api.request<{ pointCamera: { panDegrees: number; tiltDegrees: number; distanceMeters: number } }>('PointCamera', {
            cameraId,
            target: { lat: target.lat, lon: target.lon },
          });
          if (!result.data?.pointCamera) throw new Error(describeErrors(result.errors) || 'no answer');
          const { panDegrees, tiltDegrees } = result.data.pointCamera;
          return `Pointed: pan ${panDegrees.toFixed(1)}°, tilt ${tiltDegrees.toFixed(1)}°`;
        }
      : null;
    stopRefresh = dockCameras(grid!, docked, {
      refreshMs: 5000,
      point,
      requestFootage: options.requestFootage ?? null,
      refreshLinks,
      linkTtlSeconds: options.linkTtlSeconds,
      onNoLongerLive: () => void redock(),
    });
  };
  const cameras = (docked: readonly DockedCamera[] | null | undefined, target: GeoPoint) => {
    section('Cameras');
    grid = document.createElement('div');
    grid.className = 'docked-cameras';
    container.append(grid);
    current = { kind: container.dataset.kind === 'call' ? 'call' : 'incident', id: container.dataset.id ?? '', target };
    dock(docked ?? [], target);
  };
  const failure = (errors: readonly ApiError[]) => {
    const note = document.createElement('p');
    note.className = 'panel-error';
    note.setAttribute('role', 'alert');
    note.textContent = `Some details were withheld or unavailable: ${describeErrors(errors)}`;
    container.append(note);
  };

  const panel: IncidentPanel = {
    async showCall(id) {
      const ticket = open('911 call', 'call', id);
      const result = await api.request<{ call: CallDetails | null }>('CallDetails', { id, cameras: options.dockedCameras, radius: options.cameraRadiusMeters });
      if (ticket !== shown) return;
      const call = result.data?.call;
      if (!call) return failure(result.errors);
      facts([
        ['State', call.state],
        ['Received', new Date(call.receivedAt).toLocaleTimeString()],
        ['Class of service', call.classOfService],
        ['Location', call.location?.address ?? (call.location ? `${call.location.point.lat.toFixed(5)}, ${call.location.point.lon.toFixed(5)}` : 'not yet known')],
        ['Uncertainty', call.location?.uncertaintyMeters != null ? `${Math.round(call.location.uncertaintyMeters)} m` : null],
        ['Caller', call.callerName],
        ['Callback number', call.callbackNumber],
        ['Incident', call.incident ? `${call.incident.number} · ${call.incident.typeText} · P${call.incident.priority}` : null],
      ]);
      if (result.errors.length > 0) failure(result.errors);
      if (call.location) options.onShow(call.location.point);
      units(call.nearbyUnits);
      if (call.location) cameras(call.nearbyCameras, call.location.point);
    },
    async showIncident(id) {
      const ticket = open('Incident', 'incident', id);
      const result = partner
        ? await api.request<{ incident: IncidentDetails | null }>('PartnerIncidentDetails', { id })
        : await api.request<{ incident: IncidentDetails | null }>('IncidentDetails', { id, cameras: options.dockedCameras, radius: options.cameraRadiusMeters });
      if (ticket !== shown) return;
      const incident = result.data?.incident;
      if (!incident) return failure(result.errors);
      facts([
        ['Number', incident.number],
        ['Type', incident.typeText],
        ['Priority', String(incident.priority)],
        ['Status', incident.status],
        ['Reported', new Date(incident.reportedAt).toLocaleTimeString()],
        ['Location', incident.location.address ?? `${incident.location.point.lat.toFixed(4)}, ${incident.location.point.lon.toFixed(4)}`],
      ]);
      if (result.errors.length > 0) failure(result.errors);
      options.onShow(incident.location.point);
      if (partner) return;
      units(incident.nearbyUnits);
      cameras(incident.nearbyCameras, incident.location.point);
    },
    accessChanged(cameraId, access) {
      if (!grid) return;
      const tile = [...grid.querySelectorAll<HTMLElement>('.camera-tile')].find((candidate) => candidate.dataset.cameraId === cameraId);
      // Only a docked camera's change re-docks (a city's sweeps change many cameras' access).
      if (!tile) return;
      // Sharing ended: the picture goes now, before the hub is asked what to dock instead.
      if (tile.dataset.live === 'true' && !access?.liveNow) tile.remove();
      void redock();
    },
    close() {
      current = null;
      grid = null;
      stopRefresh();
      container.hidden = true;
      container.replaceChildren();
      delete container.dataset.id;
    },
  };
  container.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') panel.close();
  });
  return panel;
}
