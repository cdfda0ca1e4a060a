/** NMEA 0183 for AVL: a pure sentence parser and the per-device assembler that turns RMC + GGA into fixes. */
export {
  MAX_NMEA_LINE_LENGTH,
  NMEA_REJECT_REASONS,
  parseNmeaSentence,
  type GgaFixQuality,
  type GgaSentence,
  type NmeaDate,
  type NmeaParseResult,
  type NmeaRejectReason,
  type NmeaSentence,
  type RmcMode,
  type RmcSentence,
} from './parseNmeaSentence';
export {
  createNmeaFixAssembler,
  rmcInstant,
  type NmeaAssembly,
  type NmeaFixAssembler,
  type NmeaFixAssemblerOptions,
} from './createNmeaFixAssembler';
export { KPH_PER_KNOT, KPH_PER_MPH, type DeviceFix } from './deviceFix';
