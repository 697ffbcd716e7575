namespace CdsHooks.Engine.Knowledge;

/// <summary>The knowledge folder is invalid. Lists every problem at once, each as "file: path: message".</summary>
public sealed class KnowledgeException : Exception
{
    public KnowledgeException(IReadOnlyList<string> errors)
        : base("Invalid clinical knowledge in cds-cards/ (" + errors.Count + " problem(s)):" + Environment.NewLine +
               string.Join(Environment.NewLine, errors.Select(e => "  - " + e)))
    {
        Errors = errors;
    }

    public KnowledgeException()
        : this([])
    {
    }

    public KnowledgeException(string message)
        : this([message])
    {
    }

    public KnowledgeException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    public IReadOnlyList<string> Errors { get; } = [];
}
