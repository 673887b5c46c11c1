/** Lifecycle guards: what the declaration's status allows now. */
import { DeclarationStatus, type Declaration } from '../db/entities/index.js';
import { conflict } from '../errors.js';

/** Text and structure change only while DRAFTING. */
export function requireDrafting(declaration: Declaration): void {
  if (declaration.status !== DeclarationStatus.DRAFTING) {
    throw conflict(`the declaration is in ${declaration.status}: its text and structure are frozen`);
  }
}

/** Comments are taken until adoption (during the silence procedure too). */
export function requireNotAdopted(declaration: Declaration): void {
  if (declaration.status === DeclarationStatus.ADOPTED) {
    throw conflict('the declaration has been adopted: it takes no more comments');
  }
}
