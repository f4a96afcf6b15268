using BenchmarkDotNet.Attributes;
using StatNeuro.Ising;

namespace StatNeuro.Benchmarks.Ising;

/// <summary>
/// Question: how many single-spin updates per second do the Metropolis and heat-bath kernels reach on a dense
/// SK model (N = 100, β = 0.5), two chains in parallel on two cores? Goal: at least 1e8 per second on 2 cores.
/// One invocation = 2 chains × 1000 sweeps × N = 100 spins = 2·10⁵ single-spin updates; OperationsPerInvoke makes
/// the reported Mean the wall time per update, so 10 ns per operation is exactly 10⁸ updates per second.
/// The one-chain case (1000 sweeps × 100 = 10⁵ updates on one core) separates the kernel from the parallel split.
/// Run: <c>dotnet run -c Release --project benchmarks/StatNeuro.Benchmarks -- --filter '*SamplerBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
public class SamplerBenchmarks
{
    private MarkovChains _chains = null!;

    [Params(100)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        IsingModel model = IsingModel.SherringtonKirkpatrick(N, 0.5, 0.3, 1);
        _chains = new MarkovChains(model, 2, 2);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 200_000)]
    public void Metropolis() => Parallel.For(0, 2, c => _chains.Run(c, SamplerKind.Metropolis, 1000));

    [Benchmark(OperationsPerInvoke = 200_000)]
    public void HeatBath() => Parallel.For(0, 2, c => _chains.Run(c, SamplerKind.HeatBath, 1000));

    [Benchmark(OperationsPerInvoke = 100_000)]
    public void MetropolisOneChain() => _chains.Run(0, SamplerKind.Metropolis, 1000);
}
