/**
 * A paragraph's comments: the "Comment on paragraph <label>" button and its
 * form (anchored to the selection in the paragraph's text, if any, else
 * about the whole paragraph), and the list "Comments on paragraph <label>"
 * with replies, resolve and reopen.
 */
import { AddCommentDocument, ReopenCommentDocument, ResolveCommentDocument } from '@draftroom/client';
import { useState } from 'preact/hooks';
import { ErrorMessage, useAction } from '../ui/action';
import type { Comment, Paragraph } from './liveData';
import { may, selectionIn, speaker, useRoom } from './room';

export function CommentForm({ paragraph, onDone }: { paragraph: Paragraph; onDone(): void }) {
  const room = useRoom();
  // Read once, when the form opens: the selection the participant made before pressing the button.
  const [anchor] = useState(() => selectionIn(room, paragraph.id));
  const [body, setBody] = useState('');
  const action = useAction();
  const post = async (event: Event) => {
    event.preventDefault();
    const ok = await action.run(() =>
      room.client.request(AddCommentDocument, {
        paragraphId: paragraph.id,
        input: { body, anchor: anchor ? { start: anchor.start, end: anchor.end } : null },
      }),
    );
    if (ok) {
      room.refresh();
      onDone();
    }
  };
  return (
    <form class="inline-form" onSubmit={post}>
      <p class="form-context">{anchor ? <>On the words “{anchor.quote}”</> : <>On the whole paragraph</>}</p>
      <label>
        Comment
        <textarea value={body} onInput={(e) => setBody(e.currentTarget.value)} rows={3} autofocus />
      </label>
      <div class="buttons">
        <button type="submit" disabled={action.busy}>
          Post comment
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
      <ErrorMessage error={action.error} />
    </form>
  );
}

export function CommentList({ paragraph }: { paragraph: Paragraph }) {
  if (paragraph.comments.length === 0) return null;
  return (
    <section class="comments">
      <h4 id={`comments-${paragraph.id}`}>Comments</h4>
      <ul aria-label={`Comments on paragraph ${paragraph.label}`}>
        {paragraph.comments.map((comment) => (
          <CommentItem key={comment.id} paragraph={paragraph} comment={comment} />
        ))}
      </ul>
    </section>
  );
}

function CommentItem({ paragraph, comment }: { paragraph: Paragraph; comment: Comment }) {
  const room = useRoom();
  const [replying, setReplying] = useState(false);
  const action = useAction();
  const toggle = () =>
    action.run(async () => {
      if (comment.resolved) await room.client.request(ReopenCommentDocument, { commentId: comment.id });
      else await room.client.request(ResolveCommentDocument, { commentId: comment.id });
      room.refresh();
    });
  return (
    <li class={comment.resolved ? 'comment resolved' : 'comment'}>
      <CommentBody comment={comment} />
      {comment.replies.length > 0 && (
        <ul aria-label={`Replies to ${speaker(comment.author)}`} class="replies">
          {comment.replies.map((reply) => (
            <li key={reply.id} class="comment reply">
              <CommentBody comment={reply} />
            </li>
          ))}
        </ul>
      )}
      {may.comment(room) && (
        <div class="buttons">
          <button type="button" onClick={() => setReplying(!replying)} aria-expanded={replying}>
            Reply
          </button>
          <button type="button" onClick={toggle} disabled={action.busy}>
            {comment.resolved ? 'Reopen' : 'Resolve'}
          </button>
        </div>
      )}
      <ErrorMessage error={action.error} />
      {replying && <ReplyForm paragraph={paragraph} comment={comment} onDone={() => setReplying(false)} />}
    </li>
  );
}

function CommentBody({ comment }: { comment: Omit<Comment, 'replies'> }) {
  return (
    <>
      <p class="comment-meta">
        <strong class="author">{speaker(comment.author)}</strong>
        {comment.resolved && <span class="badge">Resolved</span>}
      </p>
      {comment.anchor && (
        <blockquote class={comment.anchor.orphaned ? 'quote orphaned' : 'quote'}>
          {comment.anchor.orphaned ? <del>{comment.anchor.quote}</del> : comment.anchor.quote}
          {comment.anchor.orphaned && <span class="badge"> the quoted words have been deleted</span>}
        </blockquote>
      )}
      <p class="comment-body">{comment.body}</p>
    </>
  );
}

function ReplyForm({ paragraph, comment, onDone }: { paragraph: Paragraph; comment: Comment; onDone(): void }) {
  const room = useRoom();
  const [body, setBody] = useState('');
  const action = useAction();
  const post = async (event: Event) => {
    event.preventDefault();
    const ok = await action.run(() => room.client.request(AddCommentDocument, { paragraphId: paragraph.id, input: { body, replyTo: comment.id } }));
    if (ok) {
      room.refresh();
      onDone();
    }
  };
  return (
    <form class="inline-form" onSubmit={post}>
      <label>
        Reply
        <textarea value={body} onInput={(e) => setBody(e.currentTarget.value)} rows={2} autofocus />
      </label>
      <div class="buttons">
        <button type="submit" disabled={action.busy}>
          Post reply
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
      <ErrorMessage error={action.error} />
    </form>
  );
}
