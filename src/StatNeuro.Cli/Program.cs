using System.CommandLine;
using StatNeuro.Cli.Commands;
using StatNeuro.Cli.Infrastructure;

namespace StatNeuro.Cli;

/// <summary>Entry point of the <c>statneuro</c> command line.</summary>
internal static class Program
{
    public static int Main(string[] args) => Run(args, CliContext.FromConsole());

    /// <summary>Parses and runs a command line; used by <see cref="Main"/> and by in-process tests.</summary>
    public static int Run(string[] args, CliContext cli)
    {
        var root = new RootCommand("StatNeuro: statistical physics of neural systems — simulation, mean-field theory and inference.");
        foreach (Command command in CommandRegistry.Create(cli))
        {
            root.Subcommands.Add(command);
        }

        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            string command = parse.CommandResult.Command.Name;
            cli.Error.WriteLine($"error: {parse.Errors[0].Message} (see 'statneuro {(command == root.Name ? string.Empty : command + " ")}--help')");
            return ExitCodes.Usage;
        }

        var config = new InvocationConfiguration { Output = cli.Out, Error = cli.Error, EnableDefaultExceptionHandler = false };
        return parse.Invoke(config);
    }
}
