import { Field, ID, ObjectType } from 'type-graphql';
import type { Participant } from '../../db/entities/index.js';
import { Role } from './enums.js';

@ObjectType('Participant')
export class ParticipantType {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Role)
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

@ObjectType('Invitation')
export class InvitationType {
  @Field(() => ParticipantType)
  participant!: ParticipantType;

  @Field(() => String, { description: 'Shown once; the server stores only a hash of it.' })
  token!: string;
}
