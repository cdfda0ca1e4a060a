import type { CameraLevel, OwnerRegistration } from '../api/communityTypes';
import { hasControlCharacters, labelledInput, labelledSelect, make, numberOrNull, statusLine, textOrNull } from '../ui/formControls';
import { type ConnectContext, mutate } from './connectContext';
import { createLocationPicker } from './createLocationPicker';
import { createTermsEditor } from './createTermsEditor';

export interface RegisterFormOptions {
  readonly styleUrl: string;
  readonly centre: { readonly lat: number; readonly lon: number };
  /** Called with the new registration once the hub took it. */
  readonly onRegistered: (registration: OwnerRegistration) => void;
}

const MAX_TEXT = 200;
const MAX_URL = 2048;

/** An http(s) URL, or a reason it is not one. */
function checkUrl(text: string, what: string): string | null {
  if (text.length > MAX_URL) return `The ${what} is longer than ${MAX_URL} characters.`;
  try {
    const url = new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `The ${what} must start with http:// or https://.`;
    return null;
  } catch {
    return `The ${what} is not a web address.`;
  }
}

/**
 * Registers a camera (registerCamera): where it is (click the map or type latitude and
 * longitude; drag to move), which way it looks (heading slider and number, field of view,
 * range: the cone on the map), its name and address, the level, its stream and still URLs
 * (required to integrate; given while registered, the owner may integrate later) and the terms.
 */
export function renderRegisterForm(container: HTMLElement, context: ConnectContext, options: RegisterFormOptions): void {
  const form = make('form', 'stack');
  form.id = 'register-form';
  // The page's own checks say what is wrong in the status line (read out), for every field alike.
  form.noValidate = true;
  const where = make('fieldset');
  where.append(make('legend', undefined, 'Where it is'));
  const help = make('p', 'hint', 'Click the map where the camera is mounted (drag the pin to move it), or type its latitude and longitude.');
  help.id = 'register-map-help';
  const mapElement = make('div', 'picker-map');
  mapElement.id = 'register-map';
  mapElement.setAttribute('role', 'region');
  mapElement.setAttribute('aria-label', 'Map to place the camera on');
  mapElement.setAttribute('aria-describedby', help.id);
  const lat = labelledInput({ id: 'register-lat', label: 'Latitude', type: 'number', step: 'any', min: -90, max: 90, required: true, inputMode: 'decimal' });
  const lon = labelledInput({ id: 'register-lon', label: 'Longitude', type: 'number', step: 'any', min: -180, max: 180, required: true, inputMode: 'decimal' });
  const coordinates = make('div', 'row');
  coordinates.append(lat.field, lon.field);
  const address = labelledInput({ id: 'register-address', label: 'Address (optional)', maxLength: MAX_TEXT, autocomplete: 'street-address' });
  where.append(help, mapElement, coordinates, address.field);

  const looks = make('fieldset');
  looks.append(make('legend', undefined, 'Which way it looks'));
  const headingSlider = labelledInput({ id: 'register-heading', label: 'Heading (degrees from north, clockwise)', type: 'range', min: 0, max: 359, step: 1, value: '0' });
  const headingNumber = labelledInput({ id: 'register-heading-number', label: 'Heading in degrees', type: 'number', min: 0, max: 359, step: 1, value: '0', inputMode: 'numeric' });
  const fov = labelledInput({ id: 'register-fov', label: 'Field of view (degrees)', type: 'number', min: 1, max: 360, step: 1, value: '90', inputMode: 'numeric' });
  const range = labelledInput({ id: 'register-range', label: 'Range (metres)', type: 'number', min: 1, max: 1000, step: 1, value: '40', inputMode: 'numeric' });
  const viewRow = make('div', 'row');
  viewRow.append(fov.field, range.field);
  looks.append(headingSlider.field, headingNumber.field, viewRow);

  const about = make('fieldset');
  about.append(make('legend', undefined, 'The camera'));
  const name = labelledInput({ id: 'register-name', label: 'Name shown to police (e.g. your business or the corner)', required: true, maxLength: MAX_TEXT });
  const level = labelledSelect('register-level', 'Level', [
    ['REGISTERED', 'Registered: police know it is there and may ask me for footage'],
    ['INTEGRATED', 'Integrated: I share live video on my terms'],
  ], 'REGISTERED');
  const streamUrl = labelledInput({
    id: 'register-stream-url',
    label: 'Camera stream URL (http or https: MJPEG, HLS)',
    type: 'url',
    maxLength: MAX_URL,
    hint: 'Needed to share live video (integrated), now or later. Police never see this address: the hub relays the video through links that expire.',
  });
  const snapshotUrl = labelledInput({ id: 'register-snapshot-url', label: 'Camera still image URL (optional)', type: 'url', maxLength: MAX_URL });
  about.append(name.field, level.field, streamUrl.field, snapshotUrl.field);

  const terms = createTermsEditor({ id: 'register-terms', initial: { mode: 'ALWAYS', schedule: [], alarmMinutes: 30, timeZone: '' } });
  const submit = make('button', 'primary', 'Register my camera');
  submit.type = 'submit';
  submit.id = 'register-submit';
  const status = statusLine('register-status');
  form.append(where, looks, about, terms.element, submit, status.element);
  container.replaceChildren(form);

  const showLevel = () => {
    const integrated = level.select.value === 'INTEGRATED';
    streamUrl.input.required = integrated;
    terms.element.hidden = !integrated;
  };
  level.select.addEventListener('change', showLevel);
  showLevel();

  const picker = createLocationPicker({
    container: mapElement,
    styleUrl: options.styleUrl,
    centre: options.centre,
    onPick: (point) => {
      lat.input.value = point.lat.toFixed(6);
      lon.input.value = point.lon.toFixed(6);
    },
  });
  const readView = () => {
    const heading = Number(headingNumber.input.value);
    const fieldOfView = Number(fov.input.value);
    const metres = Number(range.input.value);
    return [heading, fieldOfView, metres].every(Number.isFinite) && fieldOfView > 0 && metres > 0 ? { headingDegrees: heading, fieldOfViewDegrees: fieldOfView, rangeMeters: metres } : null;
  };
  const typedPoint = () => {
    const latitude = numberOrNull(lat.input);
    const longitude = numberOrNull(lon.input);
    return latitude !== null && longitude !== null && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180 ? { lat: latitude, lon: longitude } : null;
  };
  for (const input of [lat.input, lon.input]) input.addEventListener('change', () => picker.place(typedPoint()));
  headingSlider.input.addEventListener('input', () => {
    headingNumber.input.value = headingSlider.input.value;
    picker.setView(readView());
  });
  headingNumber.input.addEventListener('input', () => {
    headingSlider.input.value = headingNumber.input.value;
    picker.setView(readView());
  });
  for (const input of [fov.input, range.input]) input.addEventListener('input', () => picker.setView(readView()));
  picker.setView(readView());

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    const point = typedPoint();
    if (!point) return status.fail('Place the camera on the map, or type a latitude (-90 to 90) and longitude (-180 to 180).');
    const cameraName = name.input.value.trim();
    if (!cameraName) return status.fail('Give the camera a name.');
    if ([cameraName, address.input.value].some((text) => hasControlCharacters(text))) return status.fail('The name and address cannot hold control characters or line breaks.');
    const view = readView();
    if (!view || view.headingDegrees < 0 || view.headingDegrees >= 360 || view.fieldOfViewDegrees > 360 || view.rangeMeters > 1000) {
      return status.fail('Heading 0 to 359°, field of view 1 to 360°, range 1 to 1000 m.');
    }
    const chosenLevel = level.select.value as CameraLevel;
    const input: Record<string, unknown> = {
      name: cameraName,
      point,
      address: textOrNull(address.input),
      headingDegrees: view.headingDegrees,
      fieldOfViewDegrees: view.fieldOfViewDegrees,
      rangeMeters: view.rangeMeters,
      level: chosenLevel,
    };
    const stream = streamUrl.input.value.trim();
    const streamProblem = stream ? checkUrl(stream, 'stream URL') : chosenLevel === 'INTEGRATED' ? 'An integrated camera needs its stream URL.' : null;
    if (streamProblem) return status.fail(streamProblem);
    const still = snapshotUrl.input.value.trim();
    const stillProblem = still ? checkUrl(still, 'still image URL') : null;
    if (stillProblem) return status.fail(stillProblem);
    Object.assign(input, { streamUrl: stream || null, snapshotUrl: still || null });
    if (chosenLevel === 'INTEGRATED') {
      const read = terms.read();
      if ('problem' in read) return status.fail(read.problem);
      input.terms = read.terms;
    }
    submit.disabled = true;
    status.ok('Registering…');
    mutate<OwnerRegistration>(context.api, 'RegisterCamera', 'registerCamera', { input })
      .then(async (registration) => {
        status.ok(`Registered “${registration.name}”: police staff will check it before it is shown to officers.`);
        form.reset();
        showLevel();
        picker.place(null);
        options.onRegistered(registration);
        await context.refresh();
      })
      .catch((error: unknown) => status.fail(`Not registered: ${(error as Error).message}`))
      .finally(() => (submit.disabled = false));
  });
}
