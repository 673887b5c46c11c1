/**
 * The exports as downloads. The export needs the participant's token, which
 * a plain link cannot carry, so each is read through the API and handed to
 * the browser as a file.
 */
import { ExportDocument, type ExportFormat } from '@draftroom/client';
import { ErrorMessage, useAction } from '../ui/action';
import { useRoom } from './room';

const FORMATS: { format: ExportFormat; name: string; extension: string; type: string }[] = [
  { format: 'MARKDOWN', name: 'Markdown', extension: 'md', type: 'text/markdown' },
  { format: 'HTML', name: 'HTML', extension: 'html', type: 'text/html' },
  { format: 'AKOMA_NTOSO', name: 'Akoma Ntoso', extension: 'xml', type: 'application/akn+xml' },
  { format: 'COMPILATION', name: 'compilation', extension: 'compilation.md', type: 'text/markdown' },
];

export function Exports() {
  const room = useRoom();
  const action = useAction();
  const download = (choice: (typeof FORMATS)[number]) =>
    action.run(async () => {
      const { export: body } = await room.client.request(ExportDocument, { declarationId: room.declaration.id, format: choice.format });
      const url = URL.createObjectURL(new Blob([body], { type: `${choice.type};charset=utf-8` }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `declaration-${room.declaration.id}.${choice.extension}`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    });
  return (
    <section aria-label="Exports" class="panel exports">
      <h2>Exports</h2>
      <div class="buttons">
        {FORMATS.map((choice) => (
          <button key={choice.format} type="button" disabled={action.busy} onClick={() => download(choice)}>
            Download {choice.name}
          </button>
        ))}
      </div>
      <ErrorMessage error={action.error} />
    </section>
  );
}
