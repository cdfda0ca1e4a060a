import type { Identity } from '../../auth/identity';
import type { FieldAccessPlan, FieldUse } from './planFieldAccess';
import type { AccessRule } from './readAccessRules';

/** What the caller states and is, as far as access decisions go. */
export interface AccessSubject {
  readonly identity: Identity | null;
  /** The case or incident number the caller stated (the purpose header), if any. */
  readonly purpose: string | null;
}

/** The decisions for one operation and one caller. */
export interface FieldAccessDecision {
  /** Fields withheld: they come back null with a FORBIDDEN error. */
  readonly denied: readonly DeniedField[];
  /** Fields the caller may read only with a stated purpose, stated or not. */
  readonly needToKnow: readonly FieldUse[];
  /** True when some need-to-know field is selected and no purpose was stated: refuse the operation. */
  readonly purposeMissing: boolean;
  /** Restricted fields the caller may read (coordinates): what the audit record lists. */
  readonly restrictedAllowed: readonly string[];
  /** A key equal for every caller with the same decisions, for sharing filtered results. */
  readonly key: string;
}

export interface DeniedField {
  readonly use: FieldUse;
  /** Why, for the error: the scopes that would have allowed it, or that a login is needed. */
  readonly reason: string;
}

/** The policies `@policy` may name, each a check of the caller. */
export const POLICIES: Readonly<Record<string, (subject: AccessSubject) => boolean>> = {
  /** 28 CFR 23.20: restricted data only for a stated case or incident. */
  'need-to-know': (subject) => subject.purpose !== null,
};

/**
 * Decides, per governed field of the plan, whether the caller may read it: `@authenticated`
 * needs an identity, `@requiresScopes` one whole group of scopes. A field allowed by scopes that
 * also carries `@policy` is allowed when one group of policies holds; the only policy today is
 * `need-to-know` (a stated purpose), and a missing purpose refuses the whole operation rather
 * than withholding the field (the caller is entitled to the data, but must say why).
 */
export function decideFieldAccess(plan: FieldAccessPlan, subject: AccessSubject): FieldAccessDecision {
  const denied: DeniedField[] = [];
  const needToKnow: FieldUse[] = [];
  const restricted = new Set<string>();
  const keyParts: number[] = [];
  plan.governed.forEach((use, index) => {
    const refusal = scopeRefusal(use.rule as AccessRule, subject);
    if (refusal) {
      denied.push({ use, reason: refusal });
      keyParts.push(index);
      return;
    }
    const policies = (use.rule as AccessRule).policies;
    if (policies) {
      needToKnow.push(use);
      restricted.add(use.coordinate);
    }
  });
  const purposeMissing = needToKnow.some((use) => !policiesHold(use.rule as AccessRule, subject));
  return { denied, needToKnow, purposeMissing, restrictedAllowed: [...restricted], key: keyParts.join(',') };
}

function scopeRefusal(rule: AccessRule, subject: AccessSubject): string | null {
  const { identity } = subject;
  if ((rule.authenticated || rule.scopes) && !identity) return 'requires an authenticated caller';
  if (!rule.scopes || !identity) return null;
  const allowed = rule.scopes.some((group) => group.every((scope) => identity.scopes.has(scope)));
  if (allowed) return null;
  return `requires scope ${rule.scopes.map((group) => group.join(' and ')).join(' or ')}`;
}

function policiesHold(rule: AccessRule, subject: AccessSubject): boolean {
  if (!rule.policies) return true;
  return rule.policies.some((group) => group.every((policy) => POLICIES[policy]?.(subject) ?? false));
}
