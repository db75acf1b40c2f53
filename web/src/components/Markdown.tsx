import ReactMarkdown from 'react-markdown';

/**
 * A description written in Markdown (models, versions): rendered, never as raw HTML
 * (react-markdown ignores HTML without rehype-raw, and drops `javascript:` links).
 */
export function Markdown({ text, className }: { text: string; className?: string }) {
  return (
    <div className={`markdown${className ? ` ${className}` : ''}`} data-testid="markdown">
      <ReactMarkdown skipHtml>{text}</ReactMarkdown>
    </div>
  );
}
