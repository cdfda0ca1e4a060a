import type { AdapterFactoryContext } from '../adapterFactoryContext';
import { type CameraCsvAdapter, createCameraCsvAdapter } from './createCameraCsvAdapter';

/** The registry's `camera-csv`: watches the supplied camera CSV files (the simulated city's). Null when none is supplied. */
export function createConfiguredCameraCsvAdapter({ now, supplied }: AdapterFactoryContext): CameraCsvAdapter | null {
  const files = supplied.cameraCsvFiles ?? [];
  if (files.length === 0) return null;
  return createCameraCsvAdapter({ name: 'camera-csv', files, now });
}
