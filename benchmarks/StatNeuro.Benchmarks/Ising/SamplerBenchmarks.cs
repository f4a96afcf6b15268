using BenchmarkDotNet.Attributes;
using StatNeuro.Ising;

namespace StatNeuro.Benchmarks.Ising;

/// <summary>
/// Question: how many single-spin updates per second do the Metropolis and heat-bath kernels reach on a dense
/// SK model (N = 100), two chains in parallel? Goal: at least 1e8 per second on 2 cores.
/// One operation = 2 chains × 1000 sweeps × N updates = 2e5 N updates.
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

    [Benchmark(Baseline = true)]
    public void Metropolis() => Parallel.For(0, 2, c => _chains.Run(c, SamplerKind.Metropolis, 1000));

    [Benchmark]
    public void HeatBath() => Parallel.For(0, 2, c => _chains.Run(c, SamplerKind.HeatBath, 1000));
}
