// `npm run watch [-- '<subscription>']`: prints what a subscription delivers, one line per event.
// Authenticates with TOKEN (a bearer token) or, when unset, an operator token of the development
// issuer (the key in AUTH_DEV_KEY_FILE); states X-Purpose from PURPOSE when set.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { DEV_ISSUER, createDevIssuer } from '../auth/createDevIssuer';
import { readHubConfig } from '../config/hubConfig';

const DEFAULT_SUBSCRIPTION = `subscription {
  callReceived(area: {circle: {center: {lat: 33.415, lon: -111.831}, radiusMeters: 8000}}) {
    id receivedAt classOfService location { point { lat lon } uncertaintyMeters }
    nearbyCameras(limit: 4) { camera { id name } distanceMeters inView }
    nearbyUnits(limit: 3, status: [AVAILABLE]) { unit { callSign } distanceMeters }
  }
}`;

const url = (process.env.GATEWAY_URL ?? `http://localhost:${process.env.PORT ?? '4000'}/graphql`).replace(/^http/, 'ws');
const query = process.argv[2] ?? DEFAULT_SUBSCRIPTION;
async function bearerToken(): Promise<string> {
  if (process.env.TOKEN) return process.env.TOKEN;
  const config = readHubConfig(process.env);
  if (config.authIssuer) throw new Error('AUTH_ISSUER is set: pass a token from that issuer in TOKEN');
  const issuer = await createDevIssuer({ issuer: DEV_ISSUER, audience: config.authAudience, keyFile: config.authDevKeyFile });
  return issuer.sign({ subject: 'dev-watch', roles: ['operator'] });
}

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  retryAttempts: 5,
  connectionParams: async () => ({
    Authorization: `Bearer ${await bearerToken()}`,
    ...(process.env.PURPOSE ? { 'X-Purpose': process.env.PURPOSE } : {}),
  }),
});
console.log(`watching ${url} (Ctrl-C to stop)`);
const stop = client.subscribe(
  { query },
  {
    next: (result) => console.log(new Date().toISOString(), JSON.stringify(result.data ?? result)),
    error: (error) => {
      console.error('subscription failed:', error instanceof Error ? error.message : JSON.stringify(error));
      process.exit(1);
    },
    complete: () => process.exit(0),
  },
);
process.on('SIGINT', () => {
  stop();
  void Promise.resolve(client.dispose()).then(() => process.exit(0));
});
