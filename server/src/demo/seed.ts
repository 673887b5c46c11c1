/**
 * The demo: a skeleton of an IMRF Progress Declaration with a few sample
 * paragraphs (written for the demo, not taken from any adopted text), two
 * co-facilitators, three delegations, a stakeholder and an observer.
 *
 * Seeded through the same commands the API runs, so the demo has change
 * events and Yjs text like any declaration. The demo tokens are written to
 * DATA_DIR/demo-tokens.json (mode 600) so that later starts can print them
 * again: the database itself keeps only their hashes.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Viewer } from '../auth/policy.js';
import { hashToken } from '../auth/tokens.js';
import type { Command } from '../drafting/command.js';
import { runCommand, type CommandRunner } from '../drafting/runCommand.js';
import { createDeclaration, inviteParticipant } from '../drafting/declarations.js';
import { addParagraph } from '../drafting/paragraphs.js';
import { addSection } from '../drafting/sections.js';
import { proposeAmendment, takePosition } from '../drafting/amendments.js';
import { addComment } from '../drafting/comments.js';
import { publishRevision } from '../drafting/revisions.js';
import { Declaration, Participant, Role, Stance } from '../db/entities/index.js';

export interface DemoTokens {
  declarationId: string;
  declarationTitle: string;
  tokens: { role: Role; name: string; token: string }[];
}

const TITLE = 'Progress Declaration of the International Migration Review Forum';
const FORUM = 'International Migration Review Forum';

const PEOPLE: { name: string; role: Role; delegation: string | null }[] = [
  { name: 'Ambassador Amara Diallo', role: Role.CO_FACILITATOR, delegation: null },
  { name: 'Ambassador Lena Voss', role: Role.CO_FACILITATOR, delegation: null },
  { name: 'Delegate of Mexico', role: Role.DELEGATION, delegation: 'Mexico' },
  { name: 'Delegate of Morocco', role: Role.DELEGATION, delegation: 'Morocco' },
  { name: 'Delegate of the Philippines', role: Role.DELEGATION, delegation: 'Philippines' },
  { name: 'Migrant workers network', role: Role.STAKEHOLDER, delegation: 'Civil society' },
  { name: 'Press observer', role: Role.OBSERVER, delegation: null },
];

const SECTIONS: { title: string; paragraphs: { text: string; objectives: number[] }[] }[] = [
  {
    title: 'Introduction',
    paragraphs: [
      {
        text: 'We, the Ministers and high representatives of States, meeting at the International Migration Review Forum, reaffirm our commitment to the Global Compact for Safe, Orderly and Regular Migration and its guiding principles.',
        objectives: [23],
      },
      {
        text: 'We recognize that safe, orderly and regular migration contributes to sustainable development in countries of origin, transit and destination, and that no State can address migration alone.',
        objectives: [19, 23],
      },
    ],
  },
  {
    title: 'Progress, challenges and gaps in implementing the Global Compact',
    paragraphs: [
      {
        text: 'We note with concern that the number of migrants who died or went missing along migratory routes remains unacceptably high, and we commit to strengthen search and rescue and the identification of the missing.',
        objectives: [8],
      },
      {
        text: 'We acknowledge progress in expanding pathways for regular migration, including for labour and family reunification, while recognizing that access remains uneven.',
        objectives: [5, 6],
      },
      {
        text: 'We recognize that the cost of sending remittances remains above the target of 3 per cent, limiting their contribution to the livelihoods of migrants and their families.',
        objectives: [20],
      },
    ],
  },
  {
    title: 'Recommended actions to accelerate implementation',
    paragraphs: [
      {
        text: 'We commit to improve the collection and use of accurate and disaggregated migration data, with full respect for the right to privacy.',
        objectives: [1],
      },
      {
        text: 'We commit to work towards alternatives to immigration detention, giving particular attention to children, and to use detention only as a measure of last resort.',
        objectives: [13],
      },
      {
        text: 'We encourage the portability of social security entitlements and earned benefits through bilateral and regional agreements.',
        objectives: [22],
      },
    ],
  },
];

function tokensFile(dataDir: string) {
  return path.join(dataDir, 'demo-tokens.json');
}

/**
 * Seeds the demo when the database has no declaration; returns the demo
 * tokens (fresh, or those of an earlier seed still valid), or null.
 */
export async function seedDemo(em: EntityManager, services: CommandRunner, dataDir: string): Promise<DemoTokens | null> {
  if ((await em.count(Declaration, {})) > 0) return readDemoTokens(em, dataDir);
  const secretariat: Viewer = { id: '', name: 'Secretariat', role: Role.SECRETARIAT, delegation: null, declarationId: null };
  const run = <T>(viewer: Viewer, body: (command: Command) => Promise<T>) => runCommand(em, services, viewer, body);

  const declaration = await run(secretariat, (c) => createDeclaration(c, { title: TITLE, forum: FORUM }));
  const tokens: DemoTokens['tokens'] = [];
  const invited = new Map<string, Participant>();
  let coFacilitator: Viewer | null = null;
  for (const person of PEOPLE) {
    const invitation = await run(secretariat, (c) => inviteParticipant(c, { declarationId: declaration.id, ...person }));
    tokens.push({ role: person.role, name: person.name, token: invitation.token });
    invited.set(person.name, invitation.participant);
    coFacilitator ??= person.role === Role.CO_FACILITATOR ? viewerOf(invitation.participant, declaration.id) : null;
  }
  let afterSectionId: string | null = null;
  const paragraphIds: string[] = [];
  for (const section of SECTIONS) {
    const created = await run(coFacilitator!, (c) => addSection(c, { declarationId: declaration.id, title: section.title, afterSectionId }));
    afterSectionId = created.id;
    let afterParagraphId: string | null = null;
    for (const paragraph of section.paragraphs) {
      const p = await run(coFacilitator!, (c) => addParagraph(c, { sectionId: created.id, afterParagraphId, ...paragraph }));
      afterParagraphId = p.id;
      paragraphIds.push(p.id);
    }
  }
  // The room at work: a zero draft, an amendment tabled and backed, a comment.
  await run(coFacilitator!, (c) => publishRevision(c, declaration.id, null));
  const delegate = (name: string) => viewerOf(invited.get(name)!, declaration.id);
  const amendment = await run(delegate('Delegate of Mexico'), (c) =>
    proposeAmendment(c, {
      paragraphId: paragraphIds[3]!,
      anchor: { start: 116, end: 160 },
      text: 'while recognizing that access remains uneven across regions and for women migrants',
      rationale: 'Gender-responsive, as the Global Compact asks.',
    }),
  );
  await run(delegate('Delegate of Morocco'), (c) => takePosition(c, amendment.id, Stance.SUPPORT));
  await run(delegate('Delegate of the Philippines'), (c) => takePosition(c, amendment.id, Stance.OPPOSE));
  await run(delegate('Migrant workers network'), (c) =>
    addComment(c, { paragraphId: paragraphIds[2]!, body: 'Please name the families of the missing as rights-holders here.' }),
  );
  const demo: DemoTokens = { declarationId: declaration.id, declarationTitle: TITLE, tokens };
  await fs.mkdir(dataDir, { recursive: true });
  await fs.writeFile(tokensFile(dataDir), JSON.stringify(demo, null, 2) + '\n', { mode: 0o600 });
  return demo;
}

function viewerOf(p: Participant, declarationId: string): Viewer {
  return { id: p.id, name: p.name, role: p.role, delegation: p.delegation, declarationId };
}

/** The demo tokens of an earlier seed, if the file exists and its tokens still match participants. */
async function readDemoTokens(em: EntityManager, dataDir: string): Promise<DemoTokens | null> {
  const raw = await fs.readFile(tokensFile(dataDir), 'utf8').catch(() => null);
  if (!raw) return null;
  try {
    const demo = JSON.parse(raw) as DemoTokens;
    const known = await em.count(Participant, { tokenHash: { $in: demo.tokens.map((t) => hashToken(t.token)) } });
    return known === demo.tokens.length ? demo : null;
  } catch {
    return null;
  }
}
