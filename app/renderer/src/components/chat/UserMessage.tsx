/** A question as the user asked it. */
export function UserMessage({ text }: { text: string }) {
  return (
    <div className="message message--user" data-testid="user-message">
      {text}
    </div>
  );
}
