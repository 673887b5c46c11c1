/**
 * The page: sign-in, then the declaration list or one declaration, by path
 * (`/` or `/declarations/<id>`, both served by the server).
 *
 * Signing in checks the token with `viewer`: an unknown token gets an alert
 * and the form again. "Sign out" forgets the token and closes the
 * connection.
 */
import { ViewerDocument, type DraftroomClient, type ParticipantFieldsFragment } from '@draftroom/client';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { createClient, describeError, errorCode } from './api';
import { forgetToken, storeToken, takeTokenFromAddress } from './auth';
import { DeclarationPage } from './declaration/DeclarationPage';
import { roleName } from './declaration/Presence';
import { speaker } from './declaration/room';
import { Home } from './home/Home';
import { SignIn } from './home/SignIn';

function declarationIdOf(path: string): string | null {
  return /^\/declarations\/([^/]+)\/?$/.exec(path)?.[1] ?? null;
}

export function App() {
  const [token, setToken] = useState<string | null>(() => takeTokenFromAddress());
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const onPop = () => setPath(location.pathname);
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  const navigate = (to: string, replace = false) => {
    if (replace) history.replaceState(null, '', to);
    else history.pushState(null, '', to);
    setPath(to);
  };

  if (!token) {
    return (
      <SignIn
        onToken={(entered) => {
          storeToken(entered);
          setToken(entered);
        }}
      />
    );
  }
  return (
    <SignedIn
      key={token}
      token={token}
      path={path}
      navigate={navigate}
      onSignOut={() => {
        forgetToken();
        setToken(null);
      }}
    />
  );
}

function SignedIn({ token, path, navigate, onSignOut }: { token: string; path: string; navigate(path: string, replace?: boolean): void; onSignOut(): void }) {
  const client: DraftroomClient = useMemo(() => createClient(token), [token]);
  const [viewer, setViewer] = useState<ParticipantFieldsFragment | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => () => client.close(), [client]);
  useEffect(() => {
    client.request(ViewerDocument).then(
      ({ viewer: who }) => setViewer(who),
      (failure) => {
        if (errorCode(failure) === 'UNAUTHENTICATED') {
          alert(`Sign-in failed: ${describeError(failure)}`);
          onSignOut();
        } else setError(failure);
      },
    );
  }, [client]);

  const id = declarationIdOf(path);
  return (
    <>
      <header class="top-bar">
        <a
          class="brand"
          href="/"
          onClick={(event) => {
            event.preventDefault();
            navigate('/');
          }}
        >
          draftroom
        </a>
        {viewer && (
          <span class="viewer">
            {speaker(viewer)} · {roleName(viewer.role)}
          </span>
        )}
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      {error ? (
        <main>
          <p role="alert" class="error">
            Cannot reach the server: {describeError(error)}
          </p>
        </main>
      ) : !viewer ? (
        <main class="muted">Signing in…</main>
      ) : id ? (
        <DeclarationPage key={id} client={client} viewer={viewer} id={id} />
      ) : (
        <Home client={client} viewer={viewer} navigate={navigate} />
      )}
    </>
  );
}
