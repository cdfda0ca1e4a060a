import { type CameraLevel, type SharingMode, type SharingTerms, type SharingTermsInput, WEEKDAYS, type Weekday, type WeeklyWindow } from '../api/communityTypes';
import { button, labelledInput, labelledSelect, make } from '../ui/formControls';

const MODES: readonly (readonly [SharingMode, string])[] = [
  ['ALWAYS', 'Always'],
  ['SCHEDULE', 'On a weekly schedule'],
  ['ALARM', 'Only while my alarm is active'],
  ['NEVER', 'Never (registered only)'],
];
const DAY_NAMES: Readonly<Record<Weekday, string>> = {
  MONDAY: 'Monday',
  TUESDAY: 'Tuesday',
  WEDNESDAY: 'Wednesday',
  THURSDAY: 'Thursday',
  FRIDAY: 'Friday',
  SATURDAY: 'Saturday',
  SUNDAY: 'Sunday',
};
/** As the hub takes them: at most 28 windows, HH:MM (24 h). */
const MAX_WINDOWS = 28;
const HH_MM = /^([01]\d|2[0-3]):[0-5]\d$/;

export interface TermsEditor {
  /** The editor's fieldset, to put in a form. */
  readonly element: HTMLFieldSetElement;
  /** The terms entered, or a message saying what is wrong with them. */
  read(): { terms: SharingTermsInput } | { problem: string };
}

export interface TermsEditorOptions {
  /** Prefix of the controls' ids (several editors may be on the page). */
  readonly id: string;
  readonly initial?: SharingTerms | null;
  /** Offer the level too (changing terms of a registered camera); the registration form has its own. */
  readonly level?: CameraLevel | null;
  /** The agency's time zone the schedule is read in, when known. */
  readonly timeZone?: string | null;
}

/**
 * The sharing terms' controls: the rule (always, schedule, alarm, never), the weekly windows of
 * a schedule (day, from, to; add and remove rows), the minutes an alarm opens sharing, and
 * optionally the level. Only the controls of the chosen rule are shown.
 */
export function createTermsEditor(options: TermsEditorOptions): TermsEditor {
  const { id, initial } = options;
  const element = make('fieldset', 'terms-editor');
  element.append(make('legend', undefined, 'Sharing terms'));
  let levelSelect: HTMLSelectElement | null = null;
  if (options.level) {
    const level = labelledSelect(`${id}-level`, 'Level', [
      ['INTEGRATED', 'Integrated: share live video on these terms'],
      ['REGISTERED', 'Registered only: police may ask for footage'],
    ], options.level === 'CITY' ? 'REGISTERED' : options.level);
    levelSelect = level.select;
    element.append(level.field);
  }
  const mode = labelledSelect(`${id}-mode`, 'When police may view it live', MODES, initial?.mode ?? 'ALWAYS');
  element.append(mode.field);

  const schedule = make('div', 'schedule');
  schedule.id = `${id}-schedule`;
  const zone = options.timeZone ?? initial?.timeZone;
  const scheduleTitle = make('p', 'hint', `Weekly windows${zone ? ` (${zone} time)` : ''}; a window ending at or before its start ends the next day.`);
  const rows = make('ol', 'windows');
  rows.setAttribute('aria-label', 'Weekly windows');
  let counter = 0;
  const addRow = (span: WeeklyWindow) => {
    counter += 1;
    const row = make('li', 'window');
    const day = labelledSelect(`${id}-day-${counter}`, 'Day', WEEKDAYS.map((weekday) => [weekday, DAY_NAMES[weekday]] as const), span.day);
    day.select.classList.add('window-day');
    const from = labelledInput({ id: `${id}-from-${counter}`, label: 'From', type: 'time', value: span.from, required: true });
    from.input.classList.add('window-from');
    const to = labelledInput({ id: `${id}-to-${counter}`, label: 'To', type: 'time', value: span.to, required: true });
    to.input.classList.add('window-to');
    const remove = button('Remove', 'remove-window');
    remove.setAttribute('aria-label', `Remove window ${counter}`);
    remove.addEventListener('click', () => {
      row.remove();
      add.disabled = rows.children.length >= MAX_WINDOWS;
      add.focus();
    });
    row.append(day.field, from.field, to.field, remove);
    rows.append(row);
    add.disabled = rows.children.length >= MAX_WINDOWS;
  };
  const add = button('Add a window', 'add-window');
  add.id = `${id}-add-window`;
  add.addEventListener('click', () => {
    addRow({ day: 'MONDAY', from: '18:00', to: '06:00' });
    rows.lastElementChild?.querySelector('select')?.focus();
  });
  schedule.append(scheduleTitle, rows, add);
  for (const span of initial?.schedule ?? []) addRow(span);
  element.append(schedule);

  const alarm = labelledInput({
    id: `${id}-alarm-minutes`,
    label: 'Minutes one alarm opens sharing',
    type: 'number',
    min: 1,
    max: 1440,
    step: 1,
    value: String(initial?.alarmMinutes ?? 30),
    inputMode: 'numeric',
  });
  alarm.field.classList.add('alarm-minutes');
  element.append(alarm.field);

  const showChosen = () => {
    schedule.hidden = mode.select.value !== 'SCHEDULE';
    alarm.field.hidden = mode.select.value !== 'ALARM';
    if (mode.select.value === 'SCHEDULE' && rows.children.length === 0) addRow({ day: 'MONDAY', from: '18:00', to: '06:00' });
  };
  mode.select.addEventListener('change', showChosen);
  showChosen();

  return {
    element,
    read() {
      const chosen = mode.select.value as SharingMode;
      const level = levelSelect ? { level: levelSelect.value as CameraLevel } : {};
      if (chosen === 'SCHEDULE') {
        const windows: WeeklyWindow[] = [];
        for (const row of rows.querySelectorAll('li')) {
          const day = row.querySelector<HTMLSelectElement>('.window-day')!.value as Weekday;
          const from = row.querySelector<HTMLInputElement>('.window-from')!.value;
          const to = row.querySelector<HTMLInputElement>('.window-to')!.value;
          if (!HH_MM.test(from) || !HH_MM.test(to)) return { problem: 'Each window needs a start and an end time (HH:MM).' };
          windows.push({ day, from, to });
        }
        if (windows.length === 0) return { problem: 'A schedule needs at least one window.' };
        return { terms: { mode: chosen, schedule: windows, ...level } };
      }
      if (chosen === 'ALARM') {
        const minutes = Number(alarm.input.value);
        if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) return { problem: 'Alarm minutes must be a whole number from 1 to 1440.' };
        return { terms: { mode: chosen, alarmMinutes: minutes, ...level } };
      }
      return { terms: { mode: chosen, ...level } };
    },
  };
}
