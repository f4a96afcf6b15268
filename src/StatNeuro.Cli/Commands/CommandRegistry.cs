using System.CommandLine;
using StatNeuro.Cli.Infrastructure;

namespace StatNeuro.Cli.Commands;

/// <summary>Every top-level command, in the order `statneuro --help` lists them. One file per command in this folder.</summary>
internal static class CommandRegistry
{
    public static IEnumerable<Command> Create(CliContext cli)
    {
        yield return NeuronCommand.Create(cli);
        yield return SimulateCommand.Create(cli);
        yield return MeanFieldCommand.Create(cli);
        yield return RnnCommand.Create(cli);
        yield return InferKineticCommand.CreateGroup(cli);
        yield return ReproduceCommand.Create(cli);
    }
}
