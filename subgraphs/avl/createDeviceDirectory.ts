import type { Database } from '../../storage/createDatabase';

/** A vehicle modem and the unit whose car it is in. */
export interface DeviceAssignment {
  readonly deviceId: string;
  readonly unitId: string;
  readonly updatedAt: Date;
}

/**
 * The AVL device → unit table, kept in the AVL subgraph's database and mirrored in memory so
 * that adapters can resolve every fix without a query.
 */
export interface DeviceDirectory {
  load(): Promise<void>;
  /** The unit a device is assigned to, if any. */
  unitFor(deviceId: string): string | undefined;
  list(): DeviceAssignment[];
  assign(deviceId: string, unitId: string, at: Date): Promise<DeviceAssignment>;
  /** Returns false when the device was not assigned. */
  unassign(deviceId: string): Promise<boolean>;
}

export function createDeviceDirectory(db: Database): DeviceDirectory {
  const devices = () => db.table('devices');
  const byDevice = new Map<string, DeviceAssignment>();
  return {
    async load() {
      const rows = (await devices().select()) as { device_id: string; unit_id: string; updated_at: Date }[];
      for (const row of rows) byDevice.set(row.device_id, { deviceId: row.device_id, unitId: row.unit_id, updatedAt: row.updated_at });
    },
    unitFor: (deviceId) => byDevice.get(deviceId)?.unitId,
    list: () => [...byDevice.values()].sort((a, b) => a.deviceId.localeCompare(b.deviceId)),
    async assign(deviceId, unitId, at) {
      await devices().insert({ device_id: deviceId, unit_id: unitId, updated_at: at }).onConflict('device_id').merge();
      const assignment = { deviceId, unitId, updatedAt: at };
      byDevice.set(deviceId, assignment);
      return assignment;
    },
    async unassign(deviceId) {
      const removed = (await devices().where('device_id', deviceId).delete().returning('device_id')) as unknown[];
      byDevice.delete(deviceId);
      return removed.length > 0;
    },
  };
}
