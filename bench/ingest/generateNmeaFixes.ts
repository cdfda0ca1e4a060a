/** NMEA 0183 checksum: XOR of the characters between `$` and `*`, two hex digits. */
function checksum(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i += 1) sum ^= body.charCodeAt(i);
  return sum.toString(16).toUpperCase().padStart(2, '0');
}

function ddmm(value: number, degreeDigits: number): string {
  const abs = Math.abs(value);
  const degrees = Math.floor(abs);
  const minutes = (abs - degrees) * 60;
  return `${String(degrees).padStart(degreeDigits, '0')}${minutes.toFixed(5).padStart(8, '0')}`;
}

/**
 * `count` RMC sentences for `devices` modems around Mesa, each device's fixes one second apart,
 * so that every fix is newer than the last one stored for its device.
 */
export function generateNmeaFixes(count: number, devices: number, start: Date): string[] {
  const lines: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const device = i % devices;
    const at = new Date(start.getTime() + Math.floor(i / devices) * 1000);
    const time = `${String(at.getUTCHours()).padStart(2, '0')}${String(at.getUTCMinutes()).padStart(2, '0')}${String(at.getUTCSeconds()).padStart(2, '0')}.00`;
    const date = `${String(at.getUTCDate()).padStart(2, '0')}${String(at.getUTCMonth() + 1).padStart(2, '0')}${String(at.getUTCFullYear() % 100).padStart(2, '0')}`;
    const lat = 33.4152 + ((device % 50) - 25) * 0.002 + (i % 7) * 0.00001;
    const lon = -111.8315 + (Math.floor(device / 50) - 10) * 0.002;
    const body = `GPRMC,${time},A,${ddmm(lat, 2)},N,${ddmm(lon, 3)},W,12.5,87.0,${date},,,A`;
    lines.push(`modem-${device},$${body}*${checksum(body)}`);
  }
  return lines;
}
