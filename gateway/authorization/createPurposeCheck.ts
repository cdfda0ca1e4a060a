import { HubError } from '../../errors/hubErrors';

/** What a stated purpose must look like; see {@link createPurposeCheck}. */
export interface PurposeRules {
  /** Every purpose must match it (PURPOSE_PATTERN): a case or incident number. */
  readonly pattern: RegExp;
  /** A purpose matching it is an incident number, which must exist (PURPOSE_INCIDENT_PATTERN); null: none is looked up. */
  readonly incidentPattern: RegExp | null;
  /** How long an incident found is remembered, in ms; one not found, at most 5 s of it. */
  readonly cacheMs: number;
}

export interface PurposeCheckOptions extends PurposeRules {
  /** Whether CAD knows an incident with this number; rejects when CAD cannot answer. */
  readonly incidentExists: (incidentNumber: string) => Promise<boolean>;
  readonly now?: () => number;
  /** Incident numbers remembered at once; the oldest are forgotten beyond it. */
  readonly maxRemembered?: number;
}

/** Decides whether a stated purpose may stand; see {@link createPurposeCheck}. */
export interface PurposeCheck {
  /** Throws PURPOSE_INVALID when `purpose` does not have the form of a case or incident number. */
  checkForm(purpose: string): void;
  /**
   * Resolves when `purpose` (null: none stated) may stand; rejects with PURPOSE_INVALID,
   * PURPOSE_UNKNOWN_INCIDENT, or SUBGRAPH_UNAVAILABLE when CAD cannot say.
   */
  confirm(purpose: string | null): Promise<void>;
}

/** A not-found answer is kept briefly: the incident may be created the next moment (EIDO arrives). */
const NOT_FOUND_CACHE_MAX_MS = 5000;

/**
 * A purpose names a case or an incident (28 CFR 23.20: need-to-know is stated per case): it must
 * match `pattern`, and when it matches `incidentPattern` the incident must exist in CAD. Answers
 * are cached (found: `cacheMs`; not found: at most 5 s), lookups of one number in flight at
 * once are shared, and the cache is bounded, so that a flood of purposes is no flood of CAD
 * queries beyond one per distinct number. A CAD that cannot answer refuses the purpose: an
 * unverified incident is no purpose.
 */
export function createPurposeCheck(options: PurposeCheckOptions): PurposeCheck {
  const { pattern, incidentPattern, cacheMs, incidentExists, now = Date.now, maxRemembered = 10_000 } = options;
  const remembered = new Map<string, { readonly exists: boolean; readonly until: number }>();
  const inFlight = new Map<string, Promise<boolean>>();

  const checkForm = (purpose: string) => {
    // The pattern sees the whole value: a pattern without anchors must not pass a longer text.
    const match = pattern.exec(purpose);
    if (!match || match[0] !== purpose) {
      throw new HubError('PURPOSE_INVALID', `The stated purpose must be a case or incident number matching ${pattern.source}`, {
        pattern: pattern.source,
        http: { status: 400 },
      });
    }
  };

  const lookUp = async (incidentNumber: string): Promise<boolean> => {
    const known = remembered.get(incidentNumber);
    if (known && known.until > now()) return known.exists;
    let pending = inFlight.get(incidentNumber);
    if (!pending) {
      pending = incidentExists(incidentNumber).finally(() => inFlight.delete(incidentNumber));
      inFlight.set(incidentNumber, pending);
      const exists = await pending;
      remembered.delete(incidentNumber);
      if (remembered.size >= maxRemembered) {
        const oldest = remembered.keys().next().value;
        if (oldest !== undefined) remembered.delete(oldest);
      }
      remembered.set(incidentNumber, { exists, until: now() + (exists ? cacheMs : Math.min(cacheMs, NOT_FOUND_CACHE_MAX_MS)) });
      return exists;
    }
    return pending;
  };

  return {
    checkForm,
    async confirm(purpose) {
      if (purpose === null) return;
      checkForm(purpose);
      if (!incidentPattern?.test(purpose)) return;
      if (!(await lookUp(purpose))) {
        throw new HubError('PURPOSE_UNKNOWN_INCIDENT', `The stated purpose ${purpose} has the form of an incident number, but CAD knows no such incident`, {
          http: { status: 403 },
        });
      }
    },
  };
}
