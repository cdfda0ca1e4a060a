// `npm run watch [-- '<subscription>']`: prints what a subscription delivers, one line per event.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const DEFAULT_SUBSCRIPTION = `subscription {
  callReceived(area: {circle: {center: {lat: 33.415, lon: -111.831}, radiusMeters: 8000}}) {
    id receivedAt classOfService location { point { lat lon } uncertaintyMeters }
    nearbyCameras(limit: 4) { camera { id name } distanceMeters inView }
    nearbyUnits(limit: 3, status: [AVAILABLE]) { unit { callSign } distanceMeters }
  }
}`;

const url = (process.env.GATEWAY_URL ?? `http://localhost:${process.env.PORT ?? '4000'}/graphql`).replace(/^http/, 'ws');
const query = process.argv[2] ?? DEFAULT_SUBSCRIPTION;
const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 5 });
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
