namespace StatNeuro.Cli.Infrastructure;

/// <summary>Bad input or usage: printed as one line, exit code 2, nothing written.</summary>
internal sealed class CliUsageException : Exception
{
    public CliUsageException(string message)
        : base(message)
    {
    }

    public CliUsageException()
    {
    }

    public CliUsageException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>Exit codes of the command line (ARCHITECTURE.md §3).</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;
}
