/**
 * The policy's order of refusals, as pure functions: visibility first
 * (NOT_FOUND names what was looked for), then the role (FORBIDDEN), then the
 * state (CONFLICT, or FORBIDDEN for someone else's). The whole table is
 * walked over HTTP by test/e2e/policyTable.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { AmendmentStatus, DeclarationStatus, Role } from '../db/entities/enums.js';
import { can, refusal, visibleDeclarations, type Viewer } from './index.js';

const ours = '11111111-1111-4111-8111-111111111111';
const theirs = '22222222-2222-4222-8222-222222222222';
const viewer = (role: Role, delegation: string | null = null): Viewer => ({
  id: `${role}-id`,
  name: role,
  role,
  delegation,
  declarationId: role === Role.SECRETARIAT ? null : ours,
});
const frozen = { status: DeclarationStatus.ADOPTED };

describe('the policy', () => {
  it("answers NOT_FOUND for another declaration's thing before looking at the role or the state", () => {
    const refused = refusal(viewer(Role.OBSERVER), 'comment.write', { declarationId: theirs, target: { what: 'paragraph', id: 'p' }, declaration: frozen });
    expect(refused?.code).toBe('NOT_FOUND');
    expect(refused?.message).toBe('no paragraph with id "p" is visible to you');
    expect(can(viewer(Role.SECRETARIAT), 'declaration.read', { declarationId: theirs })).toBe(true);
  });

  it('answers FORBIDDEN for the role before the state, naming who may', () => {
    const refused = refusal(viewer(Role.OBSERVER), 'comment.write', { declarationId: ours, declaration: frozen });
    expect([refused?.code, refused?.message]).toEqual([
      'FORBIDDEN',
      'a OBSERVER may not comment; allowed: SECRETARIAT, CO_FACILITATOR, DELEGATION, STAKEHOLDER',
    ]);
    expect(refusal(viewer(Role.STAKEHOLDER), 'comment.write', { declarationId: ours, declaration: frozen })?.code).toBe('CONFLICT');
  });

  it("decides amendments by delegation: any delegate of the tabling delegation may withdraw, another delegation may not", () => {
    const amendment = { status: AmendmentStatus.PENDING, delegation: 'Mexico' };
    const drafting = { status: DeclarationStatus.DRAFTING };
    expect(can(viewer(Role.DELEGATION, 'Mexico'), 'amendment.withdraw', { declaration: drafting, amendment })).toBe(true);
    expect(refusal(viewer(Role.DELEGATION, 'Morocco'), 'amendment.withdraw', { declaration: drafting, amendment })?.code).toBe('FORBIDDEN');
    expect(refusal(viewer(Role.DELEGATION, 'Mexico'), 'amendment.takePosition', { declaration: drafting, amendment })?.code).toBe('BAD_USER_INPUT');
    expect(refusal(viewer(Role.DELEGATION, 'Morocco'), 'amendment.takePosition', { declaration: frozen, amendment })?.code).toBe('CONFLICT');
  });

  it('shows the secretariat every declaration and anyone else their own', () => {
    expect(visibleDeclarations(viewer(Role.SECRETARIAT))).toBe('all');
    expect(visibleDeclarations(viewer(Role.OBSERVER))).toEqual([ours]);
    expect(visibleDeclarations({ ...viewer(Role.OBSERVER), declarationId: null })).toEqual([]);
  });
});
