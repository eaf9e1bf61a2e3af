/**
 * Asks for an encrypted PDF's password, for an upload or a re-read to try again with it. What is typed lives
 * only in this input until it is sent; the form goes away (and the value with it) as the work starts over.
 */
import { useId, useState, type FormEvent } from 'react';

interface Props {
  /** The file's name, for the label. */
  name: string;
  onSubmit(password: string): void;
  /** Prefix of the input's and button's test ids (`<prefix>-input`, `<prefix>-submit`). */
  testId: string;
}

export function PasswordForm({ name, onSubmit, testId }: Props) {
  const inputId = useId();
  const [password, setPassword] = useState('');
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (password === '') return;
    const typed = password;
    setPassword('');
    onSubmit(typed);
  };
  return (
    <form className="upload__password" onSubmit={submit}>
      <label className="visually-hidden" htmlFor={inputId}>
        Password for {name}
      </label>
      <input
        id={inputId}
        className="upload__password-input"
        type="password"
        autoComplete="off"
        placeholder="Password"
        autoFocus
        value={password}
        onChange={(event) => setPassword(event.target.value)}
        data-testid={`${testId}-input`}
      />
      <button type="submit" className="button button--small" disabled={password === ''} data-testid={`${testId}-submit`}>
        Open
      </button>
    </form>
  );
}
