using BenchmarkDotNet.Attributes;
using StatNeuro.Data;
using StatNeuro.Inference;
using StatNeuro.Ising;

namespace StatNeuro.Benchmarks.Inference;

/// <summary>
/// Question: how long do exact maximum likelihood at N = 20, M = 1e5, β = 1 (goal &lt; 1 s; ConIII Enumerate:
/// 1042 s) and PLM at N = 100, M = 1e5, β = 0.5 (goal &lt; 5 s) take on planted SK data, and what does one exact
/// enumeration of 2²⁰ states (one exact-ML evaluation, P(K) included) cost? Steady state (JIT warmed up); the CLI
/// side, start-up included, is timed by <c>benchmarks/compare/inverse_ising.py</c>.
/// Run: <c>dotnet run -c Release --project benchmarks/StatNeuro.Benchmarks -- --filter '*InferenceBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
public class InferenceBenchmarks
{
    private SpinRaster _small = null!;
    private SpinRaster _large = null!;

    [GlobalSetup]
    public void Setup()
    {
        _small = ExactEnumeration.Sample(IsingModel.SherringtonKirkpatrick(20, 1.0, 0.3, 1), 100_000, 2);
        IsingModel big = IsingModel.SherringtonKirkpatrick(100, 0.5, 0.3, 3);
        _large = IsingSampler.Sample(big, new SamplerSettings { Chains = 10, BurnInSweeps = 1000, SweepsPerSample = 5, SamplesPerChain = 10_000 }, 4).Samples;
    }

    [Benchmark(Baseline = true)]
    public IsingModel ExactMaximumLikelihoodN20() => ExactMaximumLikelihood.Fit(_small).Model;

    [Benchmark]
    public IsingModel PseudoLikelihoodN100() => PseudoLikelihood.Fit(_large).Model;

    [Benchmark]
    public ExactStatistics EnumerateN20() => ExactEnumeration.Compute(_small.NeuronCount == 20 ? IsingModel.SherringtonKirkpatrick(20, 1.0, 0.3, 1) : throw new InvalidOperationException());
}
