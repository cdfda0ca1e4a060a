/** Trimble TAIP for AVL: a pure message parser (`>RPV`) and the assembler that dates reports by the receive clock. */
export {
  MAX_TAIP_MESSAGE_LENGTH,
  TAIP_REJECT_REASONS,
  parseTaipMessage,
  type RpvReport,
  type TaipParseOptions,
  type TaipParseResult,
  type TaipRejectReason,
  type TaipSource,
} from './parseTaipMessage';
export {
  createTaipFixAssembler,
  type TaipAssembly,
  type TaipFixAssembler,
  type TaipFixAssemblerOptions,
} from './createTaipFixAssembler';
