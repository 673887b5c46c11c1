/** The sign-in form: a textbox "Access token" and a button "Sign in" (a sign-in link does the same). */
import { useState } from 'preact/hooks';

export function SignIn({ onToken }: { onToken(token: string): void }) {
  const [token, setToken] = useState('');
  const submit = (event: Event) => {
    event.preventDefault();
    if (token.trim()) onToken(token.trim());
  };
  return (
    <main class="sign-in">
      <h1>draftroom</h1>
      <p>The drafting room of the Progress Declaration. Sign in with the access token the secretariat gave you, or open your sign-in link.</p>
      <form onSubmit={submit}>
        <label>
          Access token
          <input type="password" autocomplete="off" spellcheck={false} value={token} onInput={(e) => setToken(e.currentTarget.value)} required />
        </label>
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}
