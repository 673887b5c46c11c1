/**
 * Typed operations: `client.request(Document, variables)` returns the data of
 * the operation, typed by the generated TypedDocumentNode. This file is type
 * checked with the rest of the tests (`npm run typecheck`): the annotations
 * below fail the build if a result loses its type, and each
 * `@ts-expect-error` fails it if a misuse stops being an error.
 */
import {
  AddParagraphDocument,
  AddSectionDocument,
  CreateDeclarationDocument,
  DeclarationDocument,
  DeclarationsDocument,
  DocumentStateDocument,
  ExportDocument,
  InviteParticipantDocument,
  ViewerDocument,
  type DraftroomClient,
} from '@draftroom/client';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { startServer, type TestServer } from '../support/testServer.js';
import { sdkClient } from './sdkSupport.js';

describe('typed operations', () => {
  let server: TestServer;
  let secretariat: DraftroomClient;
  let coFacilitator: DraftroomClient;
  beforeAll(async () => {
    server = await startServer();
    secretariat = sdkClient(server.url, server.bootstrapToken);
  });
  afterAll(async () => {
    secretariat?.close();
    coFacilitator?.close();
    await server?.stop({ dropDatabase: true });
  });

  it('sets up a declaration and reads it back, every result typed', async () => {
    const viewer = (await secretariat.request(ViewerDocument)).viewer;
    const role: 'SECRETARIAT' | 'CO_FACILITATOR' | 'DELEGATION' | 'STAKEHOLDER' | 'OBSERVER' = viewer.role;
    expect(role).toBe('SECRETARIAT');

    const { createDeclaration } = await secretariat.request(CreateDeclarationDocument, { input: { title: 'Progress Declaration', forum: 'IMRF' } });
    const declarationId: string = createDeclaration.id;
    expect(createDeclaration.status).toBe('DRAFTING');

    const { inviteParticipant } = await secretariat.request(InviteParticipantDocument, {
      declarationId,
      input: { name: 'Ambassador Diallo', role: 'CO_FACILITATOR' },
    });
    const token: string = inviteParticipant.token;
    coFacilitator = sdkClient(server.url, token);

    const { addSection } = await coFacilitator.request(AddSectionDocument, { declarationId, input: { title: 'Introduction' } });
    const { addParagraph } = await coFacilitator.request(AddParagraphDocument, {
      sectionId: addSection.id,
      input: { text: 'We reaffirm the Global Compact.', objectives: [1, 23] },
    });
    const label: string = addParagraph.label;
    const number: number | null = addParagraph.number;
    expect([label, number]).toEqual(['1', 1]);

    const { declaration } = await coFacilitator.request(DeclarationDocument, { id: declarationId });
    expectTypeOf(declaration).toEqualTypeOf<typeof declaration & ({} | null)>();
    const paragraphs = declaration!.sections.flatMap((s) => s.paragraphs);
    const texts: string[] = paragraphs.map((p) => p.text);
    const objectives: number[] = paragraphs[0]!.objectives;
    expect(texts).toEqual(['We reaffirm the Global Compact.']);
    expect(objectives).toEqual([1, 23]);
    expect(declaration!.title).toBe('Progress Declaration');

    const { declarations } = await coFacilitator.request(DeclarationsDocument);
    expect(declarations.map((d) => d.id)).toEqual([declarationId]);

    const { documentState } = await coFacilitator.request(DocumentStateDocument, { declarationId });
    const seq: number = documentState.seq;
    const update: string = documentState.update; // Base64
    expect(seq).toBeGreaterThan(0);
    expect(update.length).toBeGreaterThan(0);

    const markdown: string = (await coFacilitator.request(ExportDocument, { declarationId, format: 'MARKDOWN' })).export;
    expect(markdown).toContain('**1.** We reaffirm the Global Compact.');
  });

  it('refuses misuse at compile time', () => {
    // Never called: only type checked.
    const misuse = async (client: DraftroomClient) => {
      // @ts-expect-error the id variable is required
      await client.request(DeclarationDocument);
      // @ts-expect-error the id is a string (ID)
      await client.request(DeclarationDocument, { id: 42 });
      // @ts-expect-error no such variable
      await client.request(ViewerDocument, { id: 'x' });
      // @ts-expect-error not a format of the contract
      await client.request(ExportDocument, { declarationId: 'x', format: 'PDF' });
      const { declaration } = await client.request(DeclarationDocument, { id: 'x' });
      // @ts-expect-error the declaration may be null
      void declaration.title;
      // @ts-expect-error the operation does not select participants
      void declaration?.participants;
    };
    expect(typeof misuse).toBe('function');
  });
});
