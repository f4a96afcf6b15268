namespace StatNeuro.Cli.Reproduce;

/// <summary>Every section of <c>statneuro reproduce</c>, in report order. Each domain adds its own file and one line here.</summary>
internal static class ReproduceSections
{
    public static IReadOnlyList<IReproduceSection> All() =>
    [
        new NeuronsSection(),
        new MeanFieldSection(),
        new EdgeOfChaosSection(),
        new NetworksSection(),
        new InferenceSection(),
        new KineticSection(),
    ];
}
