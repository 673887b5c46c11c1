/** How statuses read on screen. */
import type { ParagraphStatus } from '@draftroom/client';

export const PARAGRAPH_STATUS: Record<ParagraphStatus, string> = {
  OPEN: 'Open',
  AGREED_AD_REF: 'Agreed ad ref',
  AGREED: 'Agreed',
  DELETED: 'Deleted',
};
