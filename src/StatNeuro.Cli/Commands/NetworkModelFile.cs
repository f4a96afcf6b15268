using StatNeuro.Cli.Infrastructure;
using StatNeuro.Networks;

namespace StatNeuro.Cli.Commands;

/// <summary>A network described in a TOML or JSON file (see docs/networks.md).</summary>
internal sealed class NetworkModelFile
{
    private NetworkModelFile(Network network, double? durationMs)
    {
        Network = network;
        DurationMs = durationMs;
    }

    public Network Network { get; }

    public double? DurationMs { get; }

    public static NetworkModelFile Load(string path, double? dtOverride)
    {
        throw new CliUsageException($"{path}: model files are not supported yet ({dtOverride}).");
    }
}
