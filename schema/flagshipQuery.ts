/** The operator console's flagship query: incident → nearby units → their cameras, and the incident's cameras. */
export const FLAGSHIP_QUERY = /* GraphQL */ `
  query ($id: ID!) {
    incident(id: $id) {
      id number typeText priority
      location { point { lat lon } address }
      nearbyUnits(radiusMeters: 5000, limit: 5) {
        distanceMeters
        unit {
          callSign status
          position { point { lat lon } stale }
          nearbyCameras(limit: 2) { camera { id name } distanceMeters }
        }
      }
      nearbyCameras(radiusMeters: 500, limit: 4) {
        distanceMeters inView
        camera { id name streams { protocol url } }
      }
    }
  }
`;
