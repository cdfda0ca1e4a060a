/**
 * Which header names the camera fields are read from. Only `id`, `lat` and `lon` are needed; a
 * field without a column takes the import's default (or null). Header names match exactly or,
 * failing that, ignoring case, spaces and punctuation (`Camera ID` = `camera_id` = `cameraId`).
 */
export interface ColumnMapping {
  readonly id?: string;
  readonly name?: string;
  /** Street address or place description, kept as `location.address`. */
  readonly address?: string;
  /** WGS 84 decimal degrees. */
  readonly lat?: string;
  readonly lon?: string;
  /** Degrees clockwise from north, or a compass point (N, NE, SSW …). */
  readonly heading?: string;
  readonly fieldOfView?: string;
  /** Metres. */
  readonly range?: string;
  /** Metres above ground. */
  readonly mountHeight?: string;
  /** yes/no, true/false, 1/0, ptz/fixed. */
  readonly ptz?: string;
  /** The camera's state: ONLINE/OFFLINE, or a lifecycle state such as Austin's TURNED_ON/DESIRED/REMOVED/VOID. */
  readonly status?: string;
  /** A second status column that reports network reachability (Austin's `IP Comm Status`). */
  readonly connectivity?: string;
  /** Columns holding stream URLs; a cell may hold several, separated by spaces, `;` or `|`. */
  readonly streamUrls?: readonly string[];
  readonly snapshotUrl?: string;
  /** CITY_VMS, COMMUNITY_LIVE or COMMUNITY_REGISTERED (or city / live / registered). */
  readonly cameraSource?: string;
  /** A community camera's owner, as the program identifies them; needed for any other owner column. */
  readonly ownerId?: string;
  /** The owner's display name (the business or person). */
  readonly ownerName?: string;
  /** Who to contact about the camera (restricted data, as are the phone and email). */
  readonly contactName?: string;
  readonly contactPhone?: string;
  readonly contactEmail?: string;
}

export type SingleColumnField = Exclude<keyof ColumnMapping, 'streamUrls'>;

/** Columns every import needs. */
export const REQUIRED_FIELDS = ['id', 'lat', 'lon'] as const satisfies readonly SingleColumnField[];

/**
 * Header names recognised per field, normalised (lower case, letters and digits only), most
 * specific first. The order of the fields matters: each header serves one field, so that in the
 * Trafford 2018 list `featureAlias` becomes the name and `cameraLocation` the address, and
 * Austin's `Location Name` is the name while its `Location` ("(lat, lon)") is left alone.
 */
const SYNONYMS: readonly (readonly [SingleColumnField, readonly string[]])[] = [
  ['id', ['cameraid', 'camid', 'cameranumber', 'camerano', 'camnumber', 'camno', 'deviceid', 'id', 'identifier']],
  ['lat', ['latitude', 'lat', 'latdeg', 'gpslatitude']],
  ['lon', ['longitude', 'lon', 'lng', 'long', 'londeg', 'gpslongitude']],
  [
    'name',
    [
      'name',
      'cameraname',
      'camname',
      'title',
      'label',
      'featurealias',
      'alias',
      'locationname',
      'sitename',
      'cameralocation',
      'location',
      'description',
    ],
  ],
  ['address', ['address', 'streetaddress', 'addr', 'cameralocation', 'intersection']],
  ['heading', ['heading', 'headingdeg', 'headingdegrees', 'bearing', 'azimuth', 'direction', 'orientation', 'facing']],
  [
    'fieldOfView',
    ['fov', 'fovdeg', 'fovdegrees', 'fieldofview', 'fieldofviewdeg', 'fieldofviewdegrees', 'viewangle', 'angleofview'],
  ],
  ['range', ['range', 'rangem', 'rangemeters', 'rangemetres', 'viewrange', 'viewdistance', 'viewdistancem']],
  [
    'mountHeight',
    ['mountheight', 'mountheightm', 'mountheightmeters', 'mountheightmetres', 'mountingheight', 'height', 'heightm'],
  ],
  ['ptz', ['ptz', 'isptz', 'ptzcapable', 'pantiltzoom']],
  ['status', ['status', 'camerastatus', 'state', 'camerastate', 'operationalstatus']],
  [
    'connectivity',
    ['ipcommstatus', 'commstatus', 'communicationstatus', 'connectionstatus', 'networkstatus', 'connectivity'],
  ],
  [
    'snapshotUrl',
    [
      'snapshoturl',
      'snapshoturi',
      'snapshot',
      'screenshotaddress',
      'screenshoturl',
      'screenshot',
      'imageurl',
      'thumbnailurl',
      'stillurl',
      'jpegurl',
    ],
  ],
  ['cameraSource', ['camerasource', 'source', 'cameraprogram', 'program']],
  // Owner and contact columns: only names that cannot mean anything else, so that a VMS export's
  // maintenance "email" column is never taken for a community owner's contact.
  ['ownerId', ['ownerid', 'owneridentifier', 'registrantid']],
  ['ownerName', ['ownername', 'owner', 'registrantname', 'registrant']],
  ['contactName', ['contactname', 'ownercontactname', 'ownercontact', 'contactperson']],
  ['contactPhone', ['contactphone', 'contactphonenumber', 'ownerphone', 'ownerphonenumber', 'contacttelephone']],
  ['contactEmail', ['contactemail', 'contactemailaddress', 'owneremail', 'owneremailaddress']],
];

/** `stream_url`, `streams`, `rtsp`, `rtsp_url_2`, `hls_url`, `video_uri` … */
const STREAM_COLUMN = /^(?:streams?(?:urls?|uris?|links?)?|rtsp|(?:rtsp|rtmp|hls|webrtc|mjpeg|video|live)(?:urls?|uris?))\d*$/;

export const normaliseHeader = (header: string): string => header.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Recognises the columns of a header row: generic names, common synonyms and the reference exports. */
export function detectColumnMapping(headers: readonly string[]): ColumnMapping {
  const normalised = headers.map(normaliseHeader);
  const used = new Set<number>();
  const mapping: Record<string, string | readonly string[]> = {};
  for (const [field, names] of SYNONYMS) {
    for (const name of names) {
      const index = normalised.findIndex((header, i) => header === name && !used.has(i));
      if (index < 0) continue;
      used.add(index);
      mapping[field] = headers[index] ?? '';
      break;
    }
  }
  const streams = headers.filter((header, i) => !used.has(i) && STREAM_COLUMN.test(normalised[i] ?? ''));
  if (streams.length > 0) mapping.streamUrls = streams;
  return mapping as ColumnMapping;
}

/** Column indexes for a mapping, or the mapped header names the file lacks. */
export interface ResolvedColumns {
  readonly single: Partial<Record<SingleColumnField, number>>;
  readonly streamUrls: readonly number[];
  /** Mapped header names with no column in the file. */
  readonly missing: readonly string[];
}

/** Finds each mapped header in `headers`: exactly first, then ignoring case and punctuation. */
export function resolveColumnMapping(mapping: ColumnMapping, headers: readonly string[]): ResolvedColumns {
  const normalised = headers.map(normaliseHeader);
  const missing: string[] = [];
  const find = (name: string): number | undefined => {
    const exact = headers.indexOf(name);
    const index = exact >= 0 ? exact : normalised.indexOf(normaliseHeader(name));
    if (index >= 0) return index;
    missing.push(name);
    return undefined;
  };
  const single: Partial<Record<SingleColumnField, number>> = {};
  for (const [field] of SYNONYMS) {
    const name: unknown = mapping[field];
    if (typeof name !== 'string') continue;
    const index = find(name);
    if (index !== undefined) single[field] = index;
  }
  const streamUrls = (mapping.streamUrls ?? []).map(find).filter((index): index is number => index !== undefined);
  return { single, streamUrls, missing };
}
