import type { LayerKind } from '../map/liveEntities';

const LABELS: Readonly<Record<LayerKind, string>> = { calls: '911 calls', incidents: 'Incidents', units: 'Units', cameras: 'Cameras' };

/** Checkboxes that show and hide each layer; only the layers the caller has are offered. */
export function createLayerSwitch(container: HTMLElement, kinds: readonly LayerKind[], onChange: (kind: LayerKind, visible: boolean) => void): void {
  const group = document.createElement('fieldset');
  group.className = 'layer-switch';
  const legend = document.createElement('legend');
  legend.textContent = 'Layers';
  group.append(legend);
  for (const kind of kinds) {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = true;
    box.name = `layer-${kind}`;
    box.addEventListener('change', () => onChange(kind, box.checked));
    label.append(box, ` ${LABELS[kind]}`);
    group.append(label);
  }
  container.replaceChildren(group);
}
