/** The camera CSV adapter: imports VMS camera exports from files and watches them for changes, translating with `adapters/camera-csv`. */
export {
  DEFAULT_MAX_CAMERA_CSV_FILE_BYTES,
  createCameraCsvAdapter,
  type CameraCsvAdapter,
  type CameraCsvAdapterOptions,
  type CameraCsvFile,
} from './createCameraCsvAdapter';
