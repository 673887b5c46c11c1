import { Field, ID, ObjectType } from 'type-graphql';
import type { Participant } from '../../db/entities/index.js';
import { Role } from './enums.js';

@ObjectType('Participant', {
  description: 'Someone invited to a declaration (or a secretariat, which belongs to none), holding one token. Readable wherever it appears (authors, proposers, the actor of an event); the full list is Declaration.participants.',
})
export class ParticipantType {
  @Field(() => ID, { description: "The participant's id." })
  id!: string;

  @Field(() => String, { description: 'Display name, as the secretariat invited them: "Ambassador Diallo", "Delegate of Mexico".' })
  name!: string;

  @Field(() => Role, { description: 'What they may do.' })
  role!: Role;

  @Field(() => String, { nullable: true, description: 'Member state or organisation the participant speaks for, e.g. "Mexico".' })
  delegation!: string | null;

  @Field(() => Date, {
    nullable: true,
    description: 'When the secretariat revoked this participant\'s token (revokeParticipant); null while it works. Revoked participants stay listed.',
  })
  revokedAt!: Date | null;

  static from(p: Pick<Participant, 'id' | 'name' | 'role' | 'delegation'> & { revokedAt?: Date | null }): ParticipantType {
    return Object.assign(new ParticipantType(), { id: p.id, name: p.name, role: p.role, delegation: p.delegation, revokedAt: p.revokedAt ?? null });
  }
}

@ObjectType('Invitation', { description: 'What inviteParticipant returns: the new participant and their token.' })
export class InvitationType {
  @Field(() => ParticipantType, { description: 'The participant just invited.' })
  participant!: ParticipantType;

  @Field(() => String, {
    description: 'Their bearer token (256 random bits), shown this once: the server stores only a hash of it and cannot show it again. Hand it to the participant over a safe channel.',
  })
  token!: string;
}
