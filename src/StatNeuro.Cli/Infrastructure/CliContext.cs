namespace StatNeuro.Cli.Infrastructure;

/// <summary>Where a command writes text: injected so that tests run commands in-process.</summary>
/// <param name="Out">Standard output (for people, or the summary JSON with --json).</param>
/// <param name="Error">Standard error (error lines, progress).</param>
/// <param name="Interactive">True when stdout is a terminal (progress bars allowed).</param>
internal sealed record CliContext(TextWriter Out, TextWriter Error, bool Interactive)
{
    public static CliContext FromConsole() =>
        new(Console.Out, Console.Error, !Console.IsOutputRedirected && !Console.IsErrorRedirected);
}
