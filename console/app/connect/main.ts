// The owner pages' entry point (`/connect/`): sign in or sign up → profile → register → my cameras and requests.
import { setWorkerUrl } from 'maplibre-gl';
import type { CommunityOwner, Connection, FootageRequest, OwnerRegistration } from '../api/communityTypes';
import { type ApiResult, createApiClient } from '../api/createApiClient';
import type { ConsoleSettings } from '../consoleSettings';
import { requestDevToken } from '../session/createDevSignIn';
import { createSession } from '../session/createSession';
import { showDialogForm } from '../ui/showDialogForm';
import { renderAlarmWebhookPanel } from './alarmWebhookPanel';
import { type ConnectContext, describeRefusal } from './connectContext';
import { renderOwnerCameraList } from './ownerCameraList';
import { renderOwnerProfileForm } from './ownerProfileForm';
import { renderOwnerRequestList } from './ownerRequestList';
import { renderRegisterForm } from './registerCameraForm';

/** What tests can read from the running owner pages (`window.__connect`). */
export interface ConnectProbe {
  readonly ready: boolean;
  readonly ownerId: string | null;
  /** How many times the owner's data was loaded. */
  readonly loads: number;
  refresh(): Promise<void>;
}

declare global {
  interface Window {
    __connect?: ConnectProbe;
  }
}

/** The owner's token is kept apart from an operator's console token in the same browser. */
export const CONNECT_TOKEN_KEY = 'rtcc-connect-token';
/** Owners are not told of requests live (the hub notifies them by email or SMS): the list is asked again this often. */
const REQUESTS_REFRESH_MS = 30_000;

const element = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

async function main(): Promise<void> {
  const settings = (await (await fetch('/console/config.json')).json()) as ConsoleSettings;
  setWorkerUrl(new URL('/console/assets/maplibre-gl-worker.mjs', window.location.href).href);
  const dialog = element('dialog');
  const auth = settings.auth;
  const session = createSession({
    auth,
    dialog,
    tokenKey: CONNECT_TOKEN_KEY,
    home: '/connect/',
    devSignIn: (problem) =>
      showDialogForm({
        container: dialog,
        id: 'connect-sign-in',
        title: 'Community Connect',
        explanation: 'Development sign-in: signing up makes you a new camera owner with the hub’s own issuer. Your sign-in lasts while this tab is open.',
        submitLabel: 'Sign up as a camera owner',
        problem,
        submit: () =>
          auth.mode === 'development'
            ? requestDevToken(auth.devTokenPath, { role: 'camera-owner' }).catch((error: unknown) => Promise.reject(new Error(`No sign-up: ${(error as Error).message}`)))
            : undefined,
      }),
  });
  const token = await session.signIn();
  const signOut = element<HTMLButtonElement>('sign-out');
  signOut.hidden = false;
  signOut.addEventListener('click', () => void session.signOut());

  const statusElement = element('connect-status');
  const api = createApiClient({ graphqlUrl: settings.graphqlPath, token: () => token, purpose: () => null, onConnectionState: () => undefined, lazy: true });
  const probe = { ready: false, ownerId: null as string | null, loads: 0 };
  let loading: Promise<void> | null = null;
  let again = false;
  const context: ConnectContext = {
    api,
    dialog,
    announce: (text) => (statusElement.textContent = text),
    // One load at a time; a refresh asked during one runs once it is done.
    refresh: () => {
      if (loading) {
        again = true;
        return loading;
      }
      loading = load().finally(() => {
        loading = null;
        if (again) {
          again = false;
          void context.refresh();
        }
      });
      return loading;
    },
  };
  window.__connect = {
    get ready() {
      return probe.ready;
    },
    get ownerId() {
      return probe.ownerId;
    },
    get loads() {
      return probe.loads;
    },
    refresh: () => context.refresh(),
  };

  const sections = ['profile', 'register', 'cameras', 'alarm', 'requests'].map((id) => element(id));
  for (const section of sections) section.hidden = false;
  element('welcome').hidden = true;
  let profileDrawn = false;
  let registerDrawn = false;

  async function load(): Promise<void> {
    const [me, requests] = await Promise.all([
      api.request<{ me: (CommunityOwner & { registrations: OwnerRegistration[] }) | null }>('OwnerMe').then((result) => session.accepted(result)),
      api.request<{ footageRequests: Connection<FootageRequest> | null }>('OwnerFootageRequests').then((result) => session.accepted(result)),
    ]);
    probe.loads += 1;
    const owner = me.data?.me ?? null;
    if (!owner && me.errors.length > 0) {
      statusElement.textContent = `The hub refused this sign-in for the owner pages: ${describeRefusal(me as ApiResult<unknown>)}`;
      return;
    }
    probe.ownerId = owner?.id ?? null;
    const hasProfile = !!owner?.displayName;
    if (!profileDrawn) {
      renderOwnerProfileForm(element('profile-body'), owner, context);
      profileDrawn = true;
    }
    const registerBody = element('register-body');
    if (!hasProfile) {
      registerBody.textContent = 'Save your profile first: police staff verify a camera by its owner.';
      registerDrawn = false;
    } else if (!registerDrawn) {
      renderRegisterForm(registerBody, context, { styleUrl: settings.basemapStyleUrl, centre: settings.centre, onRegistered: () => undefined });
      registerDrawn = true;
    }
    const registrations = owner?.registrations ?? [];
    // A list with an item being edited (terms, a note, a chosen clip) is not redrawn under the owner; the next load draws it.
    const idle = (container: HTMLElement) => container.querySelector('[data-editing="true"]') === null;
    if (idle(element('cameras-body'))) renderOwnerCameraList(element('cameras-body'), registrations, context);
    if (owner) renderAlarmWebhookPanel(element('alarm-body'), owner.alarmWebhook, context);
    else element('alarm-body').textContent = 'Save your profile first.';
    const names = new Map(registrations.map((registration) => [registration.camera?.id ?? `community:${registration.id}`, registration.name]));
    const listed = requests.data?.footageRequests?.edges.map(({ node }) => node) ?? [];
    if (requests.errors.length > 0 && listed.length === 0) element('requests-body').textContent = `The requests could not be loaded: ${describeRefusal(requests as ApiResult<unknown>)}`;
    else if (idle(element('requests-body'))) renderOwnerRequestList(element('requests-body'), listed, names, context);
  }

  await context.refresh();
  // The hub tells an owner's page when their cameras' access changes (approved, a schedule window, an alarm).
  api.subscribe('OwnerAccessChanged', {}, () => void context.refresh());
  window.setInterval(() => {
    if (document.visibilityState === 'visible') void context.refresh();
  }, REQUESTS_REFRESH_MS);
  probe.ready = true;
  document.body.dataset.ready = 'true';
}

main().catch((error: unknown) => {
  const status = document.getElementById('connect-status');
  if (status) status.textContent = `The page could not start: ${(error as Error).message}`;
  console.error(error);
});
