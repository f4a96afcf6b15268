using StatNeuro.Cli;
using StatNeuro.Cli.Infrastructure;

namespace StatNeuro.Cli.Tests;

/// <summary>Runs the command line in-process and captures its output.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Out, string Error) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Program.Run(args, new CliContext(stdout, stderr, Interactive: false));
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A fresh temporary folder path (not created).</summary>
    public static string TempFolder(string prefix)
    {
        return Path.Combine(Path.GetTempPath(), $"statneuro-test-{prefix}-{Guid.NewGuid():N}");
    }
}
