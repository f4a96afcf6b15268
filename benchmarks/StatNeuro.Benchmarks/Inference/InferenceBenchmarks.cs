using BenchmarkDotNet.Attributes;
using StatNeuro.Data;
using StatNeuro.Inference;
using StatNeuro.Ising;

namespace StatNeuro.Benchmarks.Inference;

/// <summary>
/// Question: how long do exact maximum likelihood at N = 20 (goal &lt; 1 s; ConIII Enumerate: 1042 s) and PLM at
/// N = 100, M = 1e5 (goal &lt; 5 s) take on planted SK data (β = 1)?
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
