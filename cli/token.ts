/**
 * `npm run token -- --role operator [--role ...] [--sub name] [--ttl seconds] [--geofence JSON]
 * [--camera-owner id] [--department name]`: prints a bearer token of the hub's development
 * issuer (the key in AUTH_DEV_KEY_FILE, shared with a running `npm start`).
 */
import { parseArgs } from 'node:util';
import { readHubConfig } from '../config/hubConfig';
import { DEV_ISSUER, createDevIssuer } from '../auth/createDevIssuer';
import { ROLES } from '../auth/roles';

const USAGE = `usage: npm run token -- --role <${ROLES.join('|')}> [--role ...] [--sub <name>] [--ttl <seconds>]
                       [--geofence '<AreaInput JSON>'] [--camera-owner <id>] [--department <name>]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string', multiple: true },
      sub: { type: 'string' },
      ttl: { type: 'string' },
      geofence: { type: 'string' },
      'camera-owner': { type: 'string' },
      department: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const roles = (values.role ?? []).flatMap((role) => role.split(',')).map((role) => role.trim()).filter(Boolean);
  const unknown = roles.filter((role) => !ROLES.includes(role));
  if (roles.length === 0 || unknown.length > 0) {
    throw new Error(`${unknown.length > 0 ? `unknown role(s): ${unknown.join(', ')}` : 'at least one --role is required'}\n${USAGE}`);
  }
  const ttlSeconds = values.ttl === undefined ? 3600 : Number(values.ttl);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0 || ttlSeconds > 7 * 24 * 3600) throw new Error('--ttl must be a whole number of seconds, at most a week');
  const config = readHubConfig(process.env);
  if (config.authIssuer) throw new Error(`AUTH_ISSUER is set (${config.authIssuer}): get tokens from that issuer; this script signs for the development issuer only`);
  if (config.authDevKeyFile === 'memory') throw new Error('AUTH_DEV_KEY_FILE=memory: a running hub keeps its key to itself; use a file');
  const issuer = await createDevIssuer({ issuer: DEV_ISSUER, audience: config.authAudience, keyFile: config.authDevKeyFile });
  const token = await issuer.sign({
    subject: values.sub ?? `dev-${roles.join('-')}`,
    roles,
    ttlSeconds,
    ...(values.geofence ? { geofence: JSON.parse(values.geofence) as unknown } : {}),
    ...(values['camera-owner'] ? { cameraOwner: values['camera-owner'] } : {}),
    ...(values.department ? { department: values.department } : {}),
  });
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
