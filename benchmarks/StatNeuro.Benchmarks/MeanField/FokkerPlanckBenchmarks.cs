using BenchmarkDotNet.Attributes;
using StatNeuro.MeanField;

namespace StatNeuro.Benchmarks.MeanField;

/// <summary>
/// Question: how long does the 100 ms step response (mu 10 -> 15 mV, sigma 5 mV) take at 1000 cells, including
/// setting up the stationary initial state? Target (issue 5): under one second. Also the cost of the Monte Carlo
/// per neuron-step (10^4 neurons, 100 ms at 0.02 ms, one thread).
/// </summary>
[MemoryDiagnoser]
public class FokkerPlanckBenchmarks
{
    private static readonly DiffusionLifParameters s_neuron = new();

    [Params(0.01, 0.005)]
    public double DtMs { get; set; }

    [Benchmark(Baseline = true)]
    public double StepResponse100Ms1000Cells()
    {
        var fp = new FokkerPlanckIntegrator(s_neuron, 1000, DtMs, 10, 5);
        int steps = (int)Math.Round(100 / fp.DtMs);
        double sum = 0;
        for (int k = 0; k < steps; k++)
        {
            sum += fp.Step(15, 5);
        }

        return sum;
    }

    [Benchmark]
    public long MonteCarlo10000Neurons100Ms()
    {
        MonteCarloSpikes mc = LifMonteCarlo.Simulate(s_neuron, 10000, 0.02, 100, _ => 15, _ => 5, 10, 5, 1, 1);
        return mc.Counts.Sum();
    }
}
